from django.urls import path
from django.utils.translation import gettext_lazy as _

from duban.core.import_views import ImportFlow
from duban.receivables import views
from duban.receivables.forms import UploadForm
from duban.receivables.importers import table_importer
from duban.receivables.models import EDITORS

table_import = ImportFlow(
    kind="ar_table",
    title=_("应收账表"),
    importer=table_importer,
    upload_form=UploadForm,
    roles=EDITORS,
    done_url="receivables:version_list",
    namespace="receivables",
)

app_name = "receivables"
urlpatterns = [
    path("", views.receivable_list, name="receivable_list"),
    path("aging/", views.aging, name="aging"),
    path("versions/", views.version_list, name="version_list"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("<int:pk>/", views.receivable_detail, name="receivable_detail"),
    path("<int:pk>/edit/", views.receivable_edit, name="receivable_edit"),
    path("<int:pk>/payments/", views.receivable_add, {"kind": "payment"}, name="payment_add"),
    path("<int:pk>/plan/", views.receivable_add, {"kind": "plan"}, name="plan_line_add"),
    path("<int:pk>/actions/", views.receivable_add, {"kind": "action"}, name="action_add"),
    *table_import.urls(),
]
