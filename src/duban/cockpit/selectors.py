"""The lead scorecard (S-EVAL-1): five dimensions, each the weighted mean of its measures'
ratios (from the evidence the areas declare in their scoring.py), 0–100; the total the
weighted mean of the dimensions that have data. A measure with nothing due has no data and
does not count, so an area not in use never scores zero.

    measure ratio     = mean credit of its items (0 … 1)
    dimension (raw)   = 100 × Σ(weight × ratio) / Σ(weight), over measures with data
    dimension (score) = raw + the supervisor's adjustment, kept within 0 … 100
    total             = Σ(weight × score) / Σ(weight), over dimensions with a score
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from duban.cockpit.models import Adjustment, Comment, KeptScore, Weight
from duban.core.scoring import (
    MEASURES,
    Dimension,
    Evidence,
    Measure,
    Period,
    compute_many,
    ratio,
)
from duban.org.models import Team

DIMENSION_KEY = "dimension:"
KEPT_FRESH = dt.timedelta(minutes=20)  # duban tick keeps the running month's every 15 minutes


@dataclass
class MeasureScore:
    measure: Measure
    weight: float
    items: list[Evidence]
    kept: float | None = None  # the ratio the tick kept (KeptScore), the items not read
    is_kept: bool = False

    @property
    def ratio(self) -> float | None:
        return self.kept if self.is_kept else ratio(self.items)

    @property
    def percent(self) -> float | None:
        value = self.ratio
        return None if value is None else round(100 * value, 1)

    @property
    def missed(self) -> list[Evidence]:
        return [item for item in self.items if not item.kept]

    @property
    def ordered(self) -> list[Evidence]:
        """What was missed first, then by day."""
        return sorted(self.items, key=lambda i: (i.credit, i.day or dt.date.min))


@dataclass
class DimensionScore:
    dimension: str
    weight: float
    measures: list[MeasureScore]
    adjustment: Adjustment | None = None

    @property
    def label(self) -> str:
        return Dimension(self.dimension).label

    @property
    def raw(self) -> float | None:
        counted = [m for m in self.measures if m.ratio is not None and m.weight > 0]
        total = sum(m.weight for m in counted)
        if not total:
            return None
        return round(100 * sum(m.weight * m.ratio for m in counted) / total, 1)

    @property
    def score(self) -> float | None:
        raw = self.raw
        if raw is None:
            return None
        points = self.adjustment.points if self.adjustment else 0
        return round(min(max(raw + points, 0), 100), 1)


@dataclass
class Scorecard:
    lead: object
    period: Period
    dimensions: list[DimensionScore]
    comments: list = field(default_factory=list)
    computed_at: dt.datetime | None = None  # when the tick kept it (None: computed now)

    @property
    def month(self) -> dt.date:
        return self.period.month

    @property
    def total(self) -> float | None:
        counted = [d for d in self.dimensions if d.score is not None and d.weight > 0]
        weights = sum(d.weight for d in counted)
        if not weights:
            return None
        return round(sum(d.weight * d.score for d in counted) / weights, 1)

    def dimension(self, key: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.dimension == key)


def weights() -> dict[str, float]:
    """Every weight in force: the admin's, else the declared default."""
    found = {f"{DIMENSION_KEY}{d}": 1.0 for d in Dimension.values}
    found.update({code: m.weight for code, m in MEASURES.items()})
    found.update({w.key: float(w.weight) for w in Weight.objects.all()})
    return found


