"""What the supervision loop tells the lead scorecard and the dashboards, on small known cases."""

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.urls import reverse
from django.utils import timezone

from duban.core import calendar, figures
from duban.core.scoring import MEASURES, Dimension, Period, ratio
from duban.supervision import scoring, services
from duban.supervision.choices import (
    Area,
    CheckInStatus,
    Outcome,
    PlanStatus,
    RiskLevel,
    RiskStatus,
)
from duban.supervision.commitments import kept_and_missed
from duban.supervision.models import Chase, CheckIn, Milestone, PlanVersion, Risk
from duban.supervision.registry import Signal
from duban.supervision.tick import _refresh
from tests.base import BaseTestCase
from tests.supervision.factories import CheckInFactory, MatterFactory, PlanFactory, RiskFactory

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
RETURNED, APPROVED = PlanVersion.Decision.RETURNED, PlanVersion.Decision.APPROVED
CODES = [
    *(f"risks_{level}_{area}" for area in Area.values for level in RiskLevel.values),
    "plans_overdue",
    "plans_landed",
    "checkins_missed",
]


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def shanghai(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@contextmanager
def at(moment: dt.datetime):
    """Now is ``moment`` (and today its day in Shanghai) for the code and the records made."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def run(code: str, lead, teams, start: dt.date, end: dt.date, now: dt.datetime):
    with at(now):
        return MEASURES[code].func(Period(lead, tuple(team.pk for team in teams), start, end))


def seen(items) -> list[tuple[str, float, dt.date]]:
    return [(item.label, item.credit, item.day) for item in items]


def demand(title: str, submit_by: dt.date, *, lead, team, status=PlanStatus.DEMANDED, **extra):
    """A plan demanded of ``lead`` for a matter called ``title`` (or for ``risk=``)."""
    if "risk" not in extra:
        extra["matter"] = MatterFactory(title=title, team=team, owner=lead)
    return PlanFactory(team=team, lead=lead, submit_by=submit_by, status=status, **extra)


def submit(plan, number: int, moment: dt.datetime, decision="", reviewed_at=None):
    with at(moment):
        return PlanVersion.objects.create(
            plan=plan,
            number=number,
            cause="原因",
            measures="措施",
            decision=decision,
            reviewed_at=reviewed_at,
        )


def milestone(version, title: str, due: dt.date, done: dt.date | None = None) -> Milestone:
    evidence = "已完成" if done else ""
    return Milestone.objects.create(
        version=version, title=title, due_date=due, done_on=done, evidence=evidence
    )


def resolve(risk: Risk, day: dt.date, by) -> None:
    with at(shanghai(day, 8)):
        services.risk_close(risk=risk, by=by, today=day)


def relapse(risk: Risk, day: dt.date) -> None:
    """The detector sees the resolved risk again: the tick reopens it (its own code path)."""
    signal = Signal(key=risk.key, level=risk.level, title=risk.title, lead_id=risk.lead_id)
    with at(shanghai(day, 7)):
        _refresh(risk, signal, day)


class PlanMeasureTests(BaseTestCase):
    """Plans demanded of lead_b (team B) around November:

    资源补充 due 11-05: v1 11-05 (on time), returned 11-06, v2 11-09 approved; its milestones
        渠道上线 11-12 done 11-12, 名单到位 11-18 done 11-19, 首轮外呼 11-24 open, 复盘 12-05;
        v1's 旧节点 11-12 was superseded
    培训补课 due 11-10: v1 11-11 01:00 Shanghai (11-10 in UTC: late), returned 11-12, not again
    流转提速 due 11-16: not submitted
    已取消 due 11-10: cancelled (its approved milestone 11-20 open is not an item either)
    下月方案 due 12-03 · 月底方案 due 11-26: v1 11-26, returned 11-27 (Fri), due again 12-01
    lead_a's 一组方案 due 11-12: not submitted
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        b = {"lead": cls.lead_b, "team": cls.team_b}
        cls.first = demand("资源补充", d(11, 5), status=PlanStatus.APPROVED, **b)
        v1 = submit(cls.first, 1, shanghai(d(11, 5), 9), RETURNED, shanghai(d(11, 6), 10))
        milestone(v1, "旧节点", d(11, 12))
        v2 = submit(cls.first, 2, shanghai(d(11, 9), 9), APPROVED, shanghai(d(11, 9), 15))
        milestone(v2, "渠道上线", d(11, 12), done=d(11, 12))
        milestone(v2, "名单到位", d(11, 18), done=d(11, 19))
        milestone(v2, "首轮外呼", d(11, 24))
        milestone(v2, "复盘", d(12, 5))
        late = demand("培训补课", d(11, 10), status=PlanStatus.RETURNED, **b)
        submit(late, 1, shanghai(d(11, 11), 1), RETURNED, shanghai(d(11, 12), 10))
        demand("流转提速", d(11, 16), **b)
        cancelled = demand("已取消", d(11, 10), status=PlanStatus.CANCELLED, **b)
        v1 = submit(cancelled, 1, shanghai(d(11, 8), 9), APPROVED, shanghai(d(11, 8), 10))
        milestone(v1, "取消的节点", d(11, 20))
        demand("下月方案", d(12, 3), **b)
        month_end = demand("月底方案", d(11, 26), status=PlanStatus.RETURNED, **b)
        submit(month_end, 1, shanghai(d(11, 26), 10), RETURNED, shanghai(d(11, 27), 10))
        demand("一组方案", d(11, 12), lead=cls.lead_a, team=cls.team_a)

    def items(self, code, now, start=NOVEMBER[0], end=NOVEMBER[1], lead=None):
        lead, team = (lead, self.team_a) if lead else (self.lead_b, self.team_b)
        return run(code, lead, [team], start, end, now)

    def test_S_EVAL_1_a_plan_is_on_time_by_the_local_day_of_its_first_version(self):
        items = self.items("plans_on_time", shanghai(d(12, 1), 10))
        self.assertEqual(
            seen(items),
            [
                ("方案「资源补充」11-05 前提交，11-05 提交", 1.0, d(11, 5)),
                ("方案「培训补课」11-10 前提交，11-11 提交", 0.0, d(11, 10)),
                ("方案「流转提速」11-16 前提交，未提交", 0.0, d(11, 16)),
                ("方案「月底方案」11-26 前提交，11-26 提交", 1.0, d(11, 26)),
            ],
        )
        self.assertEqual(items[0].url, self.first.get_absolute_url())
        self.assertEqual(ratio(items), 0.5)

    def test_a_plan_not_yet_due_and_not_submitted_is_not_an_item(self):
        items = self.items("plans_on_time", shanghai(d(11, 16), 12), end=d(11, 16))
        self.assertEqual([(i.day, i.credit) for i in items], [(d(11, 5), 1.0), (d(11, 10), 0.0)])

    def test_another_leads_plans_are_theirs_and_nothing_due_is_no_data(self):
        self.assertEqual(
            seen(self.items("plans_on_time", shanghai(d(12, 1), 10), lead=self.lead_a)),
            [("方案「一组方案」11-12 前提交，未提交", 0.0, d(11, 12))],
        )
        self.assertEqual(self.items("plans_on_time", shanghai(d(12, 1), 10), d(9, 1), d(9, 30)), [])

    def test_milestones_of_the_approved_version_due_in_the_period(self):
        items = self.items("milestones_on_time", shanghai(d(12, 1), 10))
        self.assertEqual(
            seen(items),
            [
                ("方案「资源补充」节点「渠道上线」11-12 到期，11-12 完成", 1.0, d(11, 12)),
                ("方案「资源补充」节点「名单到位」11-18 到期，11-19 完成", 0.0, d(11, 18)),
                ("方案「资源补充」节点「首轮外呼」11-24 到期，未完成", 0.0, d(11, 24)),
            ],
        )
        self.assertEqual(items[0].url, self.first.get_absolute_url())

    def test_an_open_milestone_not_yet_past_due_is_not_an_item(self):
        items = self.items("milestones_on_time", shanghai(d(11, 24), 10))
        self.assertEqual([i.credit for i in items], [1.0, 0.0])

    def test_a_returned_plan_is_resubmitted_within_two_working_days(self):
        self.assertEqual(
            seen(self.items("plans_resubmitted", shanghai(d(12, 1), 10))),
            [
                ("方案「资源补充」11-06 退回，11-09 重新提交（期限 11-10）", 1.0, d(11, 10)),
                ("方案「培训补课」11-12 退回，11-16 前未重新提交", 0.0, d(11, 16)),
            ],
        )

    def test_a_return_whose_two_working_days_have_passed_counts_missed(self):
        items = self.items("plans_resubmitted", shanghai(d(12, 2), 10))
        self.assertEqual(
            seen(items)[-1], ("方案「月底方案」11-27 退回，12-01 前未重新提交", 0.0, d(12, 1))
        )

    def test_each_measure_costs_one_query(self):
        calendar.is_workday(d(11, 1))  # the calendar's overrides are read once a minute
        for code in ["plans_on_time", "milestones_on_time", "plans_resubmitted"]:
            with self.assertNumQueries(1):
                self.items(code, shanghai(d(12, 1), 10))

    def test_they_are_declared_on_their_dimensions(self):
        dimensions = {
            code: MEASURES[code].dimension
            for code in ["plans_on_time", "milestones_on_time", "plans_resubmitted"]
        }
        self.assertEqual(
            dimensions,
            {
                "plans_on_time": Dimension.EXECUTION,
                "milestones_on_time": Dimension.EXECUTION,
                "plans_resubmitted": Dimension.FLEXIBILITY,
            },
        )


class CheckInMeasureTests(BaseTestCase):
    """lead_b's check-ins in November (grace 30 minutes), and two matters they own:

    11-02 10:00 跟进一 done 10:20 (kept, done) · 11-03 10:00 跟进二 done 11:00 (missed, partly)
    11-04 10:00 跟进三 open · 11-05 10:00 跟进四 waived · 11-06 跟进五 no agreed time, done
    12-02 跟进六 open · matter 事项一 agreed 11-09 09:00, chased 09:20 · 事项二 11-10 09:00, none
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        b = {"team": cls.team_b, "lead": cls.lead_b}

        def done(outcome, moment):
            return {"status": CheckInStatus.DONE, "outcome": outcome, "done_at": moment}

        for title, day, extra in [
            ("跟进一", d(11, 2), done(Outcome.DONE, shanghai(d(11, 2), 10, 20))),
            ("跟进二", d(11, 3), done(Outcome.PARTLY, shanghai(d(11, 3), 11))),
            ("跟进三", d(11, 4), {}),
            ("跟进四", d(11, 5), {"status": CheckInStatus.WAIVED, "waive_reason": "主管请假"}),
            ("跟进五", d(11, 6), {"agreed_time": None, **done(Outcome.NOT_DONE, None)}),
            ("跟进六", d(12, 2), {}),
        ]:
            CheckInFactory(title=title, date=day, **b, **extra)
        CheckInFactory(title="一组跟进", date=d(11, 2), team=cls.team_a, lead=cls.lead_a)
        kept = MatterFactory(
            title="事项一", team=cls.team_b, owner=cls.lead_b, agreed_at=shanghai(d(11, 9), 9)
        )
        MatterFactory(
            title="事项二", team=cls.team_b, owner=cls.lead_b, agreed_at=shanghai(d(11, 10), 9)
        )
        with at(shanghai(d(11, 9), 9, 20)):
            Chase.objects.create(matter=kept, by=cls.supervisor, note="已沟通")

    def items(self, code, now, start=NOVEMBER[0], end=NOVEMBER[1]):
        return run(code, self.lead_b, [self.team_b], start, end, now)

    def test_S_GEN_2_each_agreed_time_is_kept_or_missed(self):
        items = self.items("agreed_times_kept", shanghai(d(12, 1), 10))
        self.assertEqual(
            seen(items),
            [
                ("11-02 10:00 约定与电销二组沟通「跟进一」，按时跟进", 1.0, d(11, 2)),
                ("11-03 10:00 约定与电销二组沟通「跟进二」，未按时跟进", 0.0, d(11, 3)),
                ("11-04 10:00 约定与电销二组沟通「跟进三」，未按时跟进", 0.0, d(11, 4)),
                ("督办事项「事项一」约定 11-09 09:00 沟通，按时跟进", 1.0, d(11, 9)),
                ("督办事项「事项二」约定 11-10 09:00 沟通，未按时跟进", 0.0, d(11, 10)),
            ],
        )

    def test_the_items_add_up_to_the_commitments_count(self):
        now = shanghai(d(12, 1), 10)
        credits = [item.credit for item in self.items("agreed_times_kept", now)]
        self.assertEqual(
            kept_and_missed(*NOVEMBER, now=now)[self.lead_b.pk],
            {"kept": credits.count(1.0), "missed": credits.count(0.0)},
        )

    def test_an_agreed_time_within_its_grace_is_not_an_item_yet(self):
        before = self.items("agreed_times_kept", shanghai(d(11, 4), 10, 29))
        after = self.items("agreed_times_kept", shanghai(d(11, 4), 10, 31))
        self.assertEqual([i.day for i in before], [d(11, 2), d(11, 3)])
        self.assertEqual([i.day for i in after], [d(11, 2), d(11, 3), d(11, 4)])

    def test_a_moved_check_in_is_judged_at_its_new_time(self):
        checkin = CheckInFactory(title="改约", date=d(11, 12), team=self.team_b, lead=self.lead_b)
        services.checkin_reschedule(
            checkin=checkin,
            by=self.supervisor,
            date=d(11, 13),
            agreed_time=dt.time(15),
            reason="会",
        )
        with at(shanghai(d(11, 13), 15, 10)):
            services.checkin_record(
                checkin=checkin, by=self.supervisor, outcome=Outcome.DONE, findings="已完成"
            )
        items = self.items("agreed_times_kept", shanghai(d(12, 1), 10))
        self.assertIn(
            ("11-13 15:00 约定与电销二组沟通「改约」，按时跟进", 1.0, d(11, 13)), seen(items)
        )

    def test_S_EVAL_1_each_past_check_in_has_its_result_collected_or_not(self):
        items = self.items("checkin_results", shanghai(d(12, 1), 10))
        self.assertEqual(
            seen(items),
            [
                ("11-02 电销二组「跟进一」已回收结果：已完成", 1.0, d(11, 2)),
                ("11-03 电销二组「跟进二」已回收结果：部分完成", 1.0, d(11, 3)),
                ("11-04 电销二组「跟进三」未跟进", 0.0, d(11, 4)),
                ("11-06 电销二组「跟进五」已回收结果：未完成", 1.0, d(11, 6)),
            ],
        )
        self.assertEqual(items[2].url, CheckIn.objects.get(title="跟进三").get_absolute_url())

    def test_todays_check_in_is_not_missed_yet(self):
        items = self.items("checkin_results", shanghai(d(11, 4), 18))
        self.assertEqual([i.day for i in items], [d(11, 2), d(11, 3)])

    def test_another_lead_and_an_empty_period(self):
        items = run("checkin_results", self.lead_a, [self.team_a], *NOVEMBER, shanghai(d(12, 1), 9))
        self.assertEqual(seen(items), [("11-02 电销一组「一组跟进」未跟进", 0.0, d(11, 2))])
        self.assertEqual(
            self.items("agreed_times_kept", shanghai(d(12, 1), 9), d(9, 1), d(9, 30)), []
        )
        self.assertEqual(
            self.items("checkin_results", shanghai(d(12, 1), 9), d(9, 1), d(9, 30)), []
        )

    def test_a_few_queries_each(self):
        with self.assertNumQueries(3):  # check-ins, matters, their chases
            self.items("agreed_times_kept", shanghai(d(12, 1), 10))
        with self.assertNumQueries(1):
            self.items("checkin_results", shanghai(d(12, 1), 10))


class RiskMeasureTests(BaseTestCase):
    """Risks lead_b answers (team B's that name no lead, and those naming lead_b):

    名单不足 red 11-02, plan 11-04 (due 11-05); resolved 11-10, held
    流转积压 red 11-09 names lead_b, plan 11-16 (due 11-12, late); resolved 11-12,
        relapsed 11-17, resolved again 11-24, held
    回款延迟 red 11-16, no plan (due 11-19); resolved 11-25, relapsed 12-01
    新风险 red 11-26 (due 12-01: past the period's end) · 黄色风险 yellow 11-03, no plan
    旧风险 red 10-08, resolved 10-20, relapsed 11-05
    他人风险 red, team B but names lead_a, 11-05 · 一组风险 team A red 11-03, resolved 11-20
    """

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        b = {"team": cls.team_b, "line": cls.line_1}

        def risk(title, opened, **extra):
            with at(shanghai(opened, 7)):
                return RiskFactory(title=title, opened_on=opened, **{**b, **extra})

        def planned(risk, moment):
            plan = demand("", d(12, 31), lead=cls.lead_b, team=cls.team_b, risk=risk)
            submit(plan, 1, moment)

        first = risk("名单不足", d(11, 2))
        planned(first, shanghai(d(11, 4), 9))
        resolve(first, d(11, 10), cls.supervisor)
        twice = risk("流转积压", d(11, 9), lead=cls.lead_b)
        planned(twice, shanghai(d(11, 16), 9))
        resolve(twice, d(11, 12), cls.supervisor)
        relapse(twice, d(11, 17))
        resolve(twice, d(11, 24), cls.supervisor)
        third = risk("回款延迟", d(11, 16))
        resolve(third, d(11, 25), cls.supervisor)
        relapse(third, d(12, 1))
        risk("新风险", d(11, 26))
        risk("黄色风险", d(11, 3), level=RiskLevel.YELLOW)
        old = risk("旧风险", d(10, 8))
        resolve(old, d(10, 20), cls.supervisor)
        relapse(old, d(11, 5))
        risk("他人风险", d(11, 5), lead=cls.lead_a)
        team_a = risk("一组风险", d(11, 3), team=cls.team_a)
        resolve(team_a, d(11, 20), cls.supervisor)

    def items(self, code, now, lead=None, end=NOVEMBER[1]):
        lead, team = (lead, self.team_a) if lead else (self.lead_b, self.team_b)
        return run(code, lead, [team], NOVEMBER[0], end, now)

    def test_S_RES_5_a_red_risk_is_answered_by_a_plan_within_three_working_days(self):
        items = self.items("risk_to_plan", shanghai(d(12, 1), 10))
        self.assertEqual(
            seen(items),
            [
                ("红色风险「名单不足」11-02 发现，11-04 提交方案（期限 11-05）", 1.0, d(11, 5)),
                ("红色风险「流转积压」11-09 发现，11-16 提交方案（期限 11-12）", 0.0, d(11, 12)),
                ("红色风险「回款延迟」11-16 发现，11-19 前未提交方案", 0.0, d(11, 19)),
            ],
        )
        self.assertEqual(scoring.RISK_PLAN_WORKDAYS, 3)

    def test_a_young_risk_without_a_plan_is_not_an_item_yet(self):
        items = self.items("risk_to_plan", shanghai(d(11, 19), 10), end=d(11, 19))
        self.assertEqual([i.credit for i in items], [1.0, 0.0])

    def test_a_risk_naming_another_lead_is_theirs(self):
        self.assertEqual(
            seen(self.items("risk_to_plan", shanghai(d(12, 1), 10), lead=self.lead_a)),
            [
                ("红色风险「一组风险」11-03 发现，11-06 前未提交方案", 0.0, d(11, 6)),
                ("红色风险「他人风险」11-05 发现，11-10 前未提交方案", 0.0, d(11, 10)),
            ],
        )

    def test_each_resolution_that_held_and_each_relapse(self):
        items = self.items("risks_no_relapse", shanghai(d(12, 2), 10))
        self.assertEqual(
            seen(items),
            [
                ("风险「旧风险」11-05 复发", 0.0, d(11, 5)),
                ("风险「名单不足」11-10 消除，未复发", 1.0, d(11, 10)),
                ("风险「流转积压」11-12 消除，11-17 复发", 0.0, d(11, 12)),
                ("风险「流转积压」11-24 消除，未复发", 1.0, d(11, 24)),
                ("风险「回款延迟」11-25 消除，12-01 复发", 0.0, d(11, 25)),
            ],
        )
        self.assertEqual(
            seen(self.items("risks_no_relapse", shanghai(d(12, 2), 10), lead=self.lead_a)),
            [("风险「一组风险」11-20 消除，未复发", 1.0, d(11, 20))],
        )

    def test_nothing_resolved_is_no_data(self):
        period = Period(self.lead_b, (self.team_b.pk,), d(9, 1), d(9, 30))
        self.assertEqual(MEASURES["risks_no_relapse"].func(period), [])

    def test_a_few_queries_each(self):
        calendar.is_workday(d(11, 1))
        with self.assertNumQueries(1):
            self.items("risk_to_plan", shanghai(d(12, 1), 10))
        with self.assertNumQueries(3):  # resolutions, relapses, the risks
            self.items("risks_no_relapse", shanghai(d(12, 1), 10))


class FigureTests(BaseTestCase):
    """Team B around 11-20 (today is 12-01); team A holds the cast's red risk and its open
    check-in of 03-02; team C has no data.

    risks (resources unless said): red b1 11-02 open · red b2 11-05 resolved 11-15 · red b3
        11-25 open · red old 10-01, resolved 10-10, relapsed 11-25 · yellow receivables 11-03
        open · yellow receivables 11-04 mitigated
    plans: 待交 due 11-16 not submitted · 执行中 approved, milestone due 11-24 open ·
        待审 submitted (due 11-10) · landed 11-18 and 10-30 · failed 11-19
    check-ins: open 11-04, 11-19, 12-01 (today), 12-03 · done 11-05 · waived 11-06
    """

    DAY = d(11, 20)
    NOW = shanghai(d(12, 1), 10)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        b = {"team": cls.team_b, "line": cls.line_1}
        RiskFactory(title="b1", opened_on=d(11, 2), **b)
        RiskFactory(title="b2", opened_on=d(11, 5), status="resolved", resolved_on=d(11, 15), **b)
        RiskFactory(title="b3", opened_on=d(11, 25), **b)
        old = RiskFactory(title="old", opened_on=d(10, 1), **b)
        resolve(old, d(10, 10), cls.supervisor)
        relapse(old, d(11, 25))
        yellow = {"level": RiskLevel.YELLOW, "area": Area.RECEIVABLES, **b}
        RiskFactory(title="y1", opened_on=d(11, 3), **yellow)
        RiskFactory(title="y2", opened_on=d(11, 4), status=RiskStatus.MITIGATED, **yellow)
        plans = {"lead": cls.lead_b, "team": cls.team_b}
        demand("待交", d(11, 16), **plans)
        running = demand("执行中", d(11, 3), status=PlanStatus.APPROVED, **plans)
        version = submit(running, 1, shanghai(d(11, 2), 9), APPROVED, shanghai(d(11, 3), 9))
        milestone(version, "节点", d(11, 24))
        demand("待审", d(11, 10), status=PlanStatus.SUBMITTED, **plans)
        for title, status, closed in [
            ("落地", PlanStatus.LANDED, d(11, 18)),
            ("上月落地", PlanStatus.LANDED, d(10, 30)),
            ("未落地", PlanStatus.FAILED, d(11, 19)),
        ]:
            demand(title, d(10, 1), status=status, closed_on=closed, **plans)
        checkins = {"team": cls.team_b, "lead": cls.lead_b}
        for day in [d(11, 4), d(11, 19), d(12, 1), d(12, 3)]:
            CheckInFactory(date=day, **checkins)
        CheckInFactory(date=d(11, 5), status=CheckInStatus.DONE, **checkins)
        CheckInFactory(date=d(11, 6), status=CheckInStatus.WAIVED, waive_reason="假期", **checkins)

    def figures_of(self, day, now=NOW):
        with at(now):
            found = figures.compute([self.team_a.pk, self.team_b.pk, self.team_c.pk], day)
        return {team: {code: int(values[code]) for code in CODES} for team, values in found.items()}

    def expected(self, **values):
        return {**dict.fromkeys(CODES, 0), **values}

    def test_each_teams_figures_on_a_day_and_zeros_for_a_team_without_data(self):
        self.assertEqual(
            self.figures_of(self.DAY),
            {
                self.team_a.pk: self.expected(risks_red_resources=1, checkins_missed=1),
                self.team_b.pk: self.expected(
                    risks_red_resources=2,  # b1, and old: relapsed, so open since 10-01
                    risks_yellow_receivables=1,
                    plans_overdue=1,
                    plans_landed=1,
                    checkins_missed=2,
                ),
                self.team_c.pk: self.expected(),
            },
        )

    def test_as_of_a_past_day(self):
        team_b = self.team_b.pk
        self.assertEqual(
            self.figures_of(d(11, 10))[team_b],
            self.expected(
                risks_red_resources=3, risks_yellow_receivables=1, plans_landed=0, checkins_missed=1
            ),
        )
        self.assertEqual(self.figures_of(d(10, 31))[team_b]["plans_landed"], 1)
        self.assertEqual(self.figures_of(d(11, 25))[team_b]["plans_overdue"], 2)

    def test_todays_check_ins_are_not_missed_yet(self):
        self.assertEqual(self.figures_of(d(12, 1))[self.team_b.pk]["checkins_missed"], 2)
        self.assertEqual(self.figures_of(d(12, 5))[self.team_b.pk]["checkins_missed"], 2)

    def test_all_teams_in_four_grouped_queries(self):
        with at(self.NOW), self.assertNumQueries(4):
            scoring.supervision_figures([self.team_a.pk, self.team_b.pk, self.team_c.pk], self.DAY)

    def test_the_links(self):
        team, link = self.team_b.pk, {code: figures.FIGURES[code].link for code in CODES}
        risks, plans = reverse("supervision:risk_list"), reverse("supervision:plan_list")
        self.assertEqual(
            link["risks_red_resources"](team, self.DAY),
            f"{risks}?team={team}&area=resources&level=red&status=active",
        )
        self.assertEqual(
            link["risks_yellow_general"](None, self.DAY),
            f"{risks}?area=general&level=yellow&status=active",
        )
        self.assertEqual(link["plans_overdue"](team, self.DAY), f"{plans}?team={team}&status=live")
        self.assertEqual(link["plans_landed"](team, self.DAY), f"{plans}?team={team}&status=landed")
        self.assertEqual(
            link["checkins_missed"](team, self.DAY),
            f"{reverse('supervision:checkin_list')}?team={team}&status=overdue&date_to=2026-11-20",
        )

    def test_each_link_lists_the_rows_behind_todays_figure(self):
        self.client.force_login(self.supervisor)
        today = d(12, 1)
        values = self.figures_of(today)[self.team_b.pk]
        for code in ["risks_red_resources", "risks_yellow_receivables", "checkins_missed"]:
            with at(self.NOW):
                response = self.client.get(figures.FIGURES[code].link(self.team_b.pk, today))
            self.assertEqual(response.context["filter"].qs.count(), values[code], code)
        with at(self.NOW):
            response = self.client.get(figures.FIGURES["plans_overdue"].link(self.team_b.pk, today))
        self.assertGreaterEqual(response.context["filter"].qs.count(), values["plans_overdue"])

    def test_the_figures_are_declared_by_area(self):
        self.assertEqual(figures.FIGURES["risks_red_projects"].area, Area.PROJECTS)
        self.assertEqual(str(figures.FIGURES["risks_red_projects"].label), "项目红色风险")
        self.assertEqual(figures.FIGURES["plans_overdue"].area, Area.GENERAL)
