"""What sales leads tell the partner page (duban.partners.registry)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duban.leads.models import LeadRequest, PartnerCycle, SalesLead
from duban.partners.registry import dealings, section


@dealings
def partners_requested(teams):
    """A team deals with the partners of the requests it raised or took."""
    rows = LeadRequest.objects.filter(Q(team__in=teams) | Q(back_team__in=teams))
    return rows.exclude(partner=None).values("partner_id")


@dealings
def partners_in_leads(teams):
    """… the partners of its sales leads (or of those delivered for it) …"""
    rows = SalesLead.objects.filter(Q(team__in=teams) | Q(request__back_team__in=teams))
    return rows.exclude(partner=None).values("partner_id")


@dealings
def partners_followed(teams):
    """… and the partners whose reporting cycles it follows."""
    return PartnerCycle.objects.filter(team__in=teams).values("partner_id")


@section(title=_("销线"), template="leads/_partner_section.html", order=65)
def leads_of(partner, user, request) -> dict:
    return {
        "requests": LeadRequest.objects.visible_to(user).filter(partner=partner)[:20],
        "leads": SalesLead.objects.visible_to(user)
        .filter(partner=partner)
        .select_related("owner")[:20],
        "cycles": PartnerCycle.objects.visible_to(user)
        .filter(partner=partner)
        .select_related("team"),
    }
