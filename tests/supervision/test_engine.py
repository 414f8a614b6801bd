"""The engine every area plugs into (issue 9): subjects, item-driven cadences, agreed times
kept, automatic 倒逼, escalation from a registry, grouped risks."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from duban.core.transitions import TransitionError
from duban.notify.models import OutboxMessage
from duban.org.models import Employee
from duban.receivables.models import Receivable
from duban.supervision import registry, services
from duban.supervision.cadence import occurrences
from duban.supervision.choices import Cadence, CheckInStatus, PlanStatus, RiskLevel, RiskStatus
from duban.supervision.commitments import kept_and_missed
from duban.supervision.models import AreaPolicy, Chase, CheckIn, FollowUpRule, Plan, Risk
from duban.supervision.registry import Signal, SignalItem, per_team
from duban.supervision.selectors import open_about
from duban.supervision.tick import checkins_materialize, escalate, plans_autodemand, risks_sync
from tests.base import BaseTestCase
from tests.receivables.test_aging import receivable
from tests.supervision.factories import CheckInFactory, MatterFactory, RiskFactory, RuleFactory

D = dt.date
MONDAY = D(2026, 3, 2)


def shanghai(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def by_capacity(employee, start, end, workdays):
    """A test kind's own cadence: busy people twice a week, the others weekly."""
    cadence = Cadence.TWICE_WEEKLY if employee.daily_capacity >= 100 else Cadence.WEEKLY
    return occurrences(cadence, start, end, workdays=workdays)


class ItemDrivenRuleTests(BaseTestCase):
    def setUp(self):
        FollowUpRule.objects.update(is_active=False)
        CheckIn.objects.all().delete()
        self.kind = registry.SubjectKind(
            "org.employee",
            Employee,
            "员工",
            items=lambda today: Employee.objects.filter(team=self.team_a, user=None),
            dates=by_capacity,
        )
        patcher = mock.patch.dict(registry.SUBJECT_KINDS, {"org.employee": self.kind})
        patcher.start()
        self.addCleanup(patcher.stop)
        self.rule = RuleFactory(
            title="员工动态",
            cadence=Cadence.DAILY,
            owner=self.supervisor,
            subject_kind="org.employee",
        )

    def days_of(self, employee):
        return sorted(
            CheckIn.objects.filter(subject_id=employee.pk, rule=self.rule).values_list(
                "date", flat=True
            )
        )

    def test_an_item_rule_makes_check_ins_per_item_on_the_items_own_cadence(self):
        Employee.objects.filter(pk=self.worker_a.pk).update(daily_capacity=150)
        checkins_materialize(today=MONDAY, horizon_days=6)
        self.assertEqual(self.days_of(self.worker_a), [D(2026, 3, 3), D(2026, 3, 6)])
        checkin = CheckIn.objects.get(subject_id=self.worker_a.pk, date=D(2026, 3, 3))
        self.assertEqual((checkin.team, checkin.lead), (self.team_a, self.lead_a))
        self.assertEqual(checkin.subject, self.worker_a)
        self.assertIn("小祁", checkin.title)
        self.assertFalse(CheckIn.objects.filter(subject_id=self.worker_b.pk).exists())  # team B

    def test_when_the_item_changes_class_its_future_check_ins_follow_and_the_past_stays(self):
        Employee.objects.filter(pk=self.worker_a.pk).update(daily_capacity=150)
        checkins_materialize(today=MONDAY, horizon_days=13)
        self.assertEqual(len(self.days_of(self.worker_a)), 4)  # Tue, Fri, Tue, Fri
        Employee.objects.filter(pk=self.worker_a.pk).update(daily_capacity=50)
        checkins_materialize(today=D(2026, 3, 4), horizon_days=12)  # Wednesday
        self.assertEqual(
            self.days_of(self.worker_a), [D(2026, 3, 3), D(2026, 3, 9), D(2026, 3, 16)]
        )  # Tuesday's stays; from now on weekly, on Mondays

    def test_a_noted_or_moved_check_in_is_not_taken_back(self):
        Employee.objects.filter(pk=self.worker_a.pk).update(daily_capacity=150)
        checkins_materialize(today=MONDAY, horizon_days=6)
        friday = CheckIn.objects.get(subject_id=self.worker_a.pk, date=D(2026, 3, 6))
        CheckIn.objects.filter(pk=friday.pk).update(findings="已约好")
        Employee.objects.filter(pk=self.worker_a.pk).update(daily_capacity=50)
        checkins_materialize(today=D(2026, 3, 4), horizon_days=6)
        self.assertTrue(CheckIn.objects.filter(pk=friday.pk).exists())

    def test_an_item_no_longer_followed_loses_its_untouched_future_check_ins(self):
        Employee.objects.filter(pk=self.worker_a.pk).update(daily_capacity=50)  # Mondays
        checkins_materialize(today=MONDAY, horizon_days=13)
        self.assertTrue(self.days_of(self.worker_a))
        Employee.objects.filter(pk=self.worker_a.pk).update(team=self.team_b)
        checkins_materialize(today=MONDAY, horizon_days=13)
        self.assertEqual(self.days_of(self.worker_a), [MONDAY])  # today's stays

    def test_the_rule_form_offers_the_kinds_that_can_be_followed(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("supervision:rule_edit", args=[self.rule.pk]))
        self.assertContains(response, '<option value="org.employee" selected>员工</option>')


