"""The sales-lead workflows (S-LEAD-1 … S-LEAD-7): who may do what, and what each step
records or refuses."""

from django.core.exceptions import PermissionDenied, ValidationError

from duban.core.services import StaleEditError
from duban.core.transitions import TransitionError
from duban.leads import services
from duban.leads.choices import Cycle, RequestStatus, Stage
from duban.leads.models import LeadSummary, PartnerCycle, SalesLead
from duban.supervision.choices import Outcome
from tests.factories import TeamFactory
from tests.leads.base import MONDAY, TARGET, LeadsTestCase, day

MILESTONES = [
    {"title": "首批", "due_on": day(13), "quantity": 10},
    {"title": "过半", "due_on": day(20), "quantity": 25},
]


class RequestTests(LeadsTestCase):
    def agree(self, request, by=None, **changes):
        fields = {
            "accepted": 30,
            "starts_on": MONDAY,
            "target_on": TARGET,
            "milestones": MILESTONES,
            **changes,
        }
        return services.request_agree(request=request, by=by or self.lead_a, **fields)

    def test_S_LEAD_1_the_back_end_raises_a_request_to_a_front_team(self):
        request = self.raised(quality="有明确宽带需求", partner=self.partner)
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.RAISED)
        self.assertEqual((request.back_team, request.team), (self.back_team, self.team_a))
        self.assertEqual((request.raised_by, request.raised_on), (self.back_lead, MONDAY))

    def test_a_supervisor_of_the_line_may_raise_for_the_back_team(self):
        request = services.request_raise(
            by=self.supervisor,
            back_team=self.back_team,
            team=self.team_b,
            today=MONDAY,
            kind="专线",
            quantity=5,
            deadline=TARGET,
        )
        self.assertEqual(request.raised_by, self.supervisor)

    def test_a_front_team_cannot_raise_a_request(self):
        with self.assertRaises(ValidationError):
            services.request_raise(
                by=self.lead_a,
                back_team=self.team_a,
                team=self.team_a,
                today=MONDAY,
                kind="企业宽带",
                quantity=10,
                deadline=TARGET,
            )

    def test_a_request_goes_to_a_front_team_only(self):
        other_back = TeamFactory(name="合作二组", kind="back", line=self.line_1)
        with self.assertRaises(ValidationError):
            self.raised(team=other_back)

    def test_the_lead_of_another_team_cannot_raise_for_the_back_team(self):
        for user in [self.lead_a, self.member_a, self.other_supervisor, self.executive]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.request_raise(
                    by=user,
                    back_team=self.back_team,
                    team=self.team_a,
                    today=MONDAY,
                    kind="企业宽带",
                    quantity=10,
                    deadline=TARGET,
                )

    def test_a_request_needs_a_quantity(self):
        with self.assertRaises(ValidationError):
            self.raised(quantity=0)

    def test_S_LEAD_1_the_front_lead_agrees_a_target_with_milestones(self):
        request = self.agree(self.raised())
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.AGREED)
        self.assertEqual(
            (request.accepted, request.starts_on, request.target_on), (30, MONDAY, TARGET)
        )
        self.assertEqual((request.agreed_front, request.agreed_back), (self.lead_a, None))
        self.assertIsNotNone(request.agreed_at)
        self.assertEqual(
            list(request.milestones.values_list("title", "due_on", "quantity")),
            [("首批", day(13), 10), ("过半", day(20), 25)],
        )

    def test_milestones_outside_start_and_target_are_refused(self):
        request = self.raised()
        for due_on in [day(1), day(30)]:
            with self.subTest(due_on=due_on), self.assertRaises(ValidationError):
                self.agree(request, milestones=[{"title": "首批", "due_on": due_on}])
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.RAISED)
        self.assertFalse(request.milestones.exists())

    def test_milestones_on_the_start_and_the_target_day_are_accepted(self):
        request = self.agree(
            self.raised(),
            milestones=[{"title": "启动", "due_on": MONDAY}, {"title": "完成", "due_on": TARGET}],
        )
        self.assertEqual(request.milestones.count(), 2)

    def test_a_target_before_the_start_or_nothing_accepted_is_refused(self):
        request = self.raised()
        with self.assertRaises(ValidationError):
            self.agree(request, starts_on=TARGET, target_on=MONDAY, milestones=[])
        with self.assertRaises(ValidationError):
            self.agree(request, accepted=0)

    def test_only_the_front_team_agrees(self):
        request = self.raised()
        for user in [self.back_lead, self.lead_b, self.member_a]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.agree(request, by=user)

    def test_agreeing_again_replaces_the_milestones_and_asks_the_back_end_again(self):
        request = self.agree(self.raised())
        services.request_confirm(request=request, by=self.back_lead)
        request = self.agree(request, accepted=20, milestones=[{"title": "全部", "due_on": TARGET}])
        request.refresh_from_db()
        self.assertEqual((request.accepted, request.agreed_back), (20, None))
        self.assertEqual(list(request.milestones.values_list("title", flat=True)), ["全部"])

    def test_S_LEAD_1_the_back_end_confirms_the_agreed_target(self):
        request = self.agree(self.raised())
        version = request.version
        services.request_confirm(request=request, by=self.back_lead)
        request.refresh_from_db()
        self.assertEqual(
            (request.status, request.agreed_back), (RequestStatus.AGREED, self.back_lead)
        )
        self.assertEqual(request.version, version + 1)  # an open edit form goes stale

    def test_the_front_lead_cannot_confirm_for_the_back_end(self):
        request = self.agree(self.raised())
        with self.assertRaises(PermissionDenied):
            services.request_confirm(request=request, by=self.lead_a)

    def test_nothing_to_confirm_before_an_agreement(self):
        with self.assertRaises(TransitionError):
            services.request_confirm(request=self.raised(), by=self.back_lead)

    def test_a_decline_needs_a_reason(self):
        request = self.raised()
        with self.assertRaises(ValidationError):
            services.request_decline(request=request, by=self.lead_a, reason="  ")
        services.request_decline(request=request, by=self.lead_a, reason=" 人手不足 ")
        request.refresh_from_db()
        self.assertEqual(
            (request.status, request.declined_reason), (RequestStatus.DECLINED, "人手不足")
        )

    def test_an_agreed_request_cannot_be_declined(self):
        request = self.agree(self.raised())
        with self.assertRaises(TransitionError):
            services.request_decline(request=request, by=self.lead_a, reason="人手不足")

    def test_the_back_end_closes_its_request_once(self):
        request = self.agree(self.raised())
        with self.assertRaises(PermissionDenied):
            services.request_close(request=request, by=self.lead_a, done=True)
        services.request_close(request=request, by=self.back_lead, done=True)
        self.assertEqual(request.status, RequestStatus.DONE)
        with self.assertRaises(TransitionError):
            services.request_close(request=request, by=self.back_lead, done=False)

    def test_the_front_lead_marks_a_milestone_done(self):
        request = self.agree(self.raised())
        milestone = request.milestones.first()
        with self.assertRaises(PermissionDenied):
            services.milestone_done(milestone=milestone, by=self.back_lead, done_on=day(12))
        services.milestone_done(milestone=milestone, by=self.lead_a, done_on=day(12))
        milestone.refresh_from_db()
        self.assertEqual(milestone.done_on, day(12))


