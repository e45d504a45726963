from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("loket.core.urls")),
    path("", include("loket.offices.urls")),
    path("", include("loket.applicants.urls")),
    path("", include("loket.payments.urls")),
    path("", include("loket.feedback.urls")),
    path("", include("loket.applications.urls")),
    path("", include("loket.booking.urls")),
    path("", include("loket.queueing.urls")),
    path("", include("loket.planning.urls")),
    path("", include("loket.reports.urls")),
    path("", include("loket.pickup.urls")),
    path("", include("loket.outreach.urls")),
]

handler404 = "loket.core.views.error_404"
handler500 = "loket.core.views.error_500"
handler403 = "loket.core.views.error_403"
