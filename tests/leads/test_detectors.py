"""Each sales-lead detector fires on its condition and stops when it is dealt with; a red
shortfall makes the engine demand a plan from the front team's lead (S-LEAD-3)."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from duban.leads import detectors, services
from duban.leads.choices import Cycle, Stage
from duban.leads.models import PartnerCycle, SalesLead, Settings
from duban.partners.models import Partner
from duban.supervision.choices import Area, CheckInStatus, Outcome, PlanStatus, RiskLevel
from duban.supervision.models import Plan, Risk
from duban.supervision.registry import DETECTORS
from duban.supervision.tick import plans_autodemand, risks_sync
from tests.leads.base import FRIDAY, MONDAY, LeadsTestCase, day
from tests.supervision.factories import CheckInFactory


def keys(signals):
    return [signal.key for signal in signals]


def at(date: dt.date, hour: int, minute: int = 0):
    """The detectors' clock (the summary's deadline is a time of day), in Shanghai."""
    zone = timezone.get_current_timezone()
    moment = dt.datetime.combine(date, dt.time(hour, minute), tzinfo=zone)
    return mock.patch("duban.leads.detectors.timezone.localtime", return_value=moment)


class RegistrationTests(LeadsTestCase):
    def test_each_detector_names_its_requirement(self):
        refs = {name: d.seed_ref for name, d in DETECTORS.items() if d.area == Area.LEADS}
        self.assertEqual(
            refs,
            {
                "leads_shortfall": "S-LEAD-3",
                "leads_milestone_missed": "S-LEAD-8",
                "leads_summary_missing": "S-LEAD-5",
                "leads_cycle_unfollowed": "S-LEAD-6",
                "leads_next_step_overdue": "S-LEAD-7",
                "leads_probability_stale": "S-LEAD-4",
                "leads_workload": "S-LEAD-8",
            },
        )


class ShortfallTests(LeadsTestCase):
    def setUp(self):
        self.request = self.agreed(accepted=40)  # 2 a working day from MONDAY to TARGET
        self.delivered(self.request, MONDAY, MONDAY, day(4), FRIDAY, FRIDAY, FRIDAY)
        self.key = f"leads-shortfall:request:{self.request.pk}"

    def test_S_LEAD_3_a_request_that_will_miss_its_target_at_this_rate(self):
        signal = next(detectors.shortfall(FRIDAY))
        self.assertEqual((signal.key, signal.level), (self.key, RiskLevel.RED))
        self.assertEqual(
            str(signal.title), "电销一组 承接 合作一组 的「企业宽带」预计只能完成 24 / 40"
        )
        self.assertEqual(
            str(signal.evidence[0]), "已交付 6 条，按工作日进度应交付 10 条（5 / 20 个工作日）"
        )
        self.assertEqual(str(signal.evidence[1]), "目标日期 2026-11-27")
        self.assertEqual((signal.subject, signal.team_id), (self.request, self.team_a.pk))
        self.assertEqual(signal.line_id, self.line_1.pk)

    def test_it_stops_when_the_leads_catch_up(self):
        self.delivered(self.request, FRIDAY, FRIDAY, FRIDAY, FRIDAY)  # 10 in 5 days: 40 projected
        self.assertEqual(keys(detectors.shortfall(FRIDAY)), [])

    def test_it_stops_when_the_request_is_closed(self):
        services.request_close(request=self.request, by=self.back_lead, done=False)
        self.assertEqual(keys(detectors.shortfall(FRIDAY)), [])

    def test_the_margin_is_a_setting(self):
        Settings.objects.update_or_create(pk=1, defaults={"shortfall_margin": 40})
        self.assertEqual(keys(detectors.shortfall(FRIDAY)), [])  # 16 short of 40 is 40 %
        Settings.objects.update_or_create(pk=1, defaults={"shortfall_margin": 39})
        self.assertEqual(keys(detectors.shortfall(FRIDAY)), [self.key])

    def test_one_working_day_is_too_early_to_judge(self):
        empty = self.agreed(accepted=40, kind="专线")
        found = keys(detectors.shortfall(MONDAY))
        self.assertEqual(found, [])
        self.assertIn(f"leads-shortfall:request:{empty.pk}", keys(detectors.shortfall(day(3))))

    def test_a_request_not_yet_agreed_is_not_judged(self):
        self.raised(kind="专线")
        self.assertEqual(keys(detectors.shortfall(FRIDAY)), [self.key])

    def test_S_LEAD_3_a_red_shortfall_demands_a_plan_from_the_front_lead(self):
        risks_sync(today=FRIDAY)
        risk = Risk.objects.get(key=self.key, resolved_on=None)
        self.assertEqual(
            (risk.level, risk.area, risk.team), (RiskLevel.RED, Area.LEADS, self.team_a)
        )
        plans_autodemand(today=day(9))  # the next working day: 倒逼 by the engine
        plan = Plan.objects.get(risk=risk)
        self.assertEqual(
            (plan.status, plan.lead, plan.team), (PlanStatus.DEMANDED, self.lead_a, self.team_a)
        )


class MilestoneTests(LeadsTestCase):
    def setUp(self):
        self.request = self.agreed(
            milestones=[
                {"title": "首批", "due_on": day(13), "quantity": 10},
                {"title": "方案确认", "due_on": day(16)},
            ]
        )
        self.delivered(self.request, MONDAY, MONDAY, day(4), FRIDAY, FRIDAY, FRIDAY)
        self.key = f"leads-milestone:request:{self.request.pk}"

    def test_S_LEAD_8_a_milestone_past_its_day_with_fewer_leads_than_it_named(self):
        self.assertEqual(keys(detectors.milestone_missed(day(13))), [])  # due today: not late
        signal = next(detectors.milestone_missed(day(16)))
        self.assertEqual(
            (signal.key, signal.level, signal.subject), (self.key, RiskLevel.RED, self.request)
        )
        self.assertEqual(
            str(signal.title), "电销一组 的销线需求「企业宽带」有 1 个节点没有按时完成"
        )
        self.assertEqual(
            [str(line) for line in signal.evidence],
            ["节点「首批」：2026-11-13 前应累计交付 10 条，实际 6 条"],
        )

    def test_a_milestone_without_a_quantity_is_late_until_done(self):
        signal = next(detectors.milestone_missed(day(17)))
        self.assertEqual(
            [str(line) for line in signal.evidence][1],
            "节点「方案确认」应于 2026-11-16 完成，尚未完成",
        )
        milestone = self.request.milestones.get(title="方案确认")
        services.milestone_done(milestone=milestone, by=self.lead_a, done_on=day(17))
        self.assertEqual(len(next(detectors.milestone_missed(day(17))).evidence), 1)

    def test_leads_delivered_after_the_milestone_do_not_make_it(self):
        self.delivered(self.request, day(16), day(16), day(16), day(16))
        self.assertEqual(keys(detectors.milestone_missed(day(16))), [self.key])

    def test_it_stops_when_the_leads_were_there_in_time(self):
        self.delivered(self.request, day(13), day(13), day(13), day(13))
        self.assertEqual(keys(detectors.milestone_missed(day(16))), [])

    def test_it_stops_when_the_milestone_is_marked_done(self):
        milestone = self.request.milestones.get(title="首批")
        services.milestone_done(milestone=milestone, by=self.lead_a, done_on=day(16))
        self.assertEqual(keys(detectors.milestone_missed(day(16))), [])


class SummaryTests(LeadsTestCase):
    def setUp(self):
        self.raised()  # team A has lead work; team B and the back team have none
        self.key = f"leads-summary:team:{self.team_a.pk}"

    def write(self, date):
        services.summary_write(
            by=self.lead_a,
            team=self.team_a,
            date=date,
            text="外呼 120 通",
            next_target="本周 10 条",
            next_milestone="11-13 首批",
            figures={},
        )

    def test_S_LEAD_5_the_previous_working_day_s_summary_missing(self):
        with at(day(9), 10):  # Monday morning: Friday's is due
            signal = next(detectors.summary_missing(day(9)))
        self.assertEqual((signal.key, signal.level), (self.key, RiskLevel.YELLOW))
        self.assertEqual(str(signal.title), "电销一组 的销线综述 2026-11-06 没有更新")
        self.assertEqual(str(signal.evidence[0]), "还没有写过综述")

    def test_today_s_is_due_only_from_the_time_of_the_settings(self):
        self.write(FRIDAY)
        with at(day(9), 17, 59):
            self.assertEqual(keys(detectors.summary_missing(day(9))), [])
        with at(day(9), 18):
            signal = next(detectors.summary_missing(day(9)))
        self.assertEqual(str(signal.title), "电销一组 的销线综述 2026-11-09 没有更新")
        self.assertEqual(str(signal.evidence[0]), "最近一次：2026-11-06")

    def test_it_stops_when_the_day_s_summary_is_written(self):
        self.write(day(9))
        with at(day(9), 20):
            self.assertEqual(keys(detectors.summary_missing(day(9))), [])

    def test_a_summary_older_than_the_previous_working_day_is_missing_at_any_time(self):
        self.write(day(5))
        with at(day(9), 8):
            self.assertEqual(keys(detectors.summary_missing(day(9))), [self.key])

    def test_nothing_is_due_on_a_weekend(self):
        with at(day(7), 20):
            self.assertEqual(keys(detectors.summary_missing(day(7))), [])

    def test_a_team_whose_work_is_over_owes_no_summary(self):
        request = self.team_a.lead_requests_taken.get()
        services.request_close(request=request, by=self.back_lead, done=True)
        with at(day(9), 10):
            self.assertEqual(keys(detectors.summary_missing(day(9))), [])


class CycleTests(LeadsTestCase):
    def setUp(self):
        # 乙集团 reports on Mondays; team A follows it up 3 working days before
        self.cycle = PartnerCycle.objects.create(
            partner=self.partner, team=self.team_a, cycle=Cycle.WEEKLY, day=1, lead_days=3
        )
        self.key = f"leads-cycle:team:{self.team_a.pk}"

    def follow(self, date, status=CheckInStatus.DONE, subject=None):
        CheckInFactory(
            area=Area.LEADS,
            title="报计划前跟进",
            team=self.team_a,
            lead=self.lead_a,
            owner=self.supervisor,
            date=date,
            status=status,
            subject=subject or self.cycle,
        )

    def test_S_LEAD_6_a_partner_about_to_report_without_a_follow_up(self):
        self.assertEqual(keys(detectors.cycle_unfollowed(day(3))), [])  # Monday 9th is 4 days on
        signal = next(detectors.cycle_unfollowed(day(4)))
        self.assertEqual((signal.key, signal.level), (self.key, RiskLevel.YELLOW))
        self.assertEqual(str(signal.title), "电销一组 有 1 家合作单位临近报计划还没有跟进")
        self.assertEqual(str(signal.evidence[0]), "乙集团 2026-11-09 报计划，还没有跟进")
        self.assertEqual(signal.items[0].subject, self.cycle)

    def test_it_stops_when_a_follow_up_of_the_cycle_is_done(self):
        self.follow(day(4), status=CheckInStatus.PLANNED)
        self.assertEqual(keys(detectors.cycle_unfollowed(day(4))), [self.key])
        self.follow(day(5))
        for today in [day(5), FRIDAY, day(9)]:
            self.assertEqual(keys(detectors.cycle_unfollowed(today)), [])

    def test_a_follow_up_of_another_partner_does_not_count(self):
        other = PartnerCycle.objects.create(
            partner=Partner.objects.create(name="丙商贸"), team=self.team_a, cycle=Cycle.MONTHLY
        )
        self.follow(day(4), subject=other)
        self.assertEqual(keys(detectors.cycle_unfollowed(day(4))), [self.key])

    def test_last_week_s_follow_up_does_not_count_for_this_week_s_report(self):
        self.follow(day(4))  # for Monday the 9th
        self.assertEqual(keys(detectors.cycle_unfollowed(day(11))), [self.key])  # the 16th

    def test_a_cycle_no_longer_followed(self):
        PartnerCycle.objects.filter(pk=self.cycle.pk).update(is_active=False)
        self.assertEqual(keys(detectors.cycle_unfollowed(day(4))), [])


class NextStepTests(LeadsTestCase):
    def setUp(self):
        self.key = f"leads-next-step:team:{self.team_a.pk}"

    def test_S_LEAD_7_a_lead_s_next_step_past_its_day(self):
        lead = self.lead(next_step="上门拜访", next_on=day(5))
        self.assertEqual(keys(detectors.next_step_overdue(day(5))), [])
        signal = next(detectors.next_step_overdue(FRIDAY))
        self.assertEqual((signal.key, signal.level), (self.key, RiskLevel.YELLOW))
        self.assertEqual(str(signal.evidence[0]), "乙集团（小祁）下一步「上门拜访」应在 2026-11-05")
        self.assertEqual(signal.items[0].subject, lead)

    def test_it_stops_when_the_next_step_is_moved_on_or_the_lead_closed(self):
        lead = self.lead(next_step="上门拜访", next_on=day(5))
        lead = services.lead_update(
            lead=lead, by=self.lead_a, today=FRIDAY, expected_version=lead.version, next_on=day(10)
        )
        self.assertEqual(keys(detectors.next_step_overdue(FRIDAY)), [])
        self.assertEqual(keys(detectors.next_step_overdue(day(11))), [self.key])
        services.lead_update(
            lead=lead, by=self.lead_a, today=day(11), expected_version=lead.version, stage=Stage.WON
        )
        self.assertEqual(keys(detectors.next_step_overdue(day(11))), [])

    def test_S_LEAD_7_a_task_s_result_not_collected_by_the_next_working_day(self):
        task = services.task_arrange(
            by=self.lead_a, team=self.team_a, date=MONDAY, assignee=self.worker_a, work="外呼名单甲"
        )
        self.assertEqual(keys(detectors.next_step_overdue(day(3))), [])
        signal = next(detectors.next_step_overdue(day(4)))
        self.assertEqual(str(signal.evidence[0]), "2026-11-02 小祁「外呼名单甲」结果未回收")
        services.task_result(task=task, by=self.lead_a, outcome=Outcome.NOT_DONE)
        self.assertEqual(keys(detectors.next_step_overdue(day(4))), [])

    def test_a_friday_task_is_late_only_after_monday(self):
        services.task_arrange(
            by=self.lead_a, team=self.team_a, date=FRIDAY, assignee=self.worker_a, work="回访"
        )
        self.assertEqual(keys(detectors.next_step_overdue(day(9))), [])
        self.assertEqual(keys(detectors.next_step_overdue(day(10))), [self.key])

    def test_tasks_older_than_thirty_days_are_left_alone(self):
        services.task_arrange(
            by=self.lead_a,
            team=self.team_a,
            date=dt.date(2026, 10, 9),
            assignee=self.worker_a,
            work="回访",
        )
        self.assertEqual(keys(detectors.next_step_overdue(day(8))), [self.key])
        self.assertEqual(keys(detectors.next_step_overdue(day(9))), [])


class StaleProbabilityTests(LeadsTestCase):
    def setUp(self):
        self.stale = self.lead(delivered_on=dt.date(2026, 10, 1), probability=40)
        self.key = f"leads-stale:team:{self.team_a.pk}"

    def test_S_LEAD_4_an_open_lead_whose_probability_has_not_moved(self):
        self.assertEqual(keys(detectors.probability_stale(dt.date(2026, 10, 31))), [])  # 30 days
        signal = next(detectors.probability_stale(MONDAY))
        self.assertEqual((signal.key, signal.level), (self.key, RiskLevel.YELLOW))
        self.assertEqual(str(signal.title), "电销一组 有 1 条销线的合作概率超过 30 天没有更新")
        self.assertEqual(str(signal.evidence[0]), "乙集团（小祁）合作概率 40% 自 2026-10-01 未更新")
        self.assertEqual(signal.items[0].subject, self.stale)

    def test_it_stops_when_the_probability_is_estimated_again(self):
        services.lead_update(
            lead=self.stale,
            by=self.lead_a,
            today=MONDAY,
            expected_version=self.stale.version,
            probability=60,
        )
        self.assertEqual(keys(detectors.probability_stale(MONDAY)), [])

    def test_a_closed_lead_is_not_stale(self):
        SalesLead.objects.filter(pk=self.stale.pk).update(stage=Stage.WON, closed_on=day(1))
        self.assertEqual(keys(detectors.probability_stale(MONDAY)), [])

    def test_the_days_are_a_setting(self):
        Settings.objects.update_or_create(pk=1, defaults={"probability_stale_days": 60})
        self.assertEqual(keys(detectors.probability_stale(MONDAY)), [])


class WorkloadTests(LeadsTestCase):
    def test_S_LEAD_8_a_team_must_deliver_far_more_a_day_than_it_has_lately(self):
        from duban.leads.detectors import workload

        request = self.agreed(accepted=40)  # MONDAY to TARGET: 20 working days
        self.delivered(request, MONDAY, day(3))  # two in the first week
        signals = list(workload(day(9)))
        self.assertEqual([s.key for s in signals], [f"leads-workload:team:{self.team_a.pk}"])
        self.assertIn("还差 38 条", str(signals[0].evidence[0]))
        self.delivered(request, *[day(n) for n in (4, 5, 6, 9) for _ in range(8)])
        self.assertEqual(list(workload(day(9))), [])  # 34 in: six to go over 15 days
