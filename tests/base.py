"""The cast every test uses (STYLE.md §9).

Line 1 (华东) holds team A (lead_a, member_a, worker_a) and team B (lead_b); the supervisor
follows line 1. Line 2 (华南) holds team C and its own supervisor, who must see nothing of line 1.
"""

from types import SimpleNamespace

from django.test import TestCase

from duban.org.choices import Role
from tests.factories import BusinessLineFactory, EmployeeFactory, TeamFactory, UserFactory

ROLES = [
    "admin",
    "supervisor",
    "other_supervisor",
    "executive",
    "lead_a",
    "member_a",
    "lead_b",
]


def make_cast() -> SimpleNamespace:
    c = SimpleNamespace()
    c.admin = UserFactory(
        username="admin", name="管理员", role=Role.ADMIN, is_staff=True, is_superuser=True
    )
    c.supervisor = UserFactory(username="duban", name="刘婷", role=Role.SUPERVISOR)
    c.other_supervisor = UserFactory(username="duban2", name="孙悦", role=Role.SUPERVISOR)
    c.executive = UserFactory(username="lingdao", name="陈建国", role=Role.EXECUTIVE)
    c.lead_a = UserFactory(username="weisheng", name="维盛", role=Role.LEAD)
    c.lead_b = UserFactory(username="wanglixia", name="王立霞", role=Role.LEAD)
    c.member_a = UserFactory(username="hengzhou", name="横洲", role=Role.MEMBER)

    c.line_1 = BusinessLineFactory(name="华东业务线", head=c.executive)
    c.line_1.supervisors.add(c.supervisor)
    c.line_2 = BusinessLineFactory(name="华南业务线")
    c.line_2.supervisors.add(c.other_supervisor)
    c.team_a = TeamFactory(name="电销一组", line=c.line_1)
    c.team_a.leads.add(c.lead_a)
    c.team_b = TeamFactory(name="电销二组", line=c.line_1)
    c.team_b.leads.add(c.lead_b)
    c.team_c = TeamFactory(name="电销四组", line=c.line_2)

    c.lead_a_employee = EmployeeFactory(name="维盛", team=c.team_a, user=c.lead_a, position="主管")
    c.member_a_employee = EmployeeFactory(name="横洲", team=c.team_a, user=c.member_a)
    c.worker_a = EmployeeFactory(name="小祁", team=c.team_a)
    c.worker_b = EmployeeFactory(name="周敏", team=c.team_b)
    c.worker_c = EmployeeFactory(name="林芳", team=c.team_c)
    add_supervision(c)
    add_receivables(c)
    add_resources(c)
    add_people(c)
    return c


def add_people(c: SimpleNamespace) -> None:
    """A product training of team A that 小祁 attended (a result still to record)."""
    import datetime as dt

    from duban.people.models import Training, TrainingResult

    c.training_a = Training.objects.create(
        team=c.team_a,
        topic="产品知识",
        kind="product",
        held_on=dt.date(2026, 11, 10),
        trainer="维盛",
        lead=c.lead_a,
    )
    TrainingResult.objects.create(training=c.training_a, employee=c.worker_a)


def add_resources(c: SimpleNamespace) -> None:
    """A resource held by 横洲 (team A) and one by 周敏 (team B); 横洲 hands his to 小祁."""
    import datetime as dt

    from duban.resources.models import Handover, Resource, Source

    c.source_a = Source.objects.create(name="展会")
    c.resource_a = Resource.objects.create(
        contact_name="张先生",
        company="甲科技",
        phone="13812345678",
        source=c.source_a,
        team=c.team_a,
        owner=c.member_a_employee,
        received_on=dt.date(2026, 11, 2),
    )
    c.resource_b = Resource.objects.create(
        contact_name="李女士", phone="13900001111", team=c.team_b, owner=c.worker_b
    )
    c.handover_a = Handover.objects.create(
        team=c.team_a,
        to_team=c.team_a,
        from_employee=c.member_a_employee,
        to_employee=c.worker_a,
        count=1,
        planned_on=dt.date(2026, 12, 1),
        created_by=c.lead_a,
    )
    c.handover_a.resources.set([c.resource_a])


def add_receivables(c: SimpleNamespace) -> None:
    """A customer with a receivable of team A (¥100,000, due 2026-02-01, 30,000 paid)."""
    import datetime as dt
    from decimal import Decimal

    from duban.partners.models import Partner
    from duban.receivables.models import Receivable

    c.customer_a = Partner.objects.create(name="甲公司", credit_days=30)
    c.receivable_a = Receivable.objects.create(
        number="INV-A-001",
        customer=c.customer_a,
        team=c.team_a,
        lead=c.lead_a,
        invoice_date=dt.date(2026, 1, 2),
        due_date=dt.date(2026, 2, 1),
        amount=Decimal("100000.00"),
        paid=Decimal("30000.00"),
        outstanding=Decimal("70000.00"),
    )


def add_supervision(c: SimpleNamespace) -> None:
    """Team A's supervision records: a rule, a check-in, a matter, a risk with a submitted plan."""
    from duban.supervision.choices import PlanStatus, ScopeKind
    from duban.supervision.models import CalendarFeed, Milestone, PlanVersion
    from tests.supervision.factories import (
        CheckInFactory,
        MatterFactory,
        PlanFactory,
        RiskFactory,
        RuleFactory,
    )

    c.rule_a = RuleFactory(scope=ScopeKind.TEAM, team=c.team_a, owner=c.supervisor)
    c.checkin_a = CheckInFactory(rule=c.rule_a, team=c.team_a, lead=c.lead_a, owner=c.supervisor)
    c.matter_a = MatterFactory(team=c.team_a, owner=c.lead_a, supervisor=c.supervisor)
    c.risk_a = RiskFactory(team=c.team_a, line=c.line_1)
    c.plan_a = PlanFactory(
        risk=c.risk_a,
        team=c.team_a,
        lead=c.lead_a,
        demanded_by=c.supervisor,
        status=PlanStatus.SUBMITTED,
    )
    c.version_a = PlanVersion.objects.create(
        plan=c.plan_a, number=1, cause="资源来源单一", measures="增加渠道", submitted_by=c.lead_a
    )
    c.milestone_a = Milestone.objects.create(
        version=c.version_a, title="新渠道上线", due_date=c.plan_a.submit_by
    )
    c.feed_lead_a = CalendarFeed.objects.create(user=c.lead_a)


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = make_cast()
        for name, value in vars(cls.cast).items():
            setattr(cls, name, value)
