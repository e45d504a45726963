"""The admin site: only national and office administrators (and superusers) get in."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class LoketAdminSite(admin.AdminSite):
    site_header = _("Loket administration")
    site_title = _("Loket administration")
    index_title = _("Office and national configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        from loket.core.models import User
        from loket.offices.selectors import is_admin

        user = request.user
        return bool(user.is_active and isinstance(user, User) and is_admin(user))


class LoketAdminConfig(AdminConfig):
    default_site = "config.admin.LoketAdminSite"
