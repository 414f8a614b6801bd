"""duban tick: check-ins on working days, risks that open, refresh, resolve and reopen,
escalation with an idempotent outbox (issue 3)."""

import datetime as dt

from django.core.management import call_command
from django.test import TestCase

from duban.notify.models import OutboxMessage
from duban.supervision.choices import CheckInStatus, Escalation, PlanStatus, RiskStatus, ScopeKind
from duban.supervision.default_rules import SEED_RULES
from duban.supervision.models import CheckIn, FollowUpRule, Plan, Risk
from duban.supervision.tick import (
    checkins_materialize,
    escalate,
    risks_sync,
    rule_rematerialize,
    tick,
)
from tests.base import BaseTestCase
from tests.supervision.factories import RuleFactory

D = dt.date


class SeedRuleTests(TestCase):
    def test_the_seed_cadences_are_loaded_as_default_rules(self):
        by_team = FollowUpRule.objects.filter(subject_kind="")
        self.assertEqual(by_team.count(), len(SEED_RULES))
        refs = set(FollowUpRule.objects.values_list("seed_ref", flat=True))
        self.assertTrue({"S-RES-1", "S-AR-3", "S-AS-4", "S-HR-5", "S-LEAD-6"} <= refs)
        # the areas add the rules that follow their items: partners by their cycles
        cycles = FollowUpRule.objects.get(subject_kind="leads.partnercycle")
        self.assertEqual(cycles.seed_ref, "S-LEAD-6")


class MaterialiseTests(BaseTestCase):
    def setUp(self):
        FollowUpRule.objects.exclude(pk=self.rule_a.pk).update(is_active=False)
        CheckIn.objects.all().delete()

    def test_check_ins_fall_on_working_days_including_make_up_saturdays(self):
        checkins_materialize(today=D(2026, 2, 12), horizon_days=13)
        days = sorted(CheckIn.objects.values_list("date", flat=True))
        self.assertEqual(
            days, [D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25)]
        )

    def test_each_team_of_the_scope_gets_its_lead_as_counterpart(self):
        rule = RuleFactory(scope=ScopeKind.LINE, line=self.line_1, owner=self.supervisor)
        checkins_materialize(
            today=D(2026, 3, 2), horizon_days=0, rules=FollowUpRule.objects.filter(pk=rule.pk)
        )
        pairs = set(CheckIn.objects.filter(rule=rule).values_list("team__name", "lead__name"))
        self.assertEqual(pairs, {("电销一组", "维盛"), ("电销二组", "王立霞")})

    def test_a_rule_can_reach_back_end_teams_too(self):
        from duban.org.choices import TeamKind
        from tests.factories import TeamFactory

        back = TeamFactory(name="交付一组", line=self.line_1, kind=TeamKind.BACK)
        for kind, expected in [(TeamKind.BACK, {back}), ("", {back, self.team_a, self.team_b})]:
            rule = RuleFactory(scope=ScopeKind.LINE, line=self.line_1, team_kind=kind)
            checkins_materialize(
                today=D(2026, 3, 2), horizon_days=0, rules=FollowUpRule.objects.filter(pk=rule.pk)
            )
            teams = {c.team for c in CheckIn.objects.filter(rule=rule)}
            self.assertEqual(teams, expected, kind)

    def test_running_twice_creates_nothing_more(self):
        first = checkins_materialize(today=D(2026, 3, 2))
        self.assertEqual(checkins_materialize(today=D(2026, 3, 2)), 0)
        self.assertEqual(CheckIn.objects.count(), first)

    def test_a_rule_change_replaces_future_check_ins_and_keeps_the_past(self):
        checkins_materialize(today=D(2026, 3, 2), horizon_days=9)
        past = CheckIn.objects.get(date=D(2026, 3, 2))
        past.status, past.findings = CheckInStatus.DONE, "已沟通"
        past.save()
        self.rule_a.cadence = "weekly"
        self.rule_a.save()
        rule_rematerialize(rule=self.rule_a, today=D(2026, 3, 4))
        days = list(CheckIn.objects.order_by("date").values_list("date", flat=True))
        self.assertEqual(
            days, [D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 4), D(2026, 3, 9), D(2026, 3, 16)]
        )
        self.assertEqual(CheckIn.objects.get(date=D(2026, 3, 2)).findings, "已沟通")

    def test_a_deactivated_rule_drops_its_future_check_ins(self):
        checkins_materialize(today=D(2026, 3, 2), horizon_days=9)
        self.rule_a.is_active = False
        self.rule_a.save()
        rule_rematerialize(rule=self.rule_a, today=D(2026, 3, 4))
        self.assertEqual(CheckIn.objects.filter(date__gt=D(2026, 3, 4)).count(), 0)