class TaskTests(LeadsTestCase):
    def arrange(self, by=None, **fields):
        fields = {"date": MONDAY, "assignee": self.worker_a, "work": "外呼名单甲", **fields}
        return services.task_arrange(by=by or self.lead_a, team=self.team_a, planned=30, **fields)

    def test_S_LEAD_2_the_lead_arranges_the_day_s_work_and_collects_its_result(self):
        task = self.arrange(request=self.agreed())
        self.assertEqual(
            (task.arranged_by, task.outcome, task.collected_at), (self.lead_a, "", None)
        )
        services.task_result(
            task=task,
            by=self.lead_a,
            outcome=Outcome.PARTLY,
            achieved=12,
            next_step="明天回访意向客户",
            explained=True,
        )
        task.refresh_from_db()
        self.assertEqual(
            (task.outcome, task.achieved, task.next_step, task.explained),
            (Outcome.PARTLY, 12, "明天回访意向客户", True),
        )
        self.assertIsNotNone(task.collected_at)

    def test_the_assignee_must_be_of_the_team(self):
        with self.assertRaises(ValidationError):
            self.arrange(assignee=self.worker_b)

    def test_a_task_answers_a_request_of_the_team_only(self):
        with self.assertRaises(ValidationError):
            self.arrange(request=self.raised(team=self.team_b))

    def test_the_lead_of_another_team_cannot_arrange_or_collect(self):
        with self.assertRaises(PermissionDenied):
            self.arrange(by=self.lead_b)
        task = self.arrange()
        for user in [self.lead_b, self.member_a]:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.task_result(task=task, by=user, outcome=Outcome.DONE)

    def test_a_result_needs_an_outcome(self):
        task = self.arrange()
        with self.assertRaises(ValidationError):
            services.task_result(task=task, by=self.lead_a, outcome="")
        task.refresh_from_db()
        self.assertIsNone(task.collected_at)


