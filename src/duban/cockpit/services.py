"""The cockpit's writes: a supervisor's adjustment and comment on a lead's month, the admin's
weights, and the daily snapshot of every team's key figures."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.cockpit import selectors
from duban.cockpit.models import (
    POINTS,
    Adjustment,
    Comment,
    KeptScore,
    Snapshot,
    SnapshotTaken,
    Weight,
    visible_leads,
)
from duban.core import figures
from duban.core.services import StaleEditError, save_versioned
from duban.org.choices import Role
from duban.org.models import Team, User

SCORERS = {Role.ADMIN, Role.SUPERVISOR}  # who adjust and comment (the executive only reads)


def _may_score(by, lead) -> None:
    if by.role not in SCORERS or not visible_leads(by).filter(pk=lead.pk).exists():
        raise PermissionDenied


def score_adjust(
    *, by, lead, month: dt.date, dimension: str, points: int, reason: str, version: int | None
) -> Adjustment | None:
    """Set (or, with 0 points, withdraw) the adjustment of one dimension of ``lead``'s
    ``month``; ``version`` is the one the form showed (None: there was none), so that two
    supervisors adjusting at once cannot overwrite each other."""
    _may_score(by, lead)
    reason = reason.strip()
    if points and not reason:
        raise ValidationError(_("请写明调整原因。"))
    if not -POINTS <= points <= POINTS:
        raise ValidationError(_("调整分须在 -%(n)d 到 %(n)d 之间。") % {"n": POINTS})
    month = month.replace(day=1)
    with transaction.atomic():
        found = (
            Adjustment.objects.select_for_update()
            .filter(lead=lead, month=month, dimension=dimension)
            .first()
        )
        if found is None and version is not None:
            raise StaleEditError(Adjustment(lead=lead, month=month, dimension=dimension))
        if found is not None and version != found.version:
            raise StaleEditError(found)
        if found is None:
            if not points:
                return None
            adjustment = Adjustment(
                lead=lead, month=month, dimension=dimension, points=points, reason=reason, by=by
            )
            adjustment._history_user = by
            adjustment.save()
            return adjustment
        if not points:
            found._history_user = by
            found.delete()
            return None
        found.points, found.reason, found.by = points, reason, by
        found._history_user = by
        return save_versioned(found, expected_version=version)


def comment_add(*, by, lead, month: dt.date, text: str) -> Comment:
    _may_score(by, lead)
    text = text.strip()
    if not text:
        raise ValidationError(_("点评不能为空。"))
    return Comment.objects.create(lead=lead, month=month.replace(day=1), text=text, by=by)


def weights_save(*, by, weights: dict[str, Decimal]) -> int:
    """Keep the admin's weights (a dimension's key is "dimension:<name>"); returns how many
    changed."""
    if by.role != Role.ADMIN:
        raise PermissionDenied
    changed = 0
    with transaction.atomic():
        current = {w.key: w for w in Weight.objects.select_for_update()}
        for key, value in weights.items():
            found = current.get(key)
            if found is not None and found.weight == value:
                continue
            if found is None:
                found = Weight(key=key, weight=value)
            found.weight = value
            found._history_user = by
            found.save()
            changed += 1
    return changed


def snapshot_take(*, day: dt.date) -> int:
    """Write every active team's key figures of ``day``; a later run of the same day replaces
    them, so the last tick of a day stands. Returns how many figures are new or changed (0
    when run again on unchanged data: the tick stays idempotent)."""
    team_ids = list(Team.objects.filter(is_active=True).values_list("pk", flat=True))
    found = {
        (team, code): value
        for team, values in figures.compute(team_ids, day).items()
        for code, value in values.items()
    }
    with transaction.atomic():
        before = {
            (team, code): (pk, value)
            for pk, team, code, value in Snapshot.objects.filter(day=day).values_list(
                "pk", "team_id", "code", "value"
            )
        }
        gone = [pk for key, (pk, _value) in before.items() if key not in found]
        fresh = [
            Snapshot(team_id=team, day=day, code=code, value=value)
            for (team, code), value in found.items()
            if before.get((team, code), (None, None))[1] != value
        ]
        Snapshot.objects.filter(pk__in=gone).delete()
        # an upsert: two ticks at once (several app servers) both write the day's figures, the
        # second waiting for the first's rows and then updating them, never a duplicate key
        Snapshot.objects.bulk_create(
            fresh,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["team", "day", "code"],
            update_fields=["value"],
        )
        SnapshotTaken.objects.update_or_create(day=day, defaults={"at": timezone.now()})
    return len(fresh)


def scores_keep(*, today: dt.date) -> int:
    """Compute every active lead's scorecard of ``today``'s month and keep each measure's
    ratio (KeptScore), so that the ranking of many leads reads them while they are fresh. A
    later run replaces them all (and when they were computed); returns how many measures are
    new or changed (0 when run again on unchanged data: the tick stays idempotent)."""
    month, began = today.replace(day=1), timezone.now()
    before = {
        (lead, measure): (items, ratio)
        for lead, measure, items, ratio in KeptScore.objects.filter(month=month).values_list(
            "lead", "measure", "items", "ratio"
        )
    }
    weighed = selectors.weights()
    rows = [
        KeptScore(
            lead=card.lead,
            month=month,
            measure=score.measure.code,
            items=len(score.items),
            ratio=score.ratio,
            computed_at=began,  # fresh from when the computing began
        )
        for card in selectors.scorecards(
            User.objects.filter(role=Role.LEAD, is_active=True).order_by("pk"),
            month,
            today,
            weighed,
        )
        for dimension in card.dimensions
        for score in dimension.measures
    ]
    KeptScore.objects.bulk_create(  # an upsert, as two ticks at once may keep the same month
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["lead", "month", "measure"],
        update_fields=["items", "ratio", "computed_at"],
    )
    return sum(before.get((row.lead_id, row.measure)) != (row.items, row.ratio) for row in rows)


def report_announce(*, period, line, by) -> int:
    """Queue, for every executive and the head of each line reported on, a message that the
    report of ``period`` is ready with its link; returns how many were new."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from duban.notify.services import Message, outbox_enqueue
    from duban.org.models import BusinessLine

    lines = BusinessLine.objects.filter(pk=line.pk) if line else BusinessLine.objects.all()
    readers = User.objects.filter(is_active=True).filter(
        models.Q(role=Role.EXECUTIVE) | models.Q(pk__in=lines.values("head"))
    )
    query = {"kind": period.kind, "start": f"{period.start:%Y-%m-%d}"}
    if line:
        query["line"] = line.pk
    link = reverse("cockpit:report") + "?" + urlencode(query)
    scope = line.name if line else _("全部条线")
    key = f"report:{period.kind}:{period.start}:{line.pk if line else 'all'}"
    reason = _("%(title)s %(period)s（%(scope)s）已由 %(by)s 发出") % {
        "title": period.title,
        "period": period.label,
        "scope": scope,
        "by": by.display_name,
    }
    return outbox_enqueue(
        messages=[
            Message(
                recipient_id=reader.pk,
                reason=reason[:300],
                link=link,
                dedupe_key=f"{key}:{reader.pk}",
            )
            for reader in readers.distinct()
        ]
    )
