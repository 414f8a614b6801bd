from django.urls import path
from django.utils.translation import gettext_lazy as _

from duban.core.import_views import ImportFlow
from duban.leads import services, views
from duban.leads.forms import LeadUploadForm, SummaryUploadForm
from duban.leads.importers import lead_importer, summary_importer

lead_import = ImportFlow(
    kind="lead_table",
    title=_("销线表"),
    importer=lead_importer,
    upload_form=LeadUploadForm,
    roles=services.WRITERS,
    done_url="leads:lead_list",
    namespace="leads",
    prefix="leads_",
)

summary_import = ImportFlow(
    kind="lead_summary",
    title=_("销线综述表"),
    importer=summary_importer,
    upload_form=SummaryUploadForm,
    roles=services.WRITERS,
    done_url="leads:summary",
    namespace="leads",
    prefix="summary_",
)

app_name = "leads"
urlpatterns = [
    path("", views.request_board, name="request_board"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/agree/", views.request_agree, name="request_agree"),
    path("requests/<int:pk>/confirm/", views.request_confirm, name="request_confirm"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<int:pk>/close/", views.request_close, name="request_close"),
    path("tasks/", views.tasks, name="tasks"),
    path("leads/", views.lead_list, name="lead_list"),
    path("leads/new/", views.lead_new, name="lead_new"),
    path("leads/<int:pk>/", views.lead_detail, name="lead_detail"),
    path("calibration/", views.calibration, name="calibration"),
    path("summary/", views.summary, name="summary"),
    path("cycles/", views.cycles, name="cycles"),
    *lead_import.urls(),
    *summary_import.urls(),
]
