"""What the supervision loop itself puts under supervision (see duban.supervision.registry):
its own records escalate when overdue."""

from django.utils.translation import gettext_lazy as _

from duban.supervision.models import CheckIn, Matter, Milestone, Plan
from duban.supervision.registry import escalates

escalates(
    Plan,
    reason=_("方案逾期未提交"),
    overdue=lambda today: Plan.objects.overdue_submission(today).select_related("team__line"),
    due=lambda plan: plan.submit_by,
)
escalates(
    Milestone,
    reason=_("方案节点逾期未完成"),
    overdue=lambda today: Milestone.objects.overdue(today).select_related(
        "version__plan__team__line"
    ),
    due=lambda milestone: milestone.due_date,
    owner=lambda milestone: milestone.version.plan,
)
escalates(
    CheckIn,
    reason=_("督办跟进逾期未完成"),
    overdue=lambda today: CheckIn.objects.overdue(today).select_related("team__line"),
    due=lambda checkin: checkin.date,
)
escalates(
    Matter,
    reason=_("督办事项超期未完成"),
    overdue=lambda today: Matter.objects.past_deadline(today).select_related("team__line"),
    due=lambda matter: matter.deadline,
)
