from django.urls import path
from django.utils.translation import gettext_lazy as _

from duban.core.import_views import ImportFlow
from duban.projects import services, views
from duban.projects.forms import ActualsUploadForm, ProjectTableUploadForm
from duban.projects.importers import actuals_importer, project_table_importer

ACTIONS = [
    "summary",
    "milestone",
    "milestone_done",
    "handover",
    "receive",
    "review",
    "indicator",
    "actuals",
]

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_new, name="project_new"),
    path("indicators/", views.indicator_board, name="indicator_board"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    *[
        path(
            f"<int:pk>/{action}/",
            views.project_action,
            {"action": action},
            name=f"project_{action}",
        )
        for action in ACTIONS
    ],
]

# the project table (a dated version of each team's) and the daily indicator sheet
table_import = ImportFlow(
    kind="project_table",
    title=_("项目表"),
    importer=project_table_importer,
    upload_form=ProjectTableUploadForm,
    roles=services.WRITERS,
    done_url="projects:version_list",
    namespace="projects",
    prefix="table_",
)
actuals_import = ImportFlow(
    kind="project_actuals",
    title=_("每日指标表"),
    importer=actuals_importer,
    upload_form=ActualsUploadForm,
    roles=services.WRITERS,
    done_url="projects:indicator_board",
    namespace="projects",
    prefix="actuals_",
)
urlpatterns += [
    path("versions/", views.version_list, name="version_list"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    *table_import.urls(),
    *actuals_import.urls(),
]
