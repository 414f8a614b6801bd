"""What after-sales puts under supervision (see duban.supervision.registry)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.aftersales.choices import OPEN_CASES
from duban.aftersales.models import Case
from duban.supervision.registry import escalates, subject_kind

subject_kind(Case, label=_("售后案例"), lead=lambda case: case.lead_id)


def _overdue(today: dt.date):
    """Open cases past their resolution deadline (S-AS-3): escalated once a level, through
    the engine."""
    end = timezone.make_aware(dt.datetime.combine(today, dt.time()))
    return Case.objects.filter(status__in=OPEN_CASES, resolve_by__lt=end).select_related(
        "team__line"
    )


escalates(
    Case,
    reason=_("售后案例超过解决期限"),
    overdue=_overdue,
    due=lambda case: timezone.localtime(case.resolve_by).date(),
)
