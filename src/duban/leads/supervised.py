"""What sales leads put under supervision (see duban.supervision.registry)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from duban.leads.models import LeadRequest, PartnerCycle, SalesLead
from duban.supervision.cadence import workdays_before
from duban.supervision.choices import Area, Cadence
from duban.supervision.registry import default_rule, subject_kind


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
    reports = cycle.reporting_days(start, end + span)
    return workdays_before(reports, cycle.lead_days, start, end, workdays=workdays)


subject_kind(
    PartnerCycle,
    label=_("合作单位报计划周期"),
    items=cycles_followed,
    dates=follow_up_days,
    cadence_label=lambda cycle: str(cycle.get_cycle_display()),
)

default_rule(  # made by migration 0002 (S-LEAD-6)
    area=Area.LEADS,
    title="已合作单位报计划前跟进",
    cadence=Cadence.DAILY,  # the cycle's own days are used instead
    seed_ref="S-LEAD-6",
    subject_kind="leads.partnercycle",
)