class SalesLeadTests(LeadsTestCase):
    def record(self, by=None, today=MONDAY, **fields):
        fields = {"partner": self.partner, "owner": self.worker_a, "probability": 40, **fields}
        return services.lead_record(by=by or self.lead_a, team=self.team_a, today=today, **fields)

    def update(self, lead, today=None, **fields):
        return services.lead_update(
            lead=lead,
            by=self.lead_a,
            today=today or day(10),
            expected_version=lead.version,
            **fields,
        )

    def test_S_LEAD_4_a_lead_is_recorded_with_its_probability_dated(self):
        lead = self.record(request=self.agreed(), next_step="发方案", next_on=day(4))
        lead.refresh_from_db()
        self.assertEqual(
            (lead.stage, lead.probability, lead.probability_on), (Stage.CONTACT, 40, MONDAY)
        )
        self.assertEqual((lead.delivered_on, lead.closed_on), (MONDAY, None))

    def test_the_owner_must_be_of_the_team(self):
        with self.assertRaises(ValidationError):
            self.record(owner=self.worker_b)

    def test_a_lead_answers_a_request_of_the_team_only(self):
        with self.assertRaises(ValidationError):
            self.record(request=self.raised(team=self.team_b))

    def test_a_lead_names_a_partner_or_a_prospect(self):
        with self.assertRaises(ValidationError):
            self.record(partner=None, prospect="")
        self.assertEqual(str(self.record(partner=None, prospect="丙商贸")), "丙商贸")

    def test_the_lead_of_another_team_cannot_record_or_change_a_lead(self):
        with self.assertRaises(PermissionDenied):
            self.record(by=self.lead_b)
        lead = self.record()
        with self.assertRaises(PermissionDenied):
            services.lead_update(
                lead=lead,
                by=self.lead_b,
                today=day(10),
                expected_version=lead.version,
                probability=90,
            )

    def test_a_lost_lead_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.record(stage=Stage.LOST)
        lead = self.record()
        with self.assertRaises(ValidationError):
            self.update(lead, stage=Stage.LOST)
        self.assertEqual(SalesLead.objects.get(pk=lead.pk).stage, Stage.CONTACT)

    def test_won_or_lost_closes_the_lead_that_day(self):
        lost = self.record(stage=Stage.LOST, lost_reason="预算取消", today=day(3))
        self.assertEqual(lost.closed_on, day(3))
        lead = self.update(self.record(), stage=Stage.WON)
        lead.refresh_from_db()
        self.assertEqual((lead.stage, lead.closed_on), (Stage.WON, day(10)))

    def test_a_reopened_lead_is_no_longer_closed(self):
        lead = self.record(stage=Stage.LOST, lost_reason="预算取消")
        lead = self.update(lead, stage=Stage.NEGOTIATION)
        lead.refresh_from_db()
        self.assertEqual((lead.closed_on, lead.lost_reason), (None, ""))

    def test_S_LEAD_4_a_changed_probability_is_dated_anew(self):
        lead = self.update(self.record(), next_step="报价", today=day(5))
        self.assertEqual(lead.probability_on, MONDAY)  # the estimate itself did not move
        lead = self.update(lead, probability=70, today=day(10))
        lead.refresh_from_db()
        self.assertEqual((lead.probability, lead.probability_on), (70, day(10)))

    def test_it_refuses_a_stale_edit(self):
        lead = self.record()
        first, second = SalesLead.objects.get(pk=lead.pk), SalesLead.objects.get(pk=lead.pk)
        self.update(first, probability=70)
        with self.assertRaises(StaleEditError):
            self.update(second, probability=10)
        self.assertEqual(SalesLead.objects.get(pk=lead.pk).probability, 70)

    def test_a_change_cannot_give_the_lead_to_another_team_s_employee(self):
        lead = self.record()
        with self.assertRaises(ValidationError):
            self.update(lead, owner=self.worker_b)
        self.assertEqual(SalesLead.objects.get(pk=lead.pk).owner, self.worker_a)

    def test_a_change_cannot_tie_the_lead_to_another_team_s_request(self):
        lead = self.record()
        with self.assertRaises(ValidationError):
            self.update(lead, request=self.raised(team=self.team_b))
        self.assertIsNone(SalesLead.objects.get(pk=lead.pk).request)


