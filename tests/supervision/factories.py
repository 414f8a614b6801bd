import datetime as dt

import factory

from duban.supervision.choices import Area, Cadence, RiskLevel, ScopeKind
from duban.supervision.models import CheckIn, FollowUpRule, Matter, Plan, Risk


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpRule

    area = Area.RESOURCES
    title = factory.Sequence(lambda n: f"跟进事项{n}")
    cadence = Cadence.DAILY
    scope = ScopeKind.ALL


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    area = Area.RESOURCES
    title = "资源流转安排"
    date = dt.date(2026, 3, 2)
    agreed_time = dt.time(10, 0)


class MatterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matter

    title = factory.Sequence(lambda n: f"督办事项{n}")
    deadline = dt.date(2026, 3, 10)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    key = factory.Sequence(lambda n: f"manual:test-{n}")
    area = Area.RESOURCES
    level = RiskLevel.RED
    title = factory.Sequence(lambda n: f"资源不足风险{n}")
    opened_on = dt.date(2026, 3, 2)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    request = "说明原因并给出补救措施"
    submit_by = dt.date(2026, 3, 5)
