"""Hand-overs (流转) and swaps (调换): planned, sent, received only when the receiver confirms
(issue 11, S-RES-2/3/6/7)."""

import datetime as dt

from django.core.exceptions import PermissionDenied

from duban.core.transitions import TransitionError
from duban.resources import services
from duban.resources.choices import HandoverKind, HandoverStatus
from duban.resources.models import Resource
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory, UserFactory

TODAY = dt.date(2026, 12, 1)


class ReceiptTests(BaseTestCase):
    def test_S_RES_7_sent_is_not_received_until_the_receiver_confirms(self):
        handover = self.handover_a
        services.handover_send(handover=handover, by=self.member_a)  # 横洲 hands over
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.SENT)
        self.resource_a.refresh_from_db()
        self.assertEqual(self.resource_a.owner, self.member_a_employee)  # still his
        receiver = UserFactory(username="xiaoqi", role="member")
        self.worker_a.user = receiver
        self.worker_a.save()
        services.handover_receive(handover=handover, by=receiver, today=TODAY)
        handover.refresh_from_db()
        self.resource_a.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.RECEIVED)
        self.assertEqual(handover.received_by, receiver)
        self.assertEqual(
            (self.resource_a.owner, self.resource_a.received_on), (self.worker_a, TODAY)
        )
        entry = self.resource_a.history.first()
        self.assertEqual(entry.history_change_reason, "流转：横洲 → 小祁")

    def test_the_giver_cannot_confirm_for_the_receiver(self):
        with self.assertRaises(PermissionDenied):
            services.handover_receive(handover=self.handover_a, by=self.member_a, today=TODAY)

    def test_a_count_takes_the_givers_oldest_workable_resources(self):
        older = Resource.objects.create(
            phone="13800000010",
            team=self.team_a,
            owner=self.member_a_employee,
            received_on=dt.date(2026, 10, 1),
        )
        Resource.objects.create(
            phone="13800000011", team=self.team_a, owner=self.member_a_employee, status="closed"
        )
        handover = services.handover_plan(
            by=self.lead_a,
            from_employee=self.member_a_employee,
            to_employee=self.worker_a,
            planned_on=TODAY,
            count=1,
        )
        services.handover_send(handover=handover, by=self.lead_a)
        self.assertEqual(list(handover.resources.all()), [older])

    def test_a_count_larger_than_the_givers_stock_is_refused(self):
        handover = services.handover_plan(
            by=self.lead_a,
            from_employee=self.member_a_employee,
            to_employee=self.worker_a,
            planned_on=TODAY,
            count=5,
        )
        with self.assertRaisesMessage(TransitionError, "横洲 手上只有 1 条可打的资源"):
            services.handover_send(handover=handover, by=self.lead_a)
        handover.refresh_from_db()
        self.assertEqual(handover.status, HandoverStatus.PLANNED)  # nothing half done

    def test_two_confirmations_at_once_only_one_wins(self):
        services.handover_receive(handover=self.handover_a, by=self.lead_a, today=TODAY)
        stale = type(self.handover_a).objects.get(pk=self.handover_a.pk)
        stale.status = HandoverStatus.SENT  # as the other person's page still shows it
        with self.assertRaises(TransitionError):
            services.handover_receive(handover=stale, by=self.lead_a, today=TODAY)

    def test_bulk_confirm_counts_what_was_confirmed(self):
        second = services.handover_plan(
            by=self.lead_a,
            from_employee=self.lead_a_employee,
            to_employee=self.worker_a,
            planned_on=TODAY,
            count=1,
        )
        Resource.objects.create(phone="13800000012", team=self.team_a, owner=self.lead_a_employee)
        done = services.handovers_receive(
            handovers=[self.handover_a, second], by=self.lead_a, today=TODAY
        )
        self.assertEqual(done, 2)

    def test_S_RES_6_the_receivers_lead_records_the_arrangement_and_its_result(self):
        services.handover_arrange(
            handover=self.handover_a, by=self.lead_a, arrangement="先打 A 类", result="约到 2 家"
        )
        self.handover_a.refresh_from_db()
        self.assertEqual(self.handover_a.arrangement_result, "约到 2 家")
        with self.assertRaises(PermissionDenied):
            services.handover_arrange(handover=self.handover_a, by=self.lead_b, arrangement="x")
        with self.assertRaises(TransitionError):
            services.handover_arrange(handover=self.handover_a, by=self.lead_a, arrangement=" ")

    def test_only_the_givers_workable_resources_can_be_named(self):
        with self.assertRaises(TransitionError):
            services.handover_plan(
                by=self.lead_a,
                from_employee=self.worker_a,
                to_employee=self.member_a_employee,
                planned_on=TODAY,
                resources=[self.resource_a],  # 横洲's, not 小祁's
            )

    def test_a_lead_cannot_plan_between_two_teams_they_do_not_lead(self):
        with self.assertRaises(PermissionDenied):
            services.handover_plan(
                by=self.lead_b,
                from_employee=self.member_a_employee,
                to_employee=self.worker_a,
                planned_on=TODAY,
                count=1,
            )