class SummaryTests(LeadsTestCase):
    def write(self, date=MONDAY, by=None, text="今日外呼 120 通，意向 6 条"):
        return services.summary_write(
            by=by or self.lead_a,
            team=self.team_a,
            date=date,
            text=text,
            next_target=" 本周交付 10 条 ",
            next_milestone="11-13 首批",
            figures={"tasks": 3},
        )

    def test_S_LEAD_5_the_day_s_summary_is_written_with_the_next_target_and_milestone(self):
        summary = self.write()
        summary.refresh_from_db()
        self.assertEqual(
            (summary.next_target, summary.next_milestone), ("本周交付 10 条", "11-13 首批")
        )
        self.assertEqual((summary.written_by, summary.figures), (self.lead_a, {"tasks": 3}))

    def test_written_again_the_same_day_it_is_replaced(self):
        self.write()
        self.write(text="下午补充：意向 8 条")
        self.write(date=day(3))
        summaries = LeadSummary.objects.filter(team=self.team_a)
        self.assertEqual(summaries.count(), 2)
        self.assertEqual(summaries.get(date=MONDAY).text, "下午补充：意向 8 条")

    def test_the_lead_of_another_team_cannot_write_it(self):
        with self.assertRaises(PermissionDenied):
            self.write(by=self.lead_b)


class CycleTests(LeadsTestCase):
    def test_S_LEAD_6_a_team_follows_a_partner_s_reporting_cycle_once(self):
        cycle = services.cycle_set(
            by=self.lead_a, partner=self.partner, team=self.team_a, cycle=Cycle.MONTHLY, day=25
        )
        again = services.cycle_set(
            by=self.lead_a,
            partner=self.partner,
            team=self.team_a,
            cycle=Cycle.WEEKLY,
            day=5,
            lead_days=2,
        )
        self.assertEqual(again.pk, cycle.pk)
        cycle.refresh_from_db()
        self.assertEqual((cycle.cycle, cycle.day, cycle.lead_days), (Cycle.WEEKLY, 5, 2))
        self.assertEqual(PartnerCycle.objects.count(), 1)

    def test_an_impossible_cycle_is_refused_and_not_saved(self):
        with self.assertRaises(ValidationError):
            services.cycle_set(
                by=self.lead_a, partner=self.partner, team=self.team_a, cycle=Cycle.MONTHLY, day=32
            )
        self.assertFalse(PartnerCycle.objects.exists())

    def test_the_lead_of_another_team_cannot_set_it(self):
        with self.assertRaises(PermissionDenied):
            services.cycle_set(
                by=self.lead_b, partner=self.partner, team=self.team_a, cycle=Cycle.WEEKLY, day=1
            )
