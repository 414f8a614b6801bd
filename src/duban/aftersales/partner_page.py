"""What after-sales tells the partner page (duban.partners.registry)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duban.aftersales import selectors
from duban.aftersales.models import Case
from duban.partners.registry import dealings, section

SHOWN = 10


@dealings
def partners_with_cases(teams):
    """A team deals with the customers of its after-sales cases."""
    return Case.objects.filter(team__in=teams).exclude(partner=None).values("partner_id")


@section(title=_("售后"), template="aftersales/_partner_section.html", order=70)
def cases_of(partner, user, request) -> dict:
    cases = Case.objects.visible_to(user).filter(partner=partner)
    listed = reverse("aftersales:case_list") + "?"
    return {
        "cases": cases.select_related("team", "cause").order_by("-reported_at")[:SHOWN],
        "counts": [
            (_("全部"), cases.count(), listed + urlencode({"partner": partner.pk})),
            (
                _("未解决"),
                selectors.open_cases(cases).count(),
                listed + urlencode({"partner": partner.pk, "status": "open"}),
            ),
            (
                _("近 %(n)d 天") % {"n": selectors.REPEAT_DAYS},
                cases.filter(reported_at__gte=selectors.days_ago(selectors.REPEAT_DAYS)).count(),
                listed + urlencode({"partner": partner.pk, "days": selectors.REPEAT_DAYS}),
            ),
        ],
    }
