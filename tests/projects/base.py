"""The cast of the project tests: the base cast plus a back-end team of line 1 (交付一组, led
by 钱峰) that team A's projects hand over to.

The calendar: November 2026 has no holiday (21 working days, Monday 2 to Monday 30); the
National Day week of 2026 rests from Thursday 1 to Wednesday 7 October and works the
Saturday after (10 October, 调休)."""

import datetime as dt
from decimal import Decimal

from duban.org.choices import Role, TeamKind
from duban.projects.models import Actual, Indicator, Project
from tests.base import BaseTestCase
from tests.factories import TeamFactory, UserFactory

D = dt.date
MONDAY = dt.date(2026, 11, 2)


def day(number: int) -> dt.date:
    """A day of November 2026."""
    return dt.date(2026, 11, number)


class ProjectsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.back_team = TeamFactory(name="交付一组", kind=TeamKind.BACK, line=cls.line_1)
        cls.back_lead = UserFactory(username="qianfeng", name="钱峰", role=Role.LEAD)
        cls.back_team.leads.add(cls.back_lead)

    @classmethod
    def project(cls, *, starts_on=MONDAY, ends_on=None, **fields) -> Project:
        """A project of team A led by lead_a, handing over to the back team, written directly
        (the services are tested apart); two months long, so short, unless ``ends_on`` says."""
        fields = {
            "name": f"项目{Project.objects.count() + 1}",
            "team": cls.team_a,
            "lead": cls.lead_a,
            "back_team": cls.back_team,
            **fields,
        }
        ends_on = ends_on or starts_on + dt.timedelta(days=60)
        return Project.objects.create(starts_on=starts_on, ends_on=ends_on, **fields)

    @classmethod
    def short(cls, starts_on=MONDAY, **fields) -> Project:
        return cls.project(starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=60), **fields)

    @classmethod
    def medium(cls, starts_on=MONDAY, **fields) -> Project:
        return cls.project(
            starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=150), **fields
        )

    @classmethod
    def long(cls, starts_on=MONDAY, **fields) -> Project:
        return cls.project(
            starts_on=starts_on, ends_on=starts_on + dt.timedelta(days=300), **fields
        )

    @classmethod
    def indicator(cls, project, name="有效通话", **targets) -> Indicator:
        targets = {key: Decimal(value) for key, value in targets.items()}
        return Indicator.objects.create(project=project, name=name, **targets)

    @classmethod
    def actuals(cls, indicator, values: dict) -> None:
        """``values``: date -> value, written directly."""
        for date, value in values.items():
            Actual.objects.create(indicator=indicator, date=date, value=Decimal(value))
