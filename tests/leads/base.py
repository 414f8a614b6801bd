"""The cast of the sales-lead tests: the base cast plus a back-end team of line 1 (合作一组, led
by 赵岚) that raises requests to team A, and a cooperating partner (乙集团).

The calendar: November 2026 has no holiday; Monday 2 to Friday 27 is 20 working days."""

import datetime as dt

from duban.leads import services
from duban.leads.models import LeadRequest, SalesLead
from duban.org.choices import Role, TeamKind
from duban.partners.models import Partner
from tests.base import BaseTestCase
from tests.factories import TeamFactory, UserFactory

MONDAY = dt.date(2026, 11, 2)
FRIDAY = dt.date(2026, 11, 6)
TARGET = dt.date(2026, 11, 27)  # a Friday, the 20th working day from MONDAY


def day(number: int) -> dt.date:
    """A day of November 2026."""
    return dt.date(2026, 11, number)


class LeadsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.back_team = TeamFactory(name="合作一组", kind=TeamKind.BACK, line=cls.line_1)
        cls.back_lead = UserFactory(username="zhaolan", name="赵岚", role=Role.LEAD)
        cls.back_team.leads.add(cls.back_lead)
        cls.partner = Partner.objects.create(name="乙集团")

    def raised(self, team=None, **fields) -> LeadRequest:
        """A request of the back team to team A (or ``team``), raised on MONDAY."""
        fields = {"kind": "企业宽带", "quantity": 40, "deadline": TARGET, **fields}
        return services.request_raise(
            by=self.back_lead,
            back_team=self.back_team,
            team=team or self.team_a,
            today=MONDAY,
            **fields,
        )

    def agreed(self, accepted=40, milestones=(), **fields) -> LeadRequest:
        """A request team A agreed: ``accepted`` leads from MONDAY to TARGET."""
        return services.request_agree(
            request=self.raised(**fields),
            by=self.lead_a,
            accepted=accepted,
            starts_on=MONDAY,
            target_on=TARGET,
            milestones=list(milestones),
        )

    def lead(self, *, delivered_on=MONDAY, owner=None, **fields) -> SalesLead:
        """A lead of team A owned by 小祁, written directly (the services are tested apart)."""
        fields = {
            "partner": self.partner,
            "probability": 50,
            "probability_on": delivered_on,
            **fields,
        }
        return SalesLead.objects.create(
            team=self.team_a, owner=owner or self.worker_a, delivered_on=delivered_on, **fields
        )

    def delivered(self, request, *days) -> None:
        """One lead of ``request`` delivered on each of ``days``."""
        for number, on in enumerate(days):
            self.lead(request=request, delivered_on=on, prospect=f"客户{number}", partner=None)
