from django.urls import path
from django.utils.translation import gettext_lazy as _

from duban.core.import_views import ImportFlow
from duban.people import services, views
from duban.people.forms import AttendanceUploadForm, UploadForm
from duban.people.importers import attendance_importer, roster_importer

roster_import = ImportFlow(
    kind="roster",
    title=_("花名册"),
    importer=roster_importer,
    upload_form=UploadForm,
    roles=services.EDITORS,
    done_url="people:change_list",
    namespace="people",
)

attendance_import = ImportFlow(
    kind="attendance",
    title=_("培训签到/成绩表"),
    importer=attendance_importer,
    upload_form=AttendanceUploadForm,
    roles=services.EDITORS,
    done_url="people:training_list",
    namespace="people",
    prefix="attendance_",
)

app_name = "people"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("structure/", views.structure, name="structure"),
    path("structure/<int:pk>/plan/", views.structure_plan, name="structure_plan"),
    path("structure/<int:pk>/review/", views.structure_review, name="structure_review"),
    path("structure/<int:pk>/budget/", views.structure_budget, name="structure_budget"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/new/", views.change_new, name="change_new"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/plan/", views.training_plan_new, name="training_plan_new"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("talks/", views.talks, name="talks"),
    path("talks/new/", views.talk_new, name="talk_new"),
    path("talks/best/", views.best_new, name="best_new"),
    path("employees/<int:pk>/", views.employee, name="employee"),
    path("employees/<int:pk>/notes/", views.note_new, name="note_new"),
    *roster_import.urls(),
    *attendance_import.urls(),
]
