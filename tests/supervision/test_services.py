"""Every allowed and refused step of the supervision workflows (issue 3)."""

import datetime as dt

from django.core.exceptions import PermissionDenied

from duban.core.transitions import TransitionError
from duban.supervision import services
from duban.supervision.choices import (
    CheckInStatus,
    MatterStatus,
    Outcome,
    PlanStatus,
    RiskStatus,
)
from duban.supervision.models import Milestone, Plan, PlanVersion
from tests.base import BaseTestCase
from tests.supervision.factories import RiskFactory

D = dt.date
TODAY = D(2026, 3, 2)


class CheckInStepTests(BaseTestCase):
    def test_the_supervisor_records_the_result_once(self):
        services.checkin_record(
            checkin=self.checkin_a, by=self.supervisor, outcome=Outcome.PARTLY, findings="完成七成"
        )
        self.checkin_a.refresh_from_db()
        self.assertEqual((self.checkin_a.status, self.checkin_a.outcome), ("done", "partly"))
        with self.assertRaises(TransitionError):
            services.checkin_record(
                checkin=self.checkin_a, by=self.supervisor, outcome=Outcome.DONE, findings="再记"
            )

    def test_a_lead_cannot_record_a_check_in(self):
        with self.assertRaises(PermissionDenied):
            services.checkin_record(
                checkin=self.checkin_a, by=self.lead_a, outcome=Outcome.DONE, findings="自己记"
            )

    def test_waiving_needs_a_reason(self):
        with self.assertRaisesMessage(TransitionError, "必须写明原因"):
            services.checkin_waive(checkin=self.checkin_a, by=self.supervisor, reason=" ")
        services.checkin_waive(checkin=self.checkin_a, by=self.supervisor, reason="主管请假")
        self.assertEqual(self.checkin_a.status, CheckInStatus.WAIVED)


class MatterStepTests(BaseTestCase):
    def test_open_to_landed(self):
        services.matter_start(matter=self.matter_a, by=self.lead_a)
        services.matter_submit(matter=self.matter_a, by=self.lead_a)
        services.matter_verify(matter=self.matter_a, by=self.supervisor, landed=True, note="已核实")
        self.matter_a.refresh_from_db()
        self.assertEqual(self.matter_a.status, MatterStatus.LANDED)
        self.assertIsNotNone(self.matter_a.closed_at)

    def test_verification_waits_for_the_owner_to_report(self):
        with self.assertRaises(TransitionError):
            services.matter_verify(matter=self.matter_a, by=self.supervisor, landed=True, note="")

    def test_the_owner_cannot_verify_their_own_matter(self):
        services.matter_submit(matter=self.matter_a, by=self.lead_a)
        with self.assertRaises(PermissionDenied):
            services.matter_verify(matter=self.matter_a, by=self.lead_a, landed=True, note="")

    def test_a_stranger_cannot_move_a_matter(self):
        with self.assertRaises(PermissionDenied):
            services.matter_start(matter=self.matter_a, by=self.lead_b)

    def test_a_closed_matter_cannot_be_chased_or_cancelled_again(self):
        services.matter_cancel(matter=self.matter_a, by=self.supervisor, note="重复")
        with self.assertRaises(TransitionError):
            services.matter_chase(
                matter=self.matter_a, by=self.supervisor, channel="phone", note="?"
            )
        with self.assertRaises(TransitionError):
            services.matter_cancel(matter=self.matter_a, by=self.supervisor, note="再取消")

    def test_a_chase_is_logged(self):
        services.matter_chase(
            matter=self.matter_a, by=self.supervisor, channel="phone", note="今天回复"
        )
        self.assertEqual(self.matter_a.chases.get().note, "今天回复")


