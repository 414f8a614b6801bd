from django.urls import path
from django.utils.translation import gettext_lazy as _

from duban.core.import_views import ImportFlow
from duban.resources import views
from duban.resources.forms import UploadForm
from duban.resources.importers import table_importer

table_import = ImportFlow(
    kind="resource_table",
    title=_("资源大表"),
    importer=table_importer,
    upload_form=UploadForm,
    roles=views.PLANNERS,
    done_url="resources:version_list",
    namespace="resources",
)

app_name = "resources"
urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    path("<int:pk>/", views.resource_detail, name="resource_detail"),
    path("<int:pk>/worked/", views.resource_worked, name="resource_worked"),
    path("cover/", views.cover, name="cover"),
    path("handovers/", views.handover_board, name="handover_board"),
    path("handovers/new/", views.handover_new, name="handover_new"),
    path("handovers/confirm/", views.to_confirm, name="to_confirm"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/arrange/", views.handover_arrange, name="handover_arrange"),
    *[
        path(
            f"handovers/<int:pk>/{action}/",
            views.handover_action,
            {"action": action},
            name=f"handover_{action}",
        )
        for action in views.ACTIONS
    ],
    path("versions/", views.version_list, name="version_list"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    *table_import.urls(),
]