class SwapTests(BaseTestCase):
    def test_S_RES_3_a_swap_between_teams_needs_both_leads(self):
        swap = services.handover_plan(
            by=self.lead_a,
            from_employee=self.member_a_employee,
            to_employee=self.worker_b,
            planned_on=TODAY,
            resources=[self.resource_a],
        )
        self.assertEqual((swap.kind, swap.status), (HandoverKind.SWAP, HandoverStatus.REQUESTED))
        self.assertEqual(swap.approved_by_from, self.lead_a)  # the requesting lead's side
        with self.assertRaises(TransitionError):
            services.handover_send(handover=swap, by=self.lead_a)  # not before both agree
        with self.assertRaises(PermissionDenied):
            services.handover_approve(handover=swap, by=self.supervisor)
        services.handover_approve(handover=swap, by=self.lead_b)
        swap.refresh_from_db()
        self.assertEqual(swap.status, HandoverStatus.PLANNED)
        services.handover_receive(handover=swap, by=self.lead_b, today=TODAY)
        self.resource_a.refresh_from_db()
        self.assertEqual(
            (self.resource_a.team, self.resource_a.owner), (self.team_b, self.worker_b)
        )

    def test_a_cancelled_swap_moves_nothing(self):
        swap = services.handover_plan(
            by=self.lead_a,
            from_employee=self.member_a_employee,
            to_employee=self.worker_b,
            planned_on=TODAY,
            count=1,
        )
        services.handover_cancel(handover=swap, by=self.lead_b)
        with self.assertRaises(TransitionError):
            services.handover_approve(handover=swap, by=self.lead_b)
        self.resource_a.refresh_from_db()
        self.assertEqual(self.resource_a.team, self.team_a)


class WorkedTests(BaseTestCase):
    def test_the_owner_marks_a_call_and_a_new_resource_is_in_progress(self):
        resource = services.resource_worked(resource=self.resource_a, by=self.member_a, day=TODAY)
        self.assertEqual((resource.last_worked_on, resource.status), (TODAY, "in_progress"))

    def test_someone_else_in_the_team_may_not(self):
        colleague = UserFactory(username="colleague", role="member")
        EmployeeFactory(name="同事", team=self.team_a, user=colleague)
        with self.assertRaises(PermissionDenied):
            services.resource_worked(resource=self.resource_a, by=colleague, day=TODAY)


class NoticeTests(BaseTestCase):
    def test_a_swap_request_tells_the_other_lead_and_then_the_receiver(self):
        from duban.notify.models import OutboxMessage

        receiver = UserFactory(username="zhoumin", role="member")
        self.worker_b.user = receiver
        self.worker_b.save()
        swap = services.handover_plan(
            by=self.lead_a,
            from_employee=self.member_a_employee,
            to_employee=self.worker_b,
            planned_on=TODAY,
            count=1,
        )
        (notice,) = OutboxMessage.objects.all()
        self.assertEqual(notice.recipient, self.lead_b)
        self.assertIn("调换待您同意：横洲 → 周敏，1 条资源", notice.reason)
        services.handover_approve(handover=swap, by=self.lead_b)
        notice = OutboxMessage.objects.get(recipient=receiver)
        self.assertIn("收到后请确认接收", notice.reason)
        self.assertEqual(notice.link, swap.get_absolute_url())
