"""Agreed communication times are commitments (S-GEN-2, S-GEN-3).

A check-in's agreed time, or a matter's agreed moment, is kept when its result is recorded
by then, plus a grace period (setting AGREED_TIME_GRACE_MINUTES): for a check-in, its result
or waiver; for a matter, a chase recorded that day. Past the grace without it, it is missed
that day: the agenda and the lead's to-do say so, and the scorecard counts it.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from duban.supervision.choices import CheckInStatus
from duban.supervision.models import Chase, CheckIn, Matter


def grace() -> dt.timedelta:
    return dt.timedelta(minutes=settings.AGREED_TIME_GRACE_MINUTES)


def missed_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """An agreed moment before this one, without its result, is missed."""
    return (now or timezone.now()) - grace()


def mark_missed(checkins, now: dt.datetime | None = None) -> list:
    """Set ``missed`` on each open check-in whose agreed time passed (with the grace)."""
    cutoff = missed_cutoff(now)
    rows = list(checkins)
    for checkin in rows:
        moment = checkin.agreed_at
        checkin.missed = (
            checkin.status == CheckInStatus.PLANNED and moment is not None and moment < cutoff
        )
    return rows


def missed_today_q(today: dt.date, now: dt.datetime | None = None) -> Q:
    """Today's open check-ins whose agreed time has passed by more than the grace."""
    cutoff = timezone.localtime(missed_cutoff(now))
    if cutoff.date() < today:
        return Q(pk__in=[])
    return Q(date=today, status=CheckInStatus.PLANNED, agreed_time__lt=cutoff.time())


def matters_missed_today(matters, today: dt.date, now: dt.datetime | None = None):
    """Open matters whose agreed moment today passed by the grace without a chase that day."""
    cutoff = missed_cutoff(now)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    chased = Chase.objects.filter(at__gte=start).values("matter")
    return matters.filter(agreed_at__gte=start, agreed_at__lt=cutoff).exclude(pk__in=chased)


def kept_and_missed(start: dt.date, end: dt.date, now: dt.datetime | None = None) -> dict:
    """Per lead, the agreed times in [start, end] that were kept and missed (the scorecard's
    evidence for 目标设定与执行): {lead_id: {"kept": n, "missed": n}}. Times not yet due,
    and waived check-ins, count as neither."""
    cutoff = missed_cutoff(now)
    counts = defaultdict(lambda: {"kept": 0, "missed": 0})
    checkins = (
        CheckIn.objects.filter(date__range=(start, end), agreed_time__isnull=False)
        .exclude(status=CheckInStatus.WAIVED)
        .exclude(lead=None)
        .only("date", "agreed_time", "status", "done_at", "lead_id")
    )
    for checkin in checkins:
        moment = checkin.agreed_at
        if moment >= cutoff and checkin.status == CheckInStatus.PLANNED:
            continue  # not due yet
        kept = checkin.done_at is not None and checkin.done_at <= moment + grace()
        counts[checkin.lead_id]["kept" if kept else "missed"] += 1
    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    finish = timezone.make_aware(dt.datetime.combine(end, dt.time.max))
    matters = Matter.objects.filter(agreed_at__range=(begin, finish), agreed_at__lt=cutoff)
    chases = defaultdict(list)
    for matter_id, at in Chase.objects.filter(matter__in=matters).values_list("matter", "at"):
        chases[matter_id].append(at)
    for matter in matters.only("agreed_at", "owner_id"):
        day = timezone.make_aware(
            dt.datetime.combine(timezone.localtime(matter.agreed_at).date(), dt.time.min)
        )
        deadline = matter.agreed_at + grace()
        kept = any(day <= at <= deadline for at in chases[matter.pk])
        counts[matter.owner_id]["kept" if kept else "missed"] += 1
    return dict(counts)
