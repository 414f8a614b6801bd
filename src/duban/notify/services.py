from dataclasses import dataclass

from duban.notify.models import OutboxMessage


@dataclass(frozen=True)
class Message:
    recipient_id: int
    reason: str
    link: str
    dedupe_key: str


def outbox_enqueue(*, messages: list[Message]) -> int:
    """Write the messages whose dedupe key is new; returns how many were new.

    Safe to run twice, or twice at once: the unique dedupe key turns a repeat into a no-op.
    """
    if not messages:
        return 0
    keys = [m.dedupe_key for m in messages]
    before = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    OutboxMessage.objects.bulk_create(
        [OutboxMessage(**vars(m)) for m in messages if m.dedupe_key not in before],
        ignore_conflicts=True,
    )
    return len(set(keys) - before)