class RiskSyncTests(BaseTestCase):
    """The overdue-check-in detector stands for every detector: open, refresh, resolve, reopen."""

    def setUp(self):
        FollowUpRule.objects.update(is_active=False)

    def risk(self):
        return Risk.objects.get(key=f"checkins-overdue:team:{self.team_a.pk}")

    def test_a_new_signal_opens_a_risk_with_evidence(self):
        counts = risks_sync(today=D(2026, 3, 3))
        risk = self.risk()
        self.assertEqual(risk.status, RiskStatus.OPEN)
        self.assertEqual(risk.opened_on, D(2026, 3, 3))
        self.assertIn("2026-03-02 资源流转安排", risk.evidence)
        self.assertEqual(risk.team, self.team_a)
        self.assertGreaterEqual(counts["risks_opened"], 1)

    def test_a_persisting_signal_updates_the_evidence_and_level(self):
        risks_sync(today=D(2026, 3, 3))
        self.assertEqual(self.risk().level, "yellow")
        risks_sync(today=D(2026, 3, 9))
        self.assertEqual(self.risk().level, "red")
        self.assertEqual(self.risk().last_seen_on, D(2026, 3, 9))
        self.assertEqual(Risk.objects.filter(key__startswith="checkins-overdue").count(), 1)

    def test_a_vanished_signal_resolves_the_risk_with_its_date(self):
        risks_sync(today=D(2026, 3, 3))
        CheckIn.objects.filter(pk=self.checkin_a.pk).update(status=CheckInStatus.DONE)
        counts = risks_sync(today=D(2026, 3, 4))
        self.assertEqual(self.risk().status, RiskStatus.RESOLVED)
        self.assertEqual(self.risk().resolved_on, D(2026, 3, 4))
        self.assertEqual(counts["risks_resolved"], 1)

    def test_a_risk_whose_plan_landed_reopens_when_the_detector_fires_again(self):
        risks_sync(today=D(2026, 3, 3))
        Risk.objects.filter(pk=self.risk().pk).update(status=RiskStatus.MITIGATED)
        counts = risks_sync(today=D(2026, 3, 4))
        self.assertEqual(self.risk().status, RiskStatus.OPEN)
        self.assertEqual(self.risk().reopened_count, 1)
        self.assertEqual(counts["risks_reopened"], 1)

    def test_running_twice_changes_nothing(self):
        risks_sync(today=D(2026, 3, 3))
        before = list(Risk.objects.order_by("pk").values_list("key", "status", "evidence"))
        history = Risk.history.count()
        self.assertEqual(
            risks_sync(today=D(2026, 3, 3)),
            {"risks_opened": 0, "risks_reopened": 0, "risks_resolved": 0},
        )
        self.assertEqual(
            list(Risk.objects.order_by("pk").values_list("key", "status", "evidence")), before
        )
        self.assertEqual(Risk.history.count(), history)


class EscalationTests(BaseTestCase):
    def setUp(self):
        FollowUpRule.objects.update(is_active=False)
        Plan.objects.filter(pk=self.plan_a.pk).update(status=PlanStatus.DEMANDED)  # due 03-05

    def test_a_day_late_reminds_the_lead(self):
        escalate(today=D(2026, 3, 6))
        plan = Plan.objects.get(pk=self.plan_a.pk)
        self.assertEqual(plan.escalation, Escalation.LEAD)
        self.assertEqual(
            set(
                OutboxMessage.objects.filter(
                    dedupe_key__startswith=f"escalate:plan:{plan.pk}:"
                ).values_list("recipient__username", flat=True)
            ),
            {"weisheng"},
        )

    def test_two_working_days_late_reaches_the_supervisor_and_the_head_of_line(self):
        escalate(today=D(2026, 3, 6))
        escalate(today=D(2026, 3, 9))  # Fri 03-06 and Mon 03-09: two working days late
        plan = Plan.objects.get(pk=self.plan_a.pk)
        self.assertEqual(plan.escalation, Escalation.SUPERVISOR)
        recipients = set(
            OutboxMessage.objects.filter(
                dedupe_key__startswith=f"escalate:plan:{plan.pk}:L2"
            ).values_list("recipient__username", flat=True)
        )
        self.assertEqual(recipients, {"weisheng", "duban", "lingdao"})
        self.assertNotIn("duban2", recipients)

    def test_an_overdue_check_in_escalates_and_shows_it(self):
        escalate(today=D(2026, 3, 3))
        checkin = CheckIn.objects.get(pk=self.checkin_a.pk)
        self.assertEqual(checkin.escalation, Escalation.LEAD)
        self.client.force_login(self.supervisor)
        self.assertContains(self.client.get(checkin.get_absolute_url()), "已提醒主管")

    def test_escalating_twice_sends_nothing_twice(self):
        first = escalate(today=D(2026, 3, 9))
        self.assertGreater(first["messages"], 0)
        self.assertEqual(escalate(today=D(2026, 3, 9)), {"escalated": 0, "messages": 0})
        keys = list(OutboxMessage.objects.values_list("dedupe_key", flat=True))
        self.assertEqual(len(keys), len(set(keys)))


class TickCommandTests(BaseTestCase):
    def test_tick_twice_is_idempotent(self):
        tick(today=D(2026, 3, 9))
        counts = (CheckIn.objects.count(), Risk.objects.count(), OutboxMessage.objects.count())
        report = tick(today=D(2026, 3, 9))
        self.assertEqual(set(report.values()), {0})
        self.assertEqual(
            (CheckIn.objects.count(), Risk.objects.count(), OutboxMessage.objects.count()), counts
        )

    def test_the_command_reports_in_chinese_and_refuses_a_bad_date(self):
        from io import StringIO

        from django.core.management.base import CommandError

        out = StringIO()
        call_command("tick", date="2026-03-09", stdout=out)
        self.assertIn("新生成跟进", out.getvalue())
        with self.assertRaisesMessage(CommandError, "无法识别的日期"):
            call_command("tick", date="2026年13月")


class MatterEscalationTests(BaseTestCase):
    def test_a_matter_past_its_deadline_reminds_its_owner(self):
        escalate(today=D(2026, 3, 11))  # deadline 03-10
        self.matter_a.refresh_from_db()
        self.assertEqual(self.matter_a.escalation, Escalation.LEAD)
        key = f"escalate:matter:{self.matter_a.pk}:L1:u{self.lead_a.pk}"
        self.assertTrue(OutboxMessage.objects.filter(dedupe_key=key).exists())
