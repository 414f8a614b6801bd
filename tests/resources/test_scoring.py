"""What resources tell the lead scorecard and the dashboards (S-EVAL-1): each measure's items
and credits, and each figure per team, on small cases with known answers."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from duban.core import figures
from duban.core.scoring import MEASURES, Dimension, Period, ratio
from duban.org.choices import TeamKind
from duban.resources import scoring
from duban.resources.choices import HandoverKind, HandoverStatus
from duban.resources.models import CoverDay, Handover, Resource, Settings
from duban.supervision.models import TableVersion
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory, TeamFactory

TUESDAY = dt.date(2026, 12, 8)  # "today" in these tests


def today(day=TUESDAY):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def items(code, lead, teams, start, end):
    period = Period(lead, tuple(team.pk for team in teams), start, end)
    return MEASURES[code].func(period)


def credits(found):
    return [(item.day, round(item.credit, 3)) for item in found]


def stock(team, owner, n, **fields):
    start = Resource.objects.count()
    Resource.objects.bulk_create(
        Resource(phone=f"1360000{start + i:04d}", team=team, owner=owner, **fields)
        for i in range(n)
    )


class DeclaredTests(BaseTestCase):
    def test_S_EVAL_1_the_measures_are_declared_in_their_dimensions(self):
        self.assertIs(MEASURES["cover_days"].func, scoring.cover_days)
        dimensions = {
            code: MEASURES[code].dimension
            for code in ("cover_days", "handovers_received", "resources_worked", "big_table_weekly")
        }
        self.assertEqual(
            dimensions,
            {
                "cover_days": Dimension.RESOURCES,
                "handovers_received": Dimension.RESOURCES,
                "resources_worked": Dimension.RESOURCES,
                "big_table_weekly": Dimension.IMPROVEMENT,
            },
        )

    def test_a_lead_without_teams_has_no_data(self):
        with today():
            for code in ("cover_days", "handovers_received", "resources_worked"):
                self.assertEqual(items(code, self.lead_a, [], TUESDAY, TUESDAY), [], code)
            self.assertEqual(items("big_table_weekly", self.lead_a, [], TUESDAY, TUESDAY), [])


class CoverDaysTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for day, workable in [
            (dt.date(2026, 11, 27), 900),  # 3.0 days on the Friday of the week of 11-23
            (dt.date(2026, 12, 1), 900),
            (dt.date(2026, 12, 4), 300),  # the week of 11-30 ends on 1.0 day
            (dt.date(2026, 12, 8), 600),  # the running week: 2.0 days so far
            (dt.date(2026, 12, 10), 0),  # after the end of the period
        ]:
            CoverDay.objects.create(team=cls.team_a, day=day, workable=workable, capacity=300)
        CoverDay.objects.create(team=cls.team_b, day=dt.date(2026, 12, 4), workable=5, capacity=0)

    def test_S_RES_7_each_week_the_cover_at_its_end_against_the_minimum(self):
        found = items("cover_days", self.lead_a, [self.team_a], dt.date(2026, 12, 1), TUESDAY)
        self.assertEqual(
            credits(found), [(dt.date(2026, 12, 4), 0.333), (dt.date(2026, 12, 8), 0.667)]
        )
        self.assertEqual(
            found[0].label,
            "电销一组 12-04 可打资源 300 条，日呼叫能力 300 条，够打 1.0 个工作日（最少 3 天）",
        )
        self.assertEqual(found[0].url, f"{reverse('resources:cover')}?team={self.team_a.pk}")

    def test_a_week_overlapping_the_start_counts_and_the_minimum_is_kept(self):
        found = items("cover_days", self.lead_a, [self.team_a], dt.date(2026, 11, 25), TUESDAY)
        self.assertEqual(credits(found)[0], (dt.date(2026, 11, 27), 1.0))
        self.assertEqual(len(found), 3)
        Settings.objects.filter(pk=Settings.current().pk).update(min_days_cover=1)
        found = items("cover_days", self.lead_a, [self.team_a], dt.date(2026, 11, 25), TUESDAY)
        self.assertEqual(ratio(found), 1.0)

    def test_no_record_or_no_one_on_duty_is_no_data(self):
        self.assertEqual(items("cover_days", self.lead_b, [self.team_b], *DECEMBER), [])
        self.assertEqual(items("cover_days", self.lead_a, [self.team_c], *DECEMBER), [])


DECEMBER = (dt.date(2026, 12, 1), TUESDAY)


class HandoversReceivedTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        def handover(planned_on, status=HandoverStatus.PLANNED, received=None, **fields):
            fields = {
                "team": cls.team_a,
                "to_team": cls.team_a,
                "from_employee": cls.member_a_employee,
                "to_employee": cls.worker_a,
                "count": 10,
                **fields,
            }
            return Handover.objects.create(
                planned_on=planned_on,
                status=status,
                received_at=received,
                sent_at=received,
                **fields,
            )

        # the cast's 横洲 → 小祁, planned Tuesday 12-01, confirmed on Wednesday: on time
        Handover.objects.filter(pk=cls.handover_a.pk).update(
            status=HandoverStatus.RECEIVED,
            sent_at=at(dt.date(2026, 12, 2)),
            received_at=at(dt.date(2026, 12, 2), 15),
        )
        # planned Thursday, due Friday, confirmed the Monday after: late
        handover(dt.date(2026, 12, 3), HandoverStatus.RECEIVED, at(dt.date(2026, 12, 7)))
        # planned Friday, due Monday, still sent and waiting on Tuesday: missed
        handover(dt.date(2026, 12, 4), HandoverStatus.SENT)
        handover(dt.date(2026, 12, 7))  # due today: not an item yet
        handover(dt.date(2026, 12, 2), HandoverStatus.CANCELLED)  # never an item
        handover(dt.date(2026, 11, 30))  # last month's, due 12-01, never received
        # a swap from team A to team B: team B's lead answers for its receipt
        handover(
            dt.date(2026, 12, 2),
            HandoverStatus.PLANNED,
            kind=HandoverKind.SWAP,
            to_team=cls.team_b,
            to_employee=cls.worker_b,
        )

    def test_S_RES_7_received_by_the_end_of_the_next_working_day(self):
        with today():
            found = items("handovers_received", self.lead_a, [self.team_a], *DECEMBER)
        self.assertEqual(
            credits(found),
            [
                (dt.date(2026, 12, 2), 1.0),
                (dt.date(2026, 12, 4), 0.0),
                (dt.date(2026, 12, 7), 0.0),
            ],
        )
        self.assertEqual(
            found[0].label, "电销一组 流转 横洲 → 小祁 1 条，计划 12-01，12-02 确认接收"
        )
        self.assertEqual(found[0].url, self.handover_a.get_absolute_url())
        self.assertIn("12-07 才确认接收（应不晚于 12-04）", found[1].label)
        self.assertIn("到 12-07 仍未确认接收（已交出）", found[2].label)

    def test_the_receiving_teams_lead_answers_for_a_swap(self):
        with today():
            found = items("handovers_received", self.lead_b, [self.team_b], *DECEMBER)
        self.assertEqual(credits(found), [(dt.date(2026, 12, 3), 0.0)])
        self.assertIn("电销二组 调换 横洲 → 周敏 10 条", found[0].label)

    def test_a_past_months_hand_over_due_after_its_end_is_judged_once_due(self):
        november = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        with today(dt.date(2026, 11, 30)):
            self.assertEqual(items("handovers_received", self.lead_a, [self.team_a], *november), [])
        with today():
            found = items("handovers_received", self.lead_a, [self.team_a], *november)
        self.assertEqual(credits(found), [(dt.date(2026, 12, 1), 0.0)])

    def test_the_queries_do_not_grow_with_the_hand_overs(self):
        def count():
            with today(), CaptureQueriesContext(connection) as queries:
                items("handovers_received", self.lead_a, [self.team_a], *DECEMBER)
            return len(queries)

        count()  # the calendar's overrides are read once
        before = count()
        for _ in range(5):
            Handover.objects.create(
                team=self.team_a,
                to_team=self.team_a,
                from_employee=self.member_a_employee,
                to_employee=self.worker_a,
                count=1,
                planned_on=dt.date(2026, 12, 2),
            )
        self.assertEqual(count(), before)


class ResourcesWorkedTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # the window: 3 working days, so received before Thursday 12-03 is due on Tuesday 12-08
        received = dt.date(2026, 11, 20)
        stock(
            cls.team_a, cls.worker_a, 3, received_on=received, last_worked_on=dt.date(2026, 11, 25)
        )
        # worked only before it was received (by someone else): untouched since
        stock(
            cls.team_a, cls.worker_a, 1, received_on=received, last_worked_on=dt.date(2026, 11, 10)
        )
        stock(cls.team_a, cls.worker_a, 1, received_on=dt.date(2026, 12, 7))  # window open
        stock(cls.team_a, cls.worker_a, 1, received_on=received, status="closed")
        stock(cls.team_a, None, 1, received_on=received)  # in the pool, not assigned
        # + the cast's resource of 横洲, received 11-02 and never worked

    def test_S_RES_4_the_share_worked_of_those_whose_window_has_passed(self):
        with today():
            found = items("resources_worked", self.lead_a, [self.team_a], *DECEMBER)
        self.assertEqual(credits(found), [(TUESDAY, 0.6)])
        self.assertEqual(
            found[0].label, "电销一组 12-08 领取满 3 个工作日的可打资源 5 条，已跟进 3 条"
        )
        self.assertEqual(
            found[0].url,
            f"{reverse('resources:resource_list')}?team={self.team_a.pk}&untouched=true",
        )

    def test_a_team_without_resources_due_has_no_item(self):
        with today():  # 周敏's resource has no received date
            self.assertEqual(items("resources_worked", self.lead_b, [self.team_b], *DECEMBER), [])

    def test_a_period_that_ended_before_today_has_no_data(self):
        november = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        with today():
            self.assertEqual(items("resources_worked", self.lead_a, [self.team_a], *november), [])


class BigTableWeeklyTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for day in (dt.date(2026, 11, 27), dt.date(2026, 12, 3)):
            TableVersion.objects.create(kind="resource_table", team=cls.team_a, as_of=day, rows=1)
        cls.version = TableVersion.objects.get(as_of=dt.date(2026, 12, 3))

    def weeks(self, end, teams=None):
        found = items(
            "big_table_weekly", self.lead_a, teams or [self.team_a], dt.date(2026, 12, 1), end
        )
        return credits(found), found

    def test_S_RES_1_a_version_each_week_ending_in_the_period(self):
        found, rows = self.weeks(dt.date(2026, 12, 20))
        self.assertEqual(
            found,
            [
                (dt.date(2026, 12, 6), 1.0),  # the week of 11-30 (started last month)
                (dt.date(2026, 12, 13), 0.0),
                (dt.date(2026, 12, 20), 0.0),
            ],
        )
        self.assertEqual(rows[0].label, "电销一组 11-30 当周的资源大表已更新（12-03）")
        self.assertEqual(rows[0].url, reverse("resources:version_detail", args=[self.version.pk]))
        self.assertEqual(rows[1].label, "电销一组 12-07 当周的资源大表未更新")
        self.assertEqual(rows[1].url, reverse("resources:version_list"))

    def test_the_running_week_counts_once_its_table_is_overdue_or_updated(self):
        # Wednesday: the last version (Thursday before) is 6 days old, not due yet
        self.assertEqual(self.weeks(dt.date(2026, 12, 9))[0], [(dt.date(2026, 12, 6), 1.0)])
        # Friday: 8 days old, overdue by tables_stale's rule (more than 7 days)
        self.assertEqual(
            self.weeks(dt.date(2026, 12, 11))[0],
            [(dt.date(2026, 12, 6), 1.0), (dt.date(2026, 12, 11), 0.0)],
        )
        TableVersion.objects.create(
            kind="resource_table", team=self.team_a, as_of=dt.date(2026, 12, 8), rows=1
        )
        self.assertEqual(
            self.weeks(dt.date(2026, 12, 9))[0],
            [(dt.date(2026, 12, 6), 1.0), (dt.date(2026, 12, 9), 1.0)],
        )

    def test_a_team_holding_no_resources_keeps_no_table(self):
        self.assertEqual(self.weeks(dt.date(2026, 12, 20), [self.team_c])[0], [])


class FiguresTests(BaseTestCase):
    CODES = ("res_workable", "res_capacity", "res_handovers_pending")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.empty = TeamFactory(name="新组", line=cls.line_1)
        cls.back = TeamFactory(name="合作组", line=cls.line_1, kind=TeamKind.BACK)
        stock(cls.back, EmployeeFactory(team=cls.back), 5)
        stock(cls.team_a, cls.worker_a, 2)
        stock(cls.team_a, cls.worker_a, 4, status="dormant")
        stock(cls.team_a, None, 3)
        CoverDay.objects.create(
            team=cls.team_a, day=dt.date(2026, 12, 4), workable=900, capacity=300
        )

        def sent(on, received=None, status=HandoverStatus.SENT, **fields):
            fields = {
                "team": cls.team_a,
                "to_team": cls.team_a,
                "from_employee": cls.member_a_employee,
                "to_employee": cls.worker_a,
                **fields,
            }
            Handover.objects.create(
                count=10,
                planned_on=on,
                status=HandoverStatus.RECEIVED if received else status,
                sent_at=at(on),
                received_at=received,
                **fields,
            )

        sent(dt.date(2026, 12, 2), received=at(dt.date(2026, 12, 4), 9))
        sent(dt.date(2026, 12, 3))
        sent(dt.date(2026, 12, 2), status=HandoverStatus.CANCELLED)
        sent(dt.date(2026, 12, 3), to_team=cls.team_b, to_employee=cls.worker_b)
        # + the cast's 横洲 → 小祁, planned and not sent

    def compute(self, day):
        teams = [self.team_a, self.team_b, self.team_c, self.empty, self.back]
        with today():
            found = figures.compute([team.pk for team in teams], day)
        return [tuple(found[team.pk][code] for code in self.CODES) for team in teams]

    def test_workable_stock_and_capacity_now_and_zeros_for_a_team_without_data(self):
        self.assertEqual(
            self.compute(TUESDAY),
            [
                (3, 300, 1),  # 横洲's resource and two of 小祁's; three people on duty
                (1, 100, 1),
                (0, 100, 0),
                (0, 0, 0),
                (0, 0, 0),  # a back-end team does not call: no cover
            ],
        )
        self.assertIsInstance(self.compute(TUESDAY)[0][0], Decimal)

    def test_a_past_day_reads_the_recorded_cover_else_the_state_now(self):
        saturday = dt.date(2026, 12, 5)
        self.assertEqual(self.compute(saturday)[0][:2], (900, 300))  # recorded on Friday
        self.assertEqual(self.compute(saturday)[1][:2], (1, 100))  # nothing recorded: now

    def test_S_RES_7_hand_overs_sent_and_not_received_as_of_each_day(self):
        pending = {
            day: [row[2] for row in self.compute(day)[:2]]
            for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 3))
        }
        self.assertEqual(
            pending,
            {
                dt.date(2026, 12, 1): [0, 0],
                dt.date(2026, 12, 2): [1, 0],
                dt.date(2026, 12, 3): [2, 1],
            },
        )
        self.assertEqual(self.compute(dt.date(2026, 12, 4))[0][2], 1)  # received that morning

    def test_each_figure_opens_its_rows(self):
        links = {code: figures.FIGURES[code].link for code in self.CODES}
        team = self.team_a.pk
        self.assertEqual(
            links["res_workable"](team, TUESDAY),
            f"{reverse('resources:resource_list')}?team={team}&workable=true",
        )
        self.assertEqual(
            links["res_workable"](None, TUESDAY),
            f"{reverse('resources:resource_list')}?workable=true",
        )
        self.assertEqual(
            links["res_capacity"](team, TUESDAY), f"{reverse('resources:cover')}?team={team}"
        )
        self.assertEqual(
            links["res_handovers_pending"](team, TUESDAY),
            f"{reverse('resources:handover_board')}?team={team}",
        )
        self.assertEqual(
            links["res_handovers_pending"](None, TUESDAY), reverse("resources:handover_board")
        )
