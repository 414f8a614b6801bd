"""Writing messages and sending them.

A message is written once per dedupe key (``outbox_enqueue``). The sender (``messages_send``,
run by `duban tick` and by the ``send_outbox`` task) first fans new messages out to each
person's chosen endpoints as deliveries, then sends what is due:

- a delivery is *claimed* by a conditional update (QUEUED → SENDING with a fresh claim token),
  so two senders never send it both;
- it is sent with its idempotency key (e-mail carries it as the Message-ID), and marked SENT
  with the provider's answer, only by the claim that sent it;
- a failure worth retrying goes back to QUEUED with an exponential backoff (or the wait the
  provider asked for) until MAX_ATTEMPTS, then FAILED for an admin to see and resend;
- a robot's rate limit (20 a minute for WeCom and DingTalk) postpones what would exceed it:
  queued, never dropped;
- a sender that dies holding a claim leaves a SENDING delivery; after LEASE it is queued again.
  If it died *after* the provider accepted the message and before marking it, the message is
  sent a second time: robots take no idempotency key, so this edge is at-least-once (the
  e-mail's Message-ID lets a mail client show the copy as the same message).
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

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

MAX_ATTEMPTS = 6
BACKOFF = dt.timedelta(minutes=1)  # the first retry; doubled each time, up to BACKOFF_CAP
BACKOFF_CAP = dt.timedelta(hours=2)
LEASE = dt.timedelta(minutes=5)  # a claim older than this belongs to a sender that died
BATCH = 500


@dataclass(frozen=True)
class Message:
    recipient_id: int
    reason: str
    link: str
    dedupe_key: str
    kind: str = MessageKind.OTHER
    lines: tuple = ()


def outbox_enqueue(*, messages: list[Message]) -> int:
    """Write the messages whose dedupe key is new; returns how many were new.

    Safe to run twice, or twice at once: the unique dedupe key turns a repeat into a no-op.
    A worker is asked to send them once the transaction commits.
    """
    if not messages:
        return 0
    keys = [m.dedupe_key for m in messages]
    before = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                recipient_id=m.recipient_id,
                reason=m.reason[:300],
                link=m.link,
                dedupe_key=m.dedupe_key,
                kind=m.kind,
                lines=[list(pair) for pair in m.lines],
            )
            for m in messages
            if m.dedupe_key not in before
        ],
        ignore_conflicts=True,
    )
    new = len(set(keys) - before)
    if new:
        transaction.on_commit(_wake_sender)
    return new


def _wake_sender() -> None:
    from duban.notify.tasks import send_outbox

    send_outbox.enqueue()


# --- fanning out -----------------------------------------------------------------------------


def endpoints_for(user, kind: str) -> list[Endpoint]:
    """Where ``user`` wants messages of ``kind``: their choices, else every personal endpoint."""
    chosen = Choice.objects.filter(user=user, kind=kind, endpoint__is_active=True)
    if chosen.exists():
        return [choice.endpoint for choice in chosen.select_related("endpoint")]
    return list(Endpoint.objects.filter(user=user, is_active=True))


def keeps_digest(user) -> bool:
    return Profile.objects.filter(user=user, digest_at__isnull=False).exists()


def fan_out(*, now: dt.datetime | None = None) -> int:
    """Give each new message its deliveries; an escalation for someone who keeps a daily digest
    (and chose no endpoint for escalations) is held for the digest instead of sent on its own.
    Returns the deliveries made."""
    now = now or timezone.now()
    made = 0
    waiting = OutboxMessage.objects.filter(fanned_out=False).select_related("recipient")
    for message in waiting.order_by("created_at", "pk")[:BATCH]:  # oldest first: none waits on
        made += _fan_out_one(message, now)
    return made


def _fan_out_one(message: OutboxMessage, now: dt.datetime) -> int:
    user = message.recipient
    held = (
        message.kind == MessageKind.ESCALATION
        and keeps_digest(user)
        and not Choice.objects.filter(user=user, kind=MessageKind.ESCALATION).exists()
    )
    endpoints = [] if held else endpoints_for(user, message.kind)
    with transaction.atomic():
        claimed = OutboxMessage.objects.filter(pk=message.pk, fanned_out=False).update(
            fanned_out=True,
            status=OutboxStatus.HELD
            if held
            else (OutboxStatus.PENDING if endpoints else OutboxStatus.UNROUTED),
        )
        if not claimed:
            return 0  # another sender did it
        Delivery.objects.bulk_create(
            [
                Delivery(
                    message=message, endpoint=e, key=f"{message.dedupe_key}@{e.pk}", due_at=now
                )
                for e in endpoints
            ],
            ignore_conflicts=True,
        )
    return len(endpoints)


# --- sending ---------------------------------------------------------------------------------


def messages_send(*, now: dt.datetime | None = None, limit: int = BATCH, channel_for=None) -> dict:
    """One round of the sender: recover dead claims, fan out new messages, send what is due.
    ``channel_for(kind, address, secret)`` builds a client (tests give fakes)."""
    from duban.notify import channels

    now = now or timezone.now()
    channel_for = channel_for or channels.channel_for
    recovered = Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - LEASE
    ).update(status=DeliveryStatus.QUEUED, claim="", due_at=now)
    fanned = fan_out(now=now)
    counts = {"sent": 0, "retried": 0, "failed": 0, "postponed": 0}
    due = (
        Delivery.objects.filter(status=DeliveryStatus.QUEUED, due_at__lte=now)
        .select_related("endpoint", "message__recipient__notify_profile")
        .order_by("due_at", "pk")[:limit]
    )
    started = timezone.now()
    for delivery in due:
        # the round's clock: ``now`` plus the time the round has taken so far
        moment = now + (timezone.now() - started)
        counts[_send_one(delivery, moment, channel_for)] += 1
    return {"recovered": recovered, "fanned_out": fanned, **counts}


def _send_one(delivery: Delivery, now: dt.datetime, channel_for) -> str:
    endpoint = delivery.endpoint
    wait = _wait(endpoint, now)
    if wait is not None:
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED).update(due_at=wait)
        return "postponed"
    claim = secrets.token_hex(16)
    if not Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
    ):
        return "postponed"  # another sender has it
    attempts = delivery.attempts + 1
    try:
        channel = channel_for(endpoint.kind, endpoint.address, endpoint.secret)
        result = channel.send(card_for(delivery.message, endpoint), key=delivery.key)
    except Exception as error:  # a bug or a bad address must not stop the round
        from duban.notify.channels import Delivery as Result

        result = Result(ok=False, retry=False, answer=f"{type(error).__name__}: {error}"[:500])
    return _mark(delivery, claim, attempts, result, now)


def _mark(delivery, claim, attempts, result, now) -> str:
    # the delivery's mark and its message's status in one transaction: a sender killed between
    # them would leave a message pending for ever, its delivery sent
    with transaction.atomic():
        return _mark_and_sum_up(delivery, claim, attempts, result, now)


def _mark_and_sum_up(delivery, claim, attempts, result, now) -> str:
    mine = Delivery.objects.filter(pk=delivery.pk, claim=claim, status=DeliveryStatus.SENDING)
    if result.ok:
        mine.update(status=DeliveryStatus.SENT, sent_at=now, answer=result.answer)
        outcome = "sent"
    elif result.retry and attempts < MAX_ATTEMPTS:
        wait = dt.timedelta(seconds=result.retry_after) if result.retry_after else backoff(attempts)
        mine.update(status=DeliveryStatus.QUEUED, due_at=now + wait, answer=result.answer)
        if result.retry_after:
            Endpoint.objects.filter(pk=delivery.endpoint_id).update(paused_until=now + wait)
        outcome = "retried"
    else:
        mine.update(status=DeliveryStatus.FAILED, answer=result.answer)
        outcome = "failed"
    _sum_up(delivery.message_id)
    return outcome


def backoff(attempts: int) -> dt.timedelta:
    """The wait before attempt ``attempts + 1``: 1, 2, 4 … minutes, at most BACKOFF_CAP."""
    return min(BACKOFF * (2 ** (attempts - 1)), BACKOFF_CAP)


def _wait(endpoint: Endpoint, now: dt.datetime) -> dt.datetime | None:
    """When the endpoint may take the next message, if not now: paused by the provider, or
    its rate (RATES: so many a window) used up by what was sent in the last window."""
    from duban.notify.channels import RATES

    paused = Endpoint.objects.filter(pk=endpoint.pk).values_list("paused_until", flat=True)[0]
    if paused and paused > now:  # read afresh: the provider may have paused it this round
        return paused
    if endpoint.kind not in RATES:
        return None
    count, seconds = RATES[endpoint.kind]
    window = now - dt.timedelta(seconds=seconds)
    recent = Delivery.objects.filter(endpoint=endpoint).filter(
        Q(sent_at__gt=window) | Q(status=DeliveryStatus.SENDING)
    )
    if recent.count() < count:
        return None
    oldest = recent.exclude(sent_at=None).order_by("-sent_at").values_list("sent_at", flat=True)
    times = list(oldest[:count])
    return (times[-1] if times else now) + dt.timedelta(seconds=seconds)


def _sum_up(message_id: int) -> None:
    """The message's status from its deliveries: sent when all are, failed when one failed,
    pending otherwise; its attempts the most any delivery took."""
    rows = list(Delivery.objects.filter(message_id=message_id).values_list("status", "attempts"))
    statuses = {status for status, _attempts in rows}
    fields = {"attempts": max((attempts for _status, attempts in rows), default=0)}
    if statuses == {DeliveryStatus.SENT}:
        fields |= {"status": OutboxStatus.SENT, "sent_at": timezone.now()}
    elif DeliveryStatus.FAILED in statuses:
        fields["status"] = OutboxStatus.FAILED
    OutboxMessage.objects.filter(pk=message_id).update(**fields)


def card_for(message: OutboxMessage, endpoint: Endpoint):
    """The message as the channels show it: its reason as the title, its lines, an absolute
    link, and the person @-mentioned on a team's group robot."""
    from duban.notify.channels import Card

    mentions = ()
    if endpoint.team_id:
        profile = getattr(message.recipient, "notify_profile", None)
        handle = ""
        if profile is not None:
            handle = profile.feishu_id if endpoint.kind == "feishu" else profile.mobile
        mentions = (handle,) if handle else ()
    lines = tuple((str(label), str(value)) for label, value in message.lines)
    if not lines:
        lines = ((_label("who"), message.recipient.display_name),)
    return Card(title=message.reason, lines=lines, link=absolute(message.link), mentions=mentions)