class CommitmentTests(BaseTestCase):
    """S-GEN-2/3: agreed times are commitments."""

    def setUp(self):
        FollowUpRule.objects.update(is_active=False)
        CheckIn.objects.all().delete()
        self.checkin = CheckInFactory(
            team=self.team_a, lead=self.lead_a, date=MONDAY, agreed_time=dt.time(10, 0)
        )

    def at(self, moment):
        return mock.patch("django.utils.timezone.now", return_value=moment)

    def agenda(self, moment):
        self.client.force_login(self.supervisor)
        with self.at(moment), mock.patch("django.utils.timezone.localdate", return_value=MONDAY):
            return self.client.get(reverse("supervision:agenda"))

    def test_a_check_in_past_its_agreed_time_and_grace_is_missed_the_same_day(self):
        self.assertEqual(self.agenda(shanghai(MONDAY, 10, 29)).context["missed_checkin_count"], 0)
        response = self.agenda(shanghai(MONDAY, 10, 31))
        self.assertEqual(response.context["missed_checkin_count"], 1)
        self.assertContains(response, "已过约定时间")

    @override_settings(AGREED_TIME_GRACE_MINUTES=90)
    def test_the_grace_is_a_setting(self):
        self.assertEqual(self.agenda(shanghai(MONDAY, 11, 15)).context["missed_checkin_count"], 0)

    def test_the_lead_sees_it_missed_in_their_to_do(self):
        self.client.force_login(self.lead_a)
        with (
            self.at(shanghai(MONDAY, 11)),
            mock.patch("django.utils.timezone.localdate", return_value=MONDAY),
        ):
            response = self.client.get(reverse("supervision:todo"))
        missed = [c for c in response.context["checkins"] if c.pk == self.checkin.pk]
        self.assertTrue(missed[0].missed)

    def test_a_matter_without_a_chase_by_its_agreed_time_is_missed(self):
        matter = MatterFactory(
            team=self.team_a, owner=self.lead_a, agreed_at=shanghai(MONDAY, 9), deadline=MONDAY
        )
        response = self.agenda(shanghai(MONDAY, 10))
        self.assertEqual(response.context["missed_matters"], [matter])
        Chase.objects.create(matter=matter, by=self.supervisor, note="已沟通")
        self.assertEqual(self.agenda(shanghai(MONDAY, 10)).context["missed_matters"], [])

    def test_a_reschedule_keeps_the_old_time_and_the_reason_in_the_history(self):
        services.checkin_reschedule(
            checkin=self.checkin,
            by=self.supervisor,
            date=D(2026, 3, 3),
            agreed_time=dt.time(15, 0),
            reason="主管在外地",
        )
        self.checkin.refresh_from_db()
        self.assertEqual(
            (self.checkin.date, self.checkin.agreed_time), (D(2026, 3, 3), dt.time(15))
        )
        latest = self.checkin.history.first()
        self.assertEqual(latest.history_change_reason, "改约：主管在外地")
        self.assertEqual(latest.prev_record.date, MONDAY)
        with self.assertRaises(TransitionError):  # a Saturday
            services.checkin_reschedule(
                checkin=self.checkin,
                by=self.supervisor,
                date=D(2026, 3, 7),
                agreed_time=dt.time(15),
                reason="x",
            )

    def test_the_rule_does_not_schedule_a_moved_check_in_again(self):
        FollowUpRule.objects.filter(pk=self.rule_a.pk).update(is_active=True)
        checkins_materialize(today=MONDAY, horizon_days=0)
        made = CheckIn.objects.get(rule=self.rule_a, date=MONDAY)
        services.checkin_reschedule(
            checkin=made,
            by=self.supervisor,
            date=D(2026, 3, 3),
            agreed_time=dt.time(9),
            reason="改",
        )
        self.assertEqual(checkins_materialize(today=MONDAY, horizon_days=0), 0)

    def test_kept_and_missed_per_lead_and_month(self):
        kept = CheckInFactory(
            team=self.team_a, lead=self.lead_a, date=D(2026, 3, 3), agreed_time=dt.time(10)
        )
        CheckIn.objects.filter(pk=kept.pk).update(
            status=CheckInStatus.DONE, done_at=shanghai(D(2026, 3, 3), 10, 20)
        )
        CheckInFactory(  # not due yet
            team=self.team_a, lead=self.lead_a, date=D(2026, 3, 31), agreed_time=dt.time(10)
        )
        counts = kept_and_missed(D(2026, 3, 1), D(2026, 3, 31), now=shanghai(D(2026, 3, 10), 9))
        self.assertEqual(counts[self.lead_a.pk], {"kept": 1, "missed": 1})