def _days(month: dt.date, today: dt.date | None) -> tuple[dt.date, dt.date]:
    """The days of ``month`` scored: to its end, or to today in the running month."""
    today = today or timezone.localdate()
    start = month.replace(day=1)
    return start, min((start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)


def scorecard(lead, month: dt.date, today: dt.date | None = None, weighed=None) -> Scorecard:
    """One lead's month, with the supervisor's comments."""
    card = scorecards([lead], month, today, weighed)[0]
    card.comments = list(Comment.objects.filter(lead=lead, month=card.month).select_related("by"))
    return card


def scorecards(leads, month: dt.date, today: dt.date | None = None, weighed=None):
    """The scorecards of many leads (without the comments): each measure's items for each
    lead's active teams, a measure that says how its items split computed once for all."""
    leads, weighed = list(leads), weighed or weights()
    if not leads:
        return []
    start, end = _days(month, today)
    teams = defaultdict(list)
    held = Team.leads.through.objects.filter(user__in=leads, team__is_active=True)
    for lead, team in held.order_by("team").values_list("user", "team"):
        teams[lead].append(team)
    periods = [Period(lead, tuple(teams[lead.pk]), start, end) for lead in leads]
    ordered = _ordered()
    found = {code: compute_many(m, periods) for code, m in ordered}
    adjustments = defaultdict(dict)
    for a in Adjustment.objects.filter(lead__in=leads, month=start).select_related("by"):
        adjustments[a.lead_id][a.dimension] = a
    return [
        Scorecard(
            period.lead,
            period,
            _dimensions(
                [MeasureScore(m, weighed[code], found[code][i]) for code, m in ordered],
                weighed,
                adjustments[period.lead.pk],
            ),
        )
        for i, period in enumerate(periods)
    ]


def _ordered() -> list[tuple[str, Measure]]:
    return sorted(MEASURES.items(), key=lambda kv: (kv[1].order, kv[0]))


def _dimensions(measures: list[MeasureScore], weighed, adjustments) -> list[DimensionScore]:
    return [
        DimensionScore(
            d,
            weighed[f"{DIMENSION_KEY}{d}"],
            [m for m in measures if m.measure.dimension == d],
            adjustments.get(d),
        )
        for d in Dimension.values
    ]


def ranking(
    leads, month: dt.date, today: dt.date | None = None, now: dt.datetime | None = None
) -> list[Scorecard]:
    """The scorecards of ``leads`` for ``month``, the best total first, no data last: as the
    tick kept them while fresh (``kept_scores``), else computed now."""
    weighed, leads = weights(), list(leads)
    kept = kept_scores([lead.pk for lead in leads], month, today, now)
    adjustments = defaultdict(dict)
    for a in Adjustment.objects.filter(lead__in=list(kept), month=month.replace(day=1)):
        adjustments[a.lead_id][a.dimension] = a
    cards = scorecards([lead for lead in leads if lead.pk not in kept], month, today, weighed)
    ordered, days = _ordered(), _days(month, today)
    for lead in (lead for lead in leads if lead.pk in kept):
        at, ratios = kept[lead.pk]
        measures = [
            MeasureScore(m, weighed[code], [], kept=ratios[code], is_kept=True)
            for code, m in ordered
        ]
        period = Period(lead, (), *days)  # its teams not read: no evidence
        dimensions = _dimensions(measures, weighed, adjustments[lead.pk])
        cards.append(Scorecard(lead, period, dimensions, computed_at=at))
    return sorted(cards, key=lambda c: (c.total is None, -(c.total or 0), c.lead.name))


def kept_scores(lead_ids, month: dt.date, today=None, now=None) -> dict[int, tuple]:
    """Lead id -> (when, {measure: ratio}): the month's scores the tick kept today, within
    KEPT_FRESH, of the leads it kept every measure of (a measure new since is computed)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if today != timezone.localdate(now):
        return {}  # another day's scores: computed as of that day
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    rows = KeptScore.objects.filter(
        lead__in=lead_ids,
        month=month.replace(day=1),
        computed_at__gte=max(now - KEPT_FRESH, start_of_today),
        measure__in=list(MEASURES),
    ).values_list("lead", "measure", "ratio", "computed_at")
    found = defaultdict(dict)
    when = {}
    for lead, code, value, at in rows:
        found[lead][code] = value
        when[lead] = min(at, when.get(lead, at))
    return {
        lead: (when[lead], ratios) for lead, ratios in found.items() if len(ratios) == len(MEASURES)
    }


def trend(lead, month: dt.date, months: int = 6, today: dt.date | None = None) -> list[dict]:
    """The lead's total and dimension scores for ``months`` months up to ``month``."""
    weighed, rows, first = weights(), [], month.replace(day=1)
    for _back in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    current = first
    while current <= month:
        card = scorecard(lead, current, today, weighed)
        rows.append(
            {
                "month": current,
                "total": card.total,
                "dimensions": {d.dimension: d.score for d in card.dimensions},
            }
        )
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return rows


def as_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))