def _label(name: str) -> str:
    from django.utils.translation import gettext

    return {"who": gettext("收件人")}[name]


def absolute(link: str) -> str:
    if not link or link.startswith(("http://", "https://")):
        return link
    base = settings.SITE_URL or "http://127.0.0.1:8000"
    return urljoin(base if base.endswith("/") else base + "/", link.lstrip("/"))


def resend(*, message: OutboxMessage, now: dt.datetime | None = None) -> int:
    """Send a failed (or unrouted) message again: its failed deliveries are queued anew, and
    a message that had nowhere to go is fanned out again to the endpoints set since."""
    now = now or timezone.now()
    with transaction.atomic():
        queued = Delivery.objects.filter(message=message, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED, attempts=0, due_at=now, claim=""
        )
        if not message.deliveries.exists():
            OutboxMessage.objects.filter(pk=message.pk).update(fanned_out=False)
        OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING)
    transaction.on_commit(_wake_sender)
    return queued or 1


# --- the daily digest ------------------------------------------------------------------------


def digest_due(*, now: dt.datetime | None = None) -> list[Profile]:
    """The people whose digest time has come today and who have had no digest today."""
    now = timezone.localtime(now or timezone.now())
    keys = [f"digest:{now:%Y-%m-%d}:u{user}" for user in _digest_users(now)]
    sent = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("recipient", flat=True)
    )
    return [
        profile
        for profile in Profile.objects.filter(
            digest_at__isnull=False, digest_at__lte=now.time(), user__is_active=True
        ).select_related("user")
        if profile.user_id not in sent
    ]


