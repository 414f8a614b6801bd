"""The cast of the after-sales tests: the base cast, with cases of team A registered by its
lead through the service at aware moments in Asia/Shanghai.

The calendar: November 2026 has no holiday (Monday 2 to Monday 30 work, weekends rest);
December 2026 starts on a Tuesday, so its 5th working day is Monday 7. Around National Day
2026: Friday 25 September (中秋) and Thursday 1 to Wednesday 7 October rest; Sunday
20 September and Saturday 10 October are make-up working days (调休).

Registering dates the case's first step: ``frozen`` stands the clock at the report, as
``timezone.now()`` gives it (in UTC)."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from duban.aftersales import services
from duban.aftersales.choices import Severity
from duban.aftersales.models import Case, Cause
from tests.base import BaseTestCase


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware moment in the company's time zone (Asia/Shanghai)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def nov(day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment of November 2026 (Monday 2 is the first working day)."""
    return at(2026, 11, day, hour, minute)


def frozen(moment: dt.datetime):
    """``django.utils.timezone.now`` standing at ``moment``, in UTC as Django gives it."""
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(dt.UTC))


class AftersalesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cause_line = Cause.objects.create(name="线路故障", order=1)
        cls.cause_bill = Cause.objects.create(name="账单错误", order=2)
        cls.cause_service = Cause.objects.create(name="服务态度", order=3)

    @classmethod
    def register(
        cls,
        reported_at: dt.datetime | None = None,
        *,
        severity: str = Severity.NORMAL,
        by=None,
        team=None,
        **fields,
    ) -> Case:
        """A case of team A registered by lead_a at ``reported_at`` (Monday 2 November
        2026, 10:00 unless said), the clock standing there."""
        reported_at = reported_at or nov(2)
        fields.setdefault("description", "客户反映无法外呼")
        with frozen(reported_at):
            return services.case_register(
                by=by or cls.lead_a,
                team=team or cls.team_a,
                reported_at=reported_at,
                severity=severity,
                **fields,
            )

    @classmethod
    def move(cls, case: Case, move: str, when: dt.datetime, by=None) -> Case:
        with frozen(when):
            return services.case_move(case=case, by=by or cls.lead_a, move=move)

    @classmethod
    def step(cls, case: Case, when: dt.datetime, what: str = "电话回访客户", by=None):
        with frozen(when):
            return services.step_record(case=case, by=by or cls.lead_a, what=what)

    @classmethod
    def resolve(cls, case: Case, when: dt.datetime, resolution: str = "已修复", by=None):
        with frozen(when):
            return services.case_resolve(
                case=case, by=by or cls.lead_a, resolution=resolution, confirmed=True
            )

    @classmethod
    def decide(cls, case: Case, when: dt.datetime, responsibility: str = "back") -> Case:
        with frozen(when):
            return services.responsibility_decide(
                case=case, by=cls.supervisor, responsibility=responsibility
            )

    @staticmethod
    def fetched(case: Case) -> Case:
        """The case read back from the database, as a page or the tick sees it."""
        return Case.objects.get(pk=case.pk)