class AutomaticDemandTests(BaseTestCase):
    def setUp(self):
        self.red = RiskFactory(team=self.team_a, level=RiskLevel.RED, opened_on=MONDAY)

    def test_an_unanswered_red_risk_gets_a_plan_demanded_by_the_system_once(self):
        self.assertEqual(plans_autodemand(today=MONDAY), 0)  # not a working day old yet
        self.assertEqual(plans_autodemand(today=D(2026, 3, 3)), 1)
        self.assertEqual(plans_autodemand(today=D(2026, 3, 3)), 0)  # two ticks, still once
        plan = Plan.objects.get(risk=self.red)
        self.assertEqual((plan.lead, plan.demanded_by, plan.team), (self.lead_a, None, self.team_a))
        self.assertIn("系统自动倒逼", plan.auto_rule)
        self.assertEqual(plan.submit_by, D(2026, 3, 5))  # two working days
        self.red.refresh_from_db()
        self.assertEqual(self.red.status, RiskStatus.PLANNING)

    def test_a_cancelled_automatic_plan_is_not_demanded_again(self):
        plans_autodemand(today=D(2026, 3, 3))
        plan = Plan.objects.get(risk=self.red)
        services.plan_cancel(plan=plan, by=self.supervisor, note="另行处理", today=D(2026, 3, 3))
        self.assertEqual(plans_autodemand(today=D(2026, 3, 4)), 0)

    def test_the_wait_is_set_per_area_and_zero_turns_it_off(self):
        AreaPolicy.objects.create(area=self.red.area, auto_demand_after=3)
        self.assertEqual(plans_autodemand(today=D(2026, 3, 4)), 0)
        self.assertEqual(plans_autodemand(today=D(2026, 3, 5)), 1)
        other = RiskFactory(team=self.team_a, level=RiskLevel.RED, opened_on=MONDAY, area="people")
        AreaPolicy.objects.create(area="people", auto_demand_after=0)
        plans_autodemand(today=D(2026, 3, 20))
        self.assertFalse(other.plans.exists())

    def test_a_demanded_plan_escalates_like_a_manual_one(self):
        plans_autodemand(today=D(2026, 3, 3))
        escalate(today=D(2026, 3, 6))
        self.assertTrue(OutboxMessage.objects.filter(recipient=self.lead_a).exists())

    def test_a_company_wide_risk_is_answered_by_the_lead_it_names(self):
        risk = services.risk_raise(
            by=self.supervisor,
            area="general",
            level=RiskLevel.RED,
            title="全公司资源短缺",
            evidence="三个团队资源不足",
            team=None,
            lead=self.lead_b,
            today=MONDAY,
        )
        plans_autodemand(today=D(2026, 3, 3))
        plan = risk.plans.get()
        self.assertEqual((plan.lead, plan.team), (self.lead_b, self.team_b))

    def test_two_demands_at_once_make_one_plan(self):
        services.plan_demand(
            subject=self.red, by=self.supervisor, lead=self.lead_a, submit_by=MONDAY, request="x"
        )
        self.assertIsNone(services.plan_demand_auto(risk=self.red, today=D(2026, 3, 3)))
        with self.assertRaises(TransitionError):
            services.plan_demand(
                subject=self.red,
                by=self.supervisor,
                lead=self.lead_a,
                submit_by=MONDAY,
                request="y",
            )
        self.assertEqual(Plan.objects.filter(risk=self.red).count(), 1)


