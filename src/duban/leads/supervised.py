"""What sales leads put under supervision (see duban.supervision.registry)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from duban.core import calendar
from duban.leads.models import LeadRequest, PartnerCycle, SalesLead
from duban.supervision.registry import subject_kind


def _front_lead(request: LeadRequest):
    lead = request.team.leads.order_by("pk").first()
    return lead.pk if lead else None


subject_kind(LeadRequest, label=_("销线需求"), lead=_front_lead)
subject_kind(SalesLead, label=_("销线"))


def cycles_followed(today: dt.date):
    return PartnerCycle.objects.filter(is_active=True).select_related("partner", "team")


def follow_up_days(cycle: PartnerCycle, start: dt.date, end: dt.date, workdays) -> list[dt.date]:
    """The working day ``lead_days`` before each reporting day (S-LEAD-6): the inside staff
    follow the partner up then; a check-in of a rule that follows cycles falls on it."""
    span = dt.timedelta(days=cycle.lead_days * 2 + 14)
    days = []
    for reporting in cycle.reporting_days(start, end + span):
        if cycle.lead_days:
            day = calendar.subtract_workdays(reporting, cycle.lead_days)
        else:  # on the day itself, or the working day before it
            day = calendar.subtract_workdays(reporting + dt.timedelta(days=1), 1)
        if start <= day <= end:
            days.append(day)
    return days


subject_kind(
    PartnerCycle,
    label=_("合作单位报计划周期"),
    items=cycles_followed,
    dates=follow_up_days,
    cadence_label=lambda cycle: str(cycle.get_cycle_display()),
)