class PlanWorkflowTests(BaseTestCase):
    def setUp(self):
        self.risk = RiskFactory(team=self.team_b, line=self.line_1)

    def demand(self):
        return services.plan_demand(
            subject=self.risk,
            by=self.supervisor,
            lead=self.lead_b,
            submit_by=D(2026, 3, 6),
            request="说明原因并给出措施",
        )

    def submit(self, plan, title="补充资源"):
        return services.plan_submit(
            plan=plan,
            by=self.lead_b,
            cause="渠道单一",
            measures="增加渠道",
            milestones=[{"title": title, "due_date": D(2026, 3, 10), "owner": self.worker_b}],
        )

    def test_the_whole_loop_from_demand_to_landed(self):
        plan = self.demand()
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.status, RiskStatus.PLANNING)
        self.submit(plan)
        services.plan_review(plan=plan, by=self.supervisor, approve=False, comment="节点太少")
        self.assertEqual(plan.status, PlanStatus.RETURNED)
        self.submit(plan, title="每天补充 100 条")
        services.plan_review(plan=plan, by=self.supervisor, approve=True, comment="")
        self.assertEqual(plan.status, PlanStatus.APPROVED)
        versions = list(plan.versions.order_by("number").values_list("number", "decision"))
        self.assertEqual(versions, [(1, "returned"), (2, "approved")])
        milestone = services.current_milestones(plan).get()
        self.assertEqual(milestone.title, "每天补充 100 条")
        services.milestone_done(
            milestone=milestone, by=self.lead_b, evidence="已补充", done_on=TODAY
        )
        services.plan_verify(plan=plan, by=self.supervisor, landed=True, note="核实", today=TODAY)
        self.risk.refresh_from_db()
        self.assertEqual((plan.status, self.risk.status), (PlanStatus.LANDED, RiskStatus.MITIGATED))

    def test_a_lead_cannot_approve_their_own_plan(self):
        plan = self.demand()
        self.submit(plan)
        with self.assertRaises(PermissionDenied):
            services.plan_review(plan=plan, by=self.lead_b, approve=True, comment="")
        self.admin.refresh_from_db()
        Plan.objects.filter(pk=plan.pk).update(lead=self.admin)  # even an admin who owes it
        plan.refresh_from_db()
        with self.assertRaises(PermissionDenied):
            services.plan_review(plan=plan, by=self.admin, approve=True, comment="")

    def test_returning_needs_a_comment(self):
        plan = self.demand()
        self.submit(plan)
        with self.assertRaisesMessage(TransitionError, "请写明意见"):
            services.plan_review(plan=plan, by=self.supervisor, approve=False, comment="")

    def test_the_lead_of_another_team_cannot_submit(self):
        plan = self.demand()
        with self.assertRaises(PermissionDenied):
            services.plan_submit(
                plan=plan, by=self.lead_a, cause="x", measures="y", milestones=[{}]
            )

    def test_a_plan_cannot_be_submitted_twice_before_review(self):
        plan = self.demand()
        self.submit(plan)
        with self.assertRaises(TransitionError):
            self.submit(plan)
        self.assertEqual(PlanVersion.objects.filter(plan=plan).count(), 1)

    def test_a_second_plan_for_the_same_risk_is_refused_while_one_is_open(self):
        self.demand()
        with self.assertRaisesMessage(TransitionError, "已有进行中的方案"):
            self.demand()

    def test_only_a_lead_of_the_team_can_be_asked(self):
        with self.assertRaises(TransitionError):
            services.plan_demand(
                subject=self.risk,
                by=self.supervisor,
                lead=self.lead_a,
                submit_by=TODAY,
                request="x",
            )

    def test_landed_needs_every_milestone_done(self):
        plan = self.demand()
        self.submit(plan)
        services.plan_review(plan=plan, by=self.supervisor, approve=True, comment="")
        with self.assertRaisesMessage(TransitionError, "还有节点没有完成"):
            services.plan_verify(plan=plan, by=self.supervisor, landed=True, note="", today=TODAY)

    def test_a_failed_plan_sends_the_risk_back_to_open(self):
        plan = self.demand()
        self.submit(plan)
        services.plan_review(plan=plan, by=self.supervisor, approve=True, comment="")
        services.plan_verify(
            plan=plan, by=self.supervisor, landed=False, note="没做到", today=TODAY
        )
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.status, RiskStatus.OPEN)

    def test_milestones_are_done_only_on_approved_plans_and_with_evidence(self):
        plan = self.demand()
        self.submit(plan)
        milestone = Milestone.objects.get(version__plan=plan)
        with self.assertRaisesMessage(TransitionError, "通过审核后"):
            services.milestone_done(
                milestone=milestone, by=self.lead_b, evidence="x", done_on=TODAY
            )
        services.plan_review(plan=plan, by=self.supervisor, approve=True, comment="")
        with self.assertRaisesMessage(TransitionError, "完成依据"):
            services.milestone_done(milestone=milestone, by=self.lead_b, evidence="", done_on=TODAY)
        with self.assertRaises(PermissionDenied):
            services.milestone_done(
                milestone=milestone, by=self.lead_a, evidence="x", done_on=TODAY
            )

    def test_cancelling_a_plan_reopens_its_risk(self):
        plan = self.demand()
        services.plan_cancel(plan=plan, by=self.supervisor, note="风险已转移", today=TODAY)
        self.risk.refresh_from_db()
        self.assertEqual((plan.status, self.risk.status), (PlanStatus.CANCELLED, RiskStatus.OPEN))


class RiskStepTests(BaseTestCase):
    def test_a_risk_raised_by_hand_can_be_closed_by_hand(self):
        risk = services.risk_raise(
            by=self.lead_a,
            area="people",
            level="yellow",
            title="两人可能离职",
            evidence="谈话中流露\n\n已找工作",
            team=self.team_a,
            today=TODAY,
        )
        self.assertEqual(risk.evidence, ["谈话中流露", "已找工作"])
        services.risk_close(risk=risk, by=self.supervisor, today=TODAY)
        self.assertEqual((risk.status, risk.resolved_on), (RiskStatus.RESOLVED, TODAY))

    def test_a_detected_risk_cannot_be_closed_by_hand(self):
        risk = RiskFactory(
            key="checkins-overdue:team:1", source="checkins_overdue", team=self.team_a
        )
        with self.assertRaisesMessage(TransitionError, "自动消除"):
            services.risk_close(risk=risk, by=self.supervisor, today=TODAY)

    def test_members_and_executives_cannot_raise_risks(self):
        for user in [self.member_a, self.executive]:
            with self.subTest(user=user), self.assertRaises(PermissionDenied):
                services.risk_raise(
                    by=user,
                    area="people",
                    level="red",
                    title="x",
                    evidence="",
                    team=self.team_a,
                    today=TODAY,
                )