class ForecastTests(BaseTestCase):
    """S-ONE-2: a plan can require a risk forecast before it is submitted."""

    def test_a_plan_that_requires_a_forecast_is_refused_without_one(self):
        risk = RiskFactory(team=self.team_a)
        plan = services.plan_demand(
            subject=risk,
            by=self.supervisor,
            lead=self.lead_a,
            submit_by=MONDAY,
            request="请给方案",
            requires_forecast=True,
        )
        milestones = [{"title": "上线", "due_date": MONDAY}]
        with self.assertRaises(TransitionError):
            services.plan_submit(
                plan=plan, by=self.lead_a, cause="原因", measures="措施", milestones=milestones
            )
        version = services.plan_submit(
            plan=plan,
            by=self.lead_a,
            cause="原因",
            measures="措施",
            milestones=milestones,
            forecast="渠道仍可能不足",
            fallback="临时从二组借调",
        )
        self.assertEqual(version.forecast, "渠道仍可能不足")

    def test_the_area_policy_sets_the_default(self):
        AreaPolicy.objects.create(area="general", requires_forecast=True)
        risk = RiskFactory(team=self.team_a, area="general")
        plan = services.plan_demand(
            subject=risk, by=self.supervisor, lead=self.lead_a, submit_by=MONDAY, request="x"
        )
        self.assertTrue(plan.requires_forecast)
        self.client.force_login(self.lead_a)
        response = self.client.get(reverse("supervision:plan_submit", args=[plan.pk]))
        self.assertContains(response, "备用办法")


class EscalationRegistryTests(BaseTestCase):
    def test_a_newly_registered_model_is_escalated_without_touching_the_tick(self):
        matter = MatterFactory(team=self.team_a, owner=self.lead_a, deadline=D(2026, 3, 2))
        with mock.patch.dict(registry.ESCALATING, clear=True):
            self.assertEqual(escalate(today=D(2026, 3, 4))["escalated"], 0)
            registry.escalates(
                type(matter),
                reason="测试事项超期",
                overdue=lambda today: type(matter).objects.past_deadline(today),
                due=lambda item: item.deadline,
            )
            self.assertEqual(escalate(today=D(2026, 3, 4))["escalated"], 1)
        message = OutboxMessage.objects.get(recipient=self.lead_a)
        self.assertIn("测试事项超期", message.reason)


class GroupedRiskTests(BaseTestCase):
    TODAY = D(2026, 3, 2)

    def large(self, number, days):
        return receivable(
            self.team_a, number, due=self.TODAY + dt.timedelta(days=days), amount="800000.00"
        )

    def test_many_items_of_one_kind_in_one_team_make_one_risk_with_every_item(self):
        rows = [self.large(f"BIG-{n}", -n) for n in range(1, 13)]
        risks_sync(today=self.TODAY)
        risk = Risk.objects.get(key=f"ar-large:team:{self.team_a.pk}")
        self.assertEqual(risk.level, RiskLevel.RED)
        self.assertEqual(risk.items.count(), 12)  # all of them, though the evidence names 10
        self.assertEqual(len(risk.evidence), registry.EVIDENCE_ROWS)
        about = open_about(rows[11], self.supervisor)
        self.assertIn(risk, about["risks"])  # (and the team's amounts due but not planned)
        Receivable.objects.filter(pk=rows[0].pk).update(
            paid=Decimal("800000.00"), outstanding=0, status="settled"
        )
        risks_sync(today=self.TODAY)
        self.assertEqual(risk.items.count(), 11)
        self.assertNotIn(risk, open_about(rows[0], self.supervisor)["risks"])

    def test_the_worst_item_sets_the_level_and_comes_first(self):
        items = [
            (self.team_a, SignalItem("晚一点", RiskLevel.YELLOW)),
            (self.team_a, SignalItem("最急", RiskLevel.RED)),
        ]
        (signal,) = per_team(items, key="k", title=lambda team, found: f"{len(found)} 项")
        self.assertEqual(signal.level, RiskLevel.RED)
        self.assertEqual(signal.evidence, ["最急", "晚一点"])

    def test_the_receivable_page_lists_what_is_open_about_it(self):
        row = self.large("BIG-1", -3)
        risks_sync(today=self.TODAY)
        self.client.force_login(self.supervisor)
        response = self.client.get(row.get_absolute_url())
        self.assertContains(response, "大额应收逾期")
        self.assertContains(response, "督办此项")
        self.client.force_login(self.lead_a)
        response = self.client.get(row.get_absolute_url())
        self.assertContains(response, "大额应收逾期")
        self.assertNotContains(response, "督办此项")

    def test_a_matter_about_a_receivable_is_listed_on_its_page(self):
        self.client.force_login(self.supervisor)
        url = (
            reverse("supervision:matter_create")
            + f"?subject=receivables.receivable:{self.receivable_a.pk}"
        )
        page = self.client.get(url)
        self.assertContains(page, "INV-A-001")
        response = self.client.post(
            url,
            {
                "title": "催回甲公司欠款",
                "area": "receivables",
                "team": self.team_a.pk,
                "owner": self.lead_a.pk,
                "deadline": "2026-03-20",
                "priority": "normal",
                "planned": "",
            },
        )
        self.assertEqual(response.status_code, 302)
        about = open_about(self.receivable_a, self.lead_a)
        self.assertEqual([m.title for m in about["matters"]], ["催回甲公司欠款"])
        self.assertEqual(open_about(self.receivable_a, self.lead_b)["matters"], [])

    def test_a_subject_outside_the_users_scope_is_a_404(self):
        self.client.force_login(self.other_supervisor)
        url = (
            reverse("supervision:matter_create")
            + f"?subject=receivables.receivable:{self.receivable_a.pk}"
        )
        self.assertEqual(self.client.get(url).status_code, 404)
        url = reverse("supervision:matter_create") + "?subject=nonsense:1"
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_signal_about_one_object_keeps_it(self):
        signal = Signal(
            key="one",
            level=RiskLevel.RED,
            title="t",
            team_id=self.team_a.pk,
            subject=self.receivable_a,
        )
        with mock.patch.dict(
            registry.DETECTORS,
            {"one": registry.Detector("one", "receivables", "", lambda today: [signal])},
            clear=True,
        ):
            risks_sync(today=self.TODAY)
        risk = Risk.objects.get(key="one")
        self.assertEqual(risk.subject, self.receivable_a)


