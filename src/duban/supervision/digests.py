"""The daily digest (每日摘要): at the time each person chose, one message with what their day
holds — today's check-ins, what is overdue, plans to review or submit — and the escalations
held for it, instead of a flood of single messages."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from duban.notify.models import MessageKind
from duban.notify.services import (
    Message,
    digest_due,
    digest_key,
    held_since_last_digest,
    outbox_enqueue,
)
from duban.org.choices import Role
from duban.supervision import selectors

HELD_SHOWN = 5


def digests_enqueue(*, now: dt.datetime | None = None) -> int:
    """Write the digest of everyone whose time has come; returns how many were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    messages = []
    with override("zh-hans"):
        for profile in digest_due(now=now):
            user = profile.user
            lines, link = _lines(user, today)
            held = held_since_last_digest(user)
            if held:
                shown = "；".join(m.reason for m in held[:HELD_SHOWN])
                more = len(held) - HELD_SHOWN
                if more > 0:
                    shown += _("；另有 %(n)d 条") % {"n": more}
                lines.append((_("升级提醒 %(n)d 条") % {"n": len(held)}, shown))
            messages.append(
                Message(
                    recipient_id=user.pk,
                    reason=_("督办每日摘要 %(day)s") % {"day": f"{today:%m-%d}"},
                    link=link,
                    dedupe_key=digest_key(user.pk, now),
                    kind=MessageKind.DIGEST,
                    lines=tuple(lines),
                )
            )
    return outbox_enqueue(messages=messages)


def _lines(user, today: dt.date) -> tuple[list, str]:
    if user.role == Role.LEAD:
        owed = selectors.todo(user, today)
        due = [m for m in owed["milestones"] if m.due_date <= today]
        lines = [
            (_("待提交方案"), str(len(owed["plans_to_submit"]))),
            (_("到期节点"), str(len(due))),
            (_("近期跟进"), str(len(owed["checkins"]))),
            (_("督办事项"), str(len(owed["matters"]))),
        ]
        return lines, reverse("supervision:todo")
    day = selectors.agenda(user, today)
    lines = [
        (_("今日跟进"), str(day["today_checkin_count"])),
        (_("逾期跟进"), str(day["overdue_checkin_count"])),
        (_("待审方案"), _count(day["plans_to_review"])),
        (_("逾期未交方案"), _count(day["plans_late"])),
        (_("到期事项"), _count(day["matters_due"])),
        (_("新增红色风险"), _count(day["new_red_risks"])),
    ]
    return lines, reverse("supervision:agenda")


def _count(rows) -> str:
    """A capped list's size: "20+" when the agenda shows only the first of more."""
    return f"{len(rows)}+" if getattr(rows, "more", False) else str(len(rows))
