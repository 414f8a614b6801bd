"""The sender: fan-out to each person's chosen endpoints, claims, retries with backoff, rate
limits that queue, a sender that dies, the daily digest; and the pages that configure it."""

import datetime as dt
from unittest import mock

import respx
from django.urls import reverse
from django.utils import timezone

from duban.notify import services
from duban.notify.channels import Delivery as Result
from duban.notify.models import (
    Choice,
    Delivery,
    DeliveryStatus,
    Endpoint,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    Profile,
)
from duban.notify.services import Message, messages_send, outbox_enqueue
from tests.base import BaseTestCase

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234-efgh-5678"


class FakeChannels:
    """Channels that answer as told, and remember what they were asked to send."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent: list[tuple[str, str]] = []  # (address, key)

    def __call__(self, kind, address, secret=""):
        fake = self

        class Channel:
            def send(self, card, *, key):
                fake.sent.append((address, key))
                return fake.answers.pop(0) if fake.answers else Result(True, False, "ok")

        return Channel()


OK = Result(True, False, '{"errcode":0}')
LATER = Result(False, True, "HTTP 503")
NEVER = Result(False, False, '{"errcode":93000,"errmsg":"invalid webhook url"}')


class SenderTests(BaseTestCase):
    def setUp(self):
        self.mail = Endpoint.objects.create(
            kind="email", address="ws@example.com", user=self.lead_a
        )

    def enqueue(self, n=1, kind=MessageKind.OTHER, user=None):
        return outbox_enqueue(
            messages=[
                Message((user or self.lead_a).pk, f"提醒 {i}", "/supervision/todo/", f"t:{i}", kind)
                for i in range(n)
            ]
        )

    def test_a_message_goes_to_the_person_s_endpoints_and_is_marked_sent(self):
        self.enqueue()
        fake = FakeChannels(OK)
        report = messages_send(now=NOW, channel_for=fake)
        self.assertEqual((report["fanned_out"], report["sent"]), (1, 1))
        self.assertEqual(fake.sent, [("ws@example.com", f"t:0@{self.mail.pk}")])
        message = OutboxMessage.objects.get()
        self.assertEqual(message.status, OutboxStatus.SENT)
        self.assertEqual(Delivery.objects.get().answer, '{"errcode":0}')

    def test_a_person_without_endpoints_is_shown_as_unrouted_not_retried(self):
        self.enqueue(user=self.lead_b)
        messages_send(now=NOW, channel_for=FakeChannels())
        self.assertEqual(OutboxMessage.objects.get().status, OutboxStatus.UNROUTED)

    def test_choices_route_a_kind_to_the_team_s_group_robot(self):
        robot = Endpoint.objects.create(kind="wecom", address=WECOM, team=self.team_a)
        Choice.objects.create(user=self.lead_a, endpoint=robot, kind=MessageKind.PLAN_DEMANDED)
        Profile.objects.create(user=self.lead_a, mobile="13800001111")
        self.enqueue(kind=MessageKind.PLAN_DEMANDED)
        message = OutboxMessage.objects.get()
        services.fan_out(now=NOW)
        delivery = Delivery.objects.get()
        self.assertEqual(delivery.endpoint, robot)
        self.assertEqual(services.card_for(message, robot).mentions, ("13800001111",))

    def test_a_failure_is_retried_with_backoff_then_failed_for_an_admin(self):
        self.enqueue()
        fake = FakeChannels(*[LATER] * services.MAX_ATTEMPTS)
        now = NOW
        for attempt in range(1, services.MAX_ATTEMPTS):
            messages_send(now=now, channel_for=fake)
            delivery = Delivery.objects.get()
            self.assertEqual((delivery.status, delivery.attempts), (DeliveryStatus.QUEUED, attempt))
            expected = now + services.backoff(attempt)
            self.assertLess(abs(delivery.due_at - expected), dt.timedelta(seconds=1))
            messages_send(now=delivery.due_at - dt.timedelta(seconds=1), channel_for=fake)
            self.assertEqual(len(fake.sent), attempt)  # not before its time
            now = delivery.due_at
        messages_send(now=now, channel_for=fake)
        self.assertEqual(Delivery.objects.get().status, DeliveryStatus.FAILED)
        self.assertEqual(OutboxMessage.objects.get().status, OutboxStatus.FAILED)

    def test_a_permanent_failure_is_not_retried_and_can_be_resent(self):
        self.enqueue()
        fake = FakeChannels(NEVER, OK)
        messages_send(now=NOW, channel_for=fake)
        self.assertEqual(OutboxMessage.objects.get().status, OutboxStatus.FAILED)
        services.resend(message=OutboxMessage.objects.get(), now=NOW)
        messages_send(now=NOW, channel_for=fake)
        self.assertEqual(OutboxMessage.objects.get().status, OutboxStatus.SENT)
        self.assertEqual(len(fake.sent), 2)

    def test_a_sender_that_dies_holding_a_claim_loses_nothing_and_doubles_nothing(self):
        self.enqueue(3)
        services.fan_out(now=NOW)

        class Died(BaseException):
            pass

        def dying(kind, address, secret=""):
            raise Died

        with self.assertRaises(Died):  # killed after claiming the first, before sending
            messages_send(now=NOW, channel_for=dying)
        self.assertEqual(Delivery.objects.filter(status=DeliveryStatus.SENDING).count(), 1)
        fake = FakeChannels()
        messages_send(now=NOW + dt.timedelta(seconds=30), channel_for=fake)
        self.assertEqual(len(fake.sent), 2)  # the claimed one waits for its lease
        messages_send(now=NOW + services.LEASE + dt.timedelta(seconds=1), channel_for=fake)
        keys = [key for _address, key in fake.sent]
        self.assertEqual(sorted(keys), sorted(Delivery.objects.values_list("key", flat=True)))
        self.assertEqual(len(keys), len(set(keys)))  # each once
        self.assertEqual(OutboxMessage.objects.filter(status=OutboxStatus.SENT).count(), 3)

    def test_a_sender_killed_between_marking_and_summing_up_leaves_no_message_pending(self):
        self.enqueue()

        class Died(BaseException):
            pass

        with (
            mock.patch.object(services, "_sum_up", side_effect=Died),
            self.assertRaises(Died),
        ):
            messages_send(now=NOW, channel_for=FakeChannels(OK))
        # the mark went with the summing up: the delivery is still claimed, to be recovered
        self.assertEqual(Delivery.objects.get().status, DeliveryStatus.SENDING)
        messages_send(
            now=NOW + services.LEASE + dt.timedelta(seconds=1), channel_for=FakeChannels(OK)
        )
        self.assertEqual(OutboxMessage.objects.get().status, OutboxStatus.SENT)

    def test_the_oldest_messages_go_out_first(self):
        self.enqueue(services.BATCH + 1)
        services.fan_out(now=NOW)
        first = OutboxMessage.objects.order_by("created_at", "pk").first()
        self.assertTrue(OutboxMessage.objects.get(pk=first.pk).fanned_out)
        self.assertEqual(OutboxMessage.objects.filter(fanned_out=False).count(), 1)
        self.assertFalse(OutboxMessage.objects.order_by("created_at", "pk").last().fanned_out)

    def test_two_senders_never_send_the_same_delivery(self):
        self.enqueue()
        services.fan_out(now=NOW)
        stale = Delivery.objects.select_related("endpoint", "message__recipient").get()
        first, second = FakeChannels(), FakeChannels()
        services._send_one(stale, NOW, first)  # the first claims and sends
        services._send_one(stale, NOW, second)  # the second read it before: its claim fails
        self.assertEqual((len(first.sent), len(second.sent)), (1, 0))

    def test_a_robot_s_rate_limit_queues_and_drops_nothing(self):
        Endpoint.objects.create(kind="wecom", address=WECOM, user=self.lead_b)
        self.enqueue(25, user=self.lead_b)
        fake = FakeChannels()
        report = messages_send(now=NOW, channel_for=fake)
        self.assertEqual((report["sent"], report["postponed"]), (20, 5))
        waiting = Delivery.objects.filter(status=DeliveryStatus.QUEUED)
        self.assertTrue(all(d.due_at >= NOW + dt.timedelta(seconds=60) for d in waiting))
        messages_send(now=NOW + dt.timedelta(seconds=61), channel_for=fake)
        self.assertEqual(len(fake.sent), 25)
        self.assertEqual(OutboxMessage.objects.filter(status=OutboxStatus.SENT).count(), 25)

    def test_a_provider_s_pause_holds_the_endpoint(self):
        robot = Endpoint.objects.create(
            kind="dingtalk",
            address="https://oapi.dingtalk.com/robot/send?access_token=abcdef123456",
            user=self.lead_b,
        )
        self.enqueue(2, user=self.lead_b)
        fake = FakeChannels(Result(False, True, "130101 send too fast", retry_after=600))
        messages_send(now=NOW, channel_for=fake)
        robot.refresh_from_db()
        pause = robot.paused_until - NOW
        self.assertLess(abs(pause - dt.timedelta(seconds=600)), dt.timedelta(seconds=1))
        self.assertEqual(len(fake.sent), 1)  # the second waits with the robot
        messages_send(now=NOW + dt.timedelta(seconds=601), channel_for=fake)
        self.assertEqual(len(fake.sent), 3)

    def test_the_card_links_to_the_site(self):
        self.enqueue()
        card = services.card_for(OutboxMessage.objects.get(), self.mail)
        self.assertTrue(card.link.startswith("http"))
        self.assertTrue(card.link.endswith("/supervision/todo/"))

    @respx.mock
    def test_tick_sends_through_the_real_client(self):
        from duban.supervision.tick import tick

        route = respx.post(WECOM).respond(json={"errcode": 0, "errmsg": "ok"})
        Endpoint.objects.create(kind="wecom", address=WECOM, user=self.lead_b)
        self.enqueue(user=self.lead_b)
        report = tick()
        robot = Delivery.objects.filter(endpoint__kind="wecom", status=DeliveryStatus.SENT)
        self.assertEqual(robot.count(), route.call_count)
        self.assertEqual(report["messages_sent"], Delivery.objects.filter(status="sent").count())
        self.assertGreaterEqual(route.call_count, 1)


class DigestTests(BaseTestCase):
    def test_escalations_wait_for_the_daily_digest_which_comes_once(self):
        from duban.supervision.digests import digests_enqueue

        Endpoint.objects.create(kind="email", address="duban@example.com", user=self.supervisor)
        Profile.objects.create(user=self.supervisor, digest_at=dt.time(8, 30))
        outbox_enqueue(
            messages=[
                Message(self.supervisor.pk, f"方案逾期未提交 {i}", "/", f"e:{i}", "escalation")
                for i in range(7)
            ]
        )
        fake = FakeChannels()
        morning = dt.datetime(2026, 12, 1, 8, 0, tzinfo=timezone.get_current_timezone())
        messages_send(now=morning, channel_for=fake)
        self.assertEqual(fake.sent, [])  # held, not a flood
        self.assertEqual(digests_enqueue(now=morning), 0)  # not yet its time
        later = morning + dt.timedelta(hours=1)
        self.assertEqual(digests_enqueue(now=later), 1)
        self.assertEqual(digests_enqueue(now=later + dt.timedelta(hours=2)), 0)
        digest = OutboxMessage.objects.get(kind=MessageKind.DIGEST)
        labels = dict(digest.lines)
        self.assertIn("今日跟进", labels)
        self.assertIn("升级提醒 7 条", labels)
        messages_send(now=later, channel_for=fake)
        self.assertEqual(len(fake.sent), 1)


class NotifyPageTests(BaseTestCase):
    def test_the_admin_adds_an_endpoint_and_a_bad_address_is_refused_in_chinese(self):
        self.client.force_login(self.admin)
        url = reverse("notify:endpoints")
        bad = {"kind": "wecom", "address": "https://evil.example.com/hook", "team": self.team_a.pk}
        page = self.client.post(url, {**bad, "is_active": "on"})
        self.assertTrue(page.context["form"].errors["address"])
        for field in ("kind", "address", "secret", "user", "team"):  # each field has its label
            self.assertContains(page, f'<label class="form-label" for="id_{field}">')
        self.assertContains(page, '<div class="invalid-feedback d-block">')
        self.assertFalse(Endpoint.objects.exists())
        good = {**bad, "address": WECOM}
        self.assertRedirects(self.client.post(url, {**good, "is_active": "on"}), url)
        self.assertContains(self.client.get(url), "abcd")  # masked, not whole
        self.assertNotContains(self.client.get(url), "abcd-1234-efgh-5678")

    def test_an_edit_with_neither_person_nor_team_is_refused_under_the_saved_name(self):
        endpoint = Endpoint.objects.create(kind="email", address="ws@example.com", user=self.lead_a)
        self.client.force_login(self.admin)
        data = {"kind": "email", "address": "ws@example.com", "user": "", "is_active": "on"}
        page = self.client.post(reverse("notify:endpoint_edit", args=[endpoint.pk]), data)
        self.assertContains(page, "请选择个人或团队群，二者选一。")
        self.assertContains(page, f'<h1 class="page-title mb-3">{endpoint}</h1>', html=True)
        endpoint.refresh_from_db()
        self.assertEqual(endpoint.user, self.lead_a)

    def test_the_outbox_filters_and_an_admin_resends(self):
        OutboxMessage.objects.create(
            recipient=self.lead_a, reason="失败的", dedupe_key="f", status=OutboxStatus.FAILED
        )
        OutboxMessage.objects.create(recipient=self.lead_a, reason="已发的", dedupe_key="s")
        self.client.force_login(self.admin)
        page = self.client.get(reverse("notify:outbox"), {"status": "failed"})
        self.assertEqual([m.reason for m in page.context["table"].data], ["失败的"])
        failed = OutboxMessage.objects.get(dedupe_key="f")
        self.client.post(reverse("notify:resend", args=[failed.pk]))
        failed.refresh_from_db()
        self.assertEqual(failed.status, OutboxStatus.PENDING)

    def test_a_person_chooses_among_their_own_endpoints_only(self):
        mine = Endpoint.objects.create(kind="email", address="ws@example.com", user=self.lead_a)
        group = Endpoint.objects.create(kind="wecom", address=WECOM, team=self.team_a)
        other = Endpoint.objects.create(kind="email", address="x@example.com", user=self.lead_b)
        self.client.force_login(self.lead_a)
        data = {
            f"c_{group.pk}_escalation": "on",
            f"c_{mine.pk}_digest": "on",
            f"c_{other.pk}_escalation": "on",  # not theirs: ignored
            "p-mobile": "138 0000 1111",
            "p-digest_at": "08:30",
        }
        self.assertRedirects(self.client.post(reverse("notify:mine"), data), reverse("notify:mine"))
        self.assertEqual(
            set(Choice.objects.values_list("endpoint", "kind")),
            {(group.pk, "escalation"), (mine.pk, "digest")},
        )
        self.assertEqual(Profile.objects.get(user=self.lead_a).mobile, "13800001111")
        page = self.client.post(reverse("notify:mine"), {"p-mobile": "12345"})
        self.assertTrue(page.context["profile_form"].errors["mobile"])
        for field in ("mobile", "feishu_id", "digest_at"):
            self.assertContains(page, f'<label class="form-label" for="id_p-{field}">')


class PlanMessageTests(BaseTestCase):
    def test_the_lead_hears_of_a_plan_demanded_and_of_it_returned(self):
        from duban.supervision import services as supervision
        from tests.supervision.factories import RiskFactory

        risk = RiskFactory(team=self.team_b, line=self.line_1, title="回款逾期风险")
        plan = supervision.plan_demand(
            subject=risk,
            by=self.supervisor,
            lead=self.lead_b,
            submit_by=dt.date(2026, 12, 4),
            request="说明原因和措施",
        )
        demanded = OutboxMessage.objects.get(kind=MessageKind.PLAN_DEMANDED)
        self.assertEqual(
            (demanded.recipient, demanded.link), (self.lead_b, plan.get_absolute_url())
        )
        self.assertIn("回款逾期风险", demanded.reason)
        supervision.plan_submit(
            plan=plan,
            by=self.lead_b,
            cause="客户资金紧张",
            measures="分期回款",
            milestones=[{"title": "首期到账", "due_date": dt.date(2026, 12, 20)}],
        )
        supervision.plan_review(plan=plan, by=self.supervisor, approve=False, comment="节点太晚")
        returned = OutboxMessage.objects.get(kind=MessageKind.PLAN_RETURNED)
        self.assertIn(["审核意见", "节点太晚"], returned.lines)
