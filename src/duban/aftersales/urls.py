from django.urls import path
from django.utils.translation import gettext_lazy as _

from duban.aftersales import services, views
from duban.aftersales.forms import UploadForm
from duban.aftersales.importers import case_importer
from duban.core.import_views import ImportFlow

ACTIONS = ["accept", "start", "close", "reopen", "step", "resolve", "decide"]

app_name = "aftersales"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_new, name="case_new"),
    path("review/", views.review, name="review"),
    path("tables/", views.tables, name="tables"),
    path("analysis/", views.analysis, name="analysis"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    *[
        path(f"<int:pk>/{action}/", views.case_action, {"action": action}, name=f"case_{action}")
        for action in ACTIONS
    ],
]

case_import = ImportFlow(
    kind="case_register",
    title=_("售后登记表"),
    importer=case_importer,
    upload_form=UploadForm,
    roles=services.WRITERS,
    done_url="aftersales:case_list",
    namespace="aftersales",
)
urlpatterns += case_import.urls()
