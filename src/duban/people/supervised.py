"""What people put under supervision (see duban.supervision.registry)."""

from django.utils.translation import gettext_lazy as _

from duban.org.models import Employee
from duban.people.models import StaffChange, Training
from duban.supervision.registry import subject_kind

subject_kind(Employee, label=_("员工"))
subject_kind(StaffChange, label=_("人员变动"))
subject_kind(Training, label=_("培训"), lead=lambda training: training.lead_id)