class NewRiskTests(BaseTestCase):
    def test_new_red_risks_are_those_since_the_previous_working_day(self):
        FollowUpRule.objects.update(is_active=False)
        friday, monday = D(2026, 3, 6), D(2026, 3, 9)
        RiskFactory(team=self.team_a, level=RiskLevel.RED, opened_on=D(2026, 3, 5), title="周四")
        RiskFactory(team=self.team_a, level=RiskLevel.RED, opened_on=friday, title="周五")
        RiskFactory(team=self.team_a, level=RiskLevel.RED, opened_on=D(2026, 3, 7), title="周六")
        self.client.force_login(self.supervisor)
        with mock.patch("django.utils.timezone.localdate", return_value=monday):
            response = self.client.get(reverse("supervision:agenda"))
        titles = {risk.title for risk in response.context["new_red_risks"]}
        self.assertEqual(titles, {"周五", "周六"})


class PlanStatusTests(BaseTestCase):
    def test_one_live_plan_per_risk_is_a_constraint(self):
        from django.db import IntegrityError, transaction

        with self.assertRaises(IntegrityError), transaction.atomic():
            Plan.objects.create(
                risk=self.risk_a,
                team=self.team_a,
                lead=self.lead_a,
                submit_by=MONDAY,
                request="again",
                status=PlanStatus.DEMANDED,
            )


class PlanAnswersTests(BaseTestCase):
    def test_a_plan_names_the_risk_it_answers_on_its_pages(self):
        self.assertEqual(self.plan_a.answers, self.risk_a)
        self.client.force_login(self.lead_a)
        for url in [self.plan_a.get_absolute_url(), reverse("supervision:todo")]:
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), self.risk_a.title)


class ReaderLanguageTests(BaseTestCase):
    """Issue 10: system-made risks are stored as message ids and shown in the reader's
    language, with no full-width punctuation in English."""

    def test_a_system_risk_reads_in_english_for_an_english_reader(self):
        receivable(self.team_a, "BIG-1", due=D(2026, 2, 1), amount="800000.00")
        risks_sync(today=MONDAY)
        risk = Risk.objects.get(key=f"ar-large:team:{self.team_a.pk}")
        self.assertIn("笔大额应收", risk.title)  # kept in Chinese for the record
        self.client.force_login(self.supervisor)
        self.client.cookies["django_language"] = "en"
        page = self.client.get(risk.get_absolute_url()).content.decode()
        self.assertIn("large amounts overdue or due soon", page)
        self.assertIn("BIG-1", page)
        self.assertIn("(overdue)", page)
        from django.utils import translation

        with translation.override("en"):
            english = [risk.items.get().shown_label, risk.shown_title, *risk.shown_evidence]
        for text in english:
            self.assertFalse(set(text) & set("（）：，、"), text)
        with translation.override("zh-hans"):
            self.assertIn("（已逾期）", risk.items.get().shown_label)
