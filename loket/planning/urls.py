from django.urls import path

from loket.planning import views, views_plans

app_name = "planning"

urlpatterns = [
    path("staf/perencanaan/<str:code>/", views.planner, name="planner"),
    path("staf/perencanaan/<str:code>/target/", views_plans.plans, name="plans"),
    path(
        "staf/perencanaan/<str:code>/skenario/<int:scenario_id>/hapus/",
        views.scenario_delete_view,
        name="scenario_delete",
    ),
    path(
        "staf/perencanaan/<str:code>/skenario/<int:scenario_id>/json/",
        views.scenario_json,
        name="scenario_json",
    ),
]
