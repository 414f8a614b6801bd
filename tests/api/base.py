"""The cast of tests/base.py, each with a personal API token, and a client that uses them."""

import json

from django.test import Client

from duban.api.services import token_create
from tests.base import ROLES, BaseTestCase

API = "/api/v1"


def tokens_for(cast) -> dict[str, str]:
    """A token for every role of the cast."""
    return {role: token_create(user=getattr(cast, role), name="测试")[1] for role in ROLES}


class ApiTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tokens = tokens_for(cls.cast)

    def call(self, role: str, method: str, path: str, data=None, **extra):
        """A request to the API as ``role`` (None: without a token); JSON in and out."""
        headers = {} if role is None else {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[role]}"}
        client = Client(**headers)
        if method == "get":
            return client.get(f"{API}{path}", data or {}, **extra)
        body = json.dumps(data if data is not None else {})
        return getattr(client, method)(
            f"{API}{path}", body, content_type="application/json", **extra
        )

    def get(self, role: str, path: str, **params):
        return self.call(role, "get", path, params)

    def post(self, role: str, path: str, data=None):
        return self.call(role, "post", path, data)

    def items(self, role: str, path: str, **params) -> list[dict]:
        response = self.get(role, path, **params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["items"]

    def ids(self, role: str, path: str, **params) -> set[int]:
        return {row["id"] for row in self.items(role, path, **params)}


def add_team_b(c) -> None:
    """Beside the cast's records of team A, one of team B in every area (lead_b's), so that
    each list shows a lead their own team's rows and never the other's."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from duban.aftersales.models import Case
    from duban.leads.models import LeadRequest, SalesLead
    from duban.org.choices import TeamKind
    from duban.partners.models import Partner
    from duban.people.models import StaffChange, Training
    from duban.projects.models import Project
    from duban.receivables.models import Receivable
    from duban.resources.models import Handover
    from tests.factories import EmployeeFactory, TeamFactory
    from tests.supervision.factories import CheckInFactory, MatterFactory, PlanFactory, RiskFactory

    day = dt.date(2026, 11, 2)
    c.worker_b2 = EmployeeFactory(name="吴二", team=c.team_b)
    c.checkin_b = CheckInFactory(team=c.team_b, lead=c.lead_b, owner=c.supervisor)
    c.matter_b = MatterFactory(team=c.team_b, owner=c.lead_b, supervisor=c.supervisor)
    c.risk_b = RiskFactory(team=c.team_b, line=c.line_1)
    c.plan_b = PlanFactory(risk=c.risk_b, team=c.team_b, lead=c.lead_b, demanded_by=c.supervisor)
    c.handover_b = Handover.objects.create(
        team=c.team_b,
        to_team=c.team_b,
        from_employee=c.worker_b,
        to_employee=c.worker_b2,
        count=1,
        planned_on=day,
        created_by=c.lead_b,
    )
    c.change_a, c.change_b = (
        StaffChange.objects.create(employee=e, kind="post", date=day, team=e.team, post="senior")
        for e in (c.worker_a, c.worker_b)
    )
    c.training_b = Training.objects.create(
        team=c.team_b, topic="话术", kind="product", held_on=day, trainer="王立霞", lead=c.lead_b
    )
    back = TeamFactory(name="合作一组", kind=TeamKind.BACK, line=c.line_1)
    c.request_a, c.request_b = (
        LeadRequest.objects.create(
            back_team=back, team=team, kind="企业宽带", quantity=40, deadline=day, raised_on=day
        )
        for team in (c.team_a, c.team_b)
    )
    c.lead_a_row, c.lead_b_row = (
        SalesLead.objects.create(
            team=owner.team,
            owner=owner,
            prospect=f"{owner.name}的客户",
            probability=50,
            probability_on=day,
            delivered_on=day,
        )
        for owner in (c.worker_a, c.worker_b)
    )
    c.project_a, c.project_b = (
        Project.objects.create(
            name="宽带推广",
            team=team,
            lead=lead,
            starts_on=day,
            ends_on=day + dt.timedelta(days=60),
        )
        for team, lead in ((c.team_a, c.lead_a), (c.team_b, c.lead_b))
    )
    c.customer_b = Partner.objects.create(name="乙公司")
    c.receivable_b = Receivable.objects.create(
        number="INV-B-001",
        customer=c.customer_b,
        team=c.team_b,
        lead=c.lead_b,
        amount=Decimal("5000.00"),
        outstanding=Decimal("5000.00"),
    )
    reported = dt.datetime(2026, 11, 2, 10, tzinfo=timezone.get_current_timezone())
    c.case_a, c.case_b = (
        Case.objects.create(
            number=f"AS-{n}",
            team=team,
            lead=lead,
            handler=handler,
            reported_at=reported,
            description="无法外呼",
            respond_by=reported + dt.timedelta(hours=4),
            resolve_by=reported + dt.timedelta(days=2),
        )
        for n, team, lead, handler in (
            (1, c.team_a, c.lead_a, c.member_a_employee),
            (2, c.team_b, c.lead_b, c.worker_b),
        )
    )


class BothTeamsTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_team_b(cls.cast)
        for name, value in vars(cls.cast).items():
            setattr(cls, name, value)