def _digest_users(now) -> list[int]:
    return list(
        Profile.objects.filter(digest_at__isnull=False, digest_at__lte=now.time()).values_list(
            "user", flat=True
        )
    )


def held_since_last_digest(user) -> list[OutboxMessage]:
    """The escalations held for ``user``'s digest since their last one."""
    last = (
        OutboxMessage.objects.filter(recipient=user, kind=MessageKind.DIGEST)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    held = OutboxMessage.objects.filter(recipient=user, status=OutboxStatus.HELD)
    if last is not None:
        held = held.filter(created_at__gt=last)
    return list(held.order_by("created_at"))


def digest_key(user_id: int, now: dt.datetime) -> str:
    return f"digest:{timezone.localtime(now):%Y-%m-%d}:u{user_id}"


# --- settings --------------------------------------------------------------------------------


def available_endpoints(user) -> list[Endpoint]:
    """The endpoints ``user`` may choose: their own, and the group robots of their teams."""
    from duban.org.models import Team

    teams = Team.objects.filter(Q(leads=user) | Q(employees__user=user)).values("pk")
    return list(
        Endpoint.objects.filter(is_active=True)
        .filter(Q(user=user) | Q(team__in=teams))
        .select_related("team", "user")
        .distinct()
    )


def choices_save(*, user, pairs: set[tuple[int, str]]) -> int:
    """Keep exactly ``pairs`` (endpoint, kind) as ``user``'s choices among the endpoints they
    may choose; returns how many they are."""
    allowed = {endpoint.pk for endpoint in available_endpoints(user)}
    wanted = {(endpoint, kind) for endpoint, kind in pairs if endpoint in allowed}
    with transaction.atomic():
        Choice.objects.filter(user=user).delete()
        Choice.objects.bulk_create(
            [Choice(user=user, endpoint_id=endpoint, kind=kind) for endpoint, kind in wanted]
        )
    return len(wanted)


def endpoint_try(*, endpoint: Endpoint, by, channel_for=None):
    """Send a test message to ``endpoint`` now, and return the provider's answer."""
    from django.utils.translation import gettext

    from duban.notify import channels

    channel_for = channel_for or channels.channel_for
    card = channels.Card(
        title=gettext("督办测试消息"),
        lines=((gettext("发送人"), by.display_name), (gettext("渠道"), str(endpoint))),
        link=absolute("/"),
    )
    key = f"try:{endpoint.pk}:{secrets.token_hex(4)}"
    try:
        return channel_for(endpoint.kind, endpoint.address, endpoint.secret).send(card, key=key)
    except Exception as error:
        return channels.Delivery(ok=False, retry=False, answer=str(error)[:500])
