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
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from duban.cockpit.models import Adjustment, Comment, Weight
from duban.core.scoring import MEASURES, Dimension, Evidence, Measure, Period, ratio
from duban.org.models import Team

DIMENSION_KEY = "dimension:"


@dataclass
class MeasureScore:
    measure: Measure
    weight: float
    items: list[Evidence]

    @property
    def ratio(self) -> float | None:
        return ratio(self.items)

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


def period_of(lead, month: dt.date, today: dt.date | None = None) -> Period:
    """The lead's teams and the days of ``month`` scored: to its end, or to today in the
    running month."""
    today = today or timezone.localdate()
    start = month.replace(day=1)
    end = min((start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
    teams = Team.objects.filter(leads=lead, is_active=True).order_by("pk")
    return Period(lead, tuple(teams.values_list("pk", flat=True)), start, end)


def scorecard(lead, month: dt.date, today: dt.date | None = None, weighed=None) -> Scorecard:
    period = period_of(lead, month, today)
    weighed = weighed or weights()
    by_dimension = {d: [] for d in Dimension.values}
    for code, measure in sorted(MEASURES.items(), key=lambda kv: (kv[1].order, kv[0])):
        items = measure.func(period)  # an area's measures find nothing without teams
        by_dimension[measure.dimension].append(MeasureScore(measure, weighed[code], items))
    adjustments = {
        a.dimension: a
        for a in Adjustment.objects.filter(lead=lead, month=period.month).select_related("by")
    }
    dimensions = [
        DimensionScore(d, weighed[f"{DIMENSION_KEY}{d}"], by_dimension[d], adjustments.get(d))
        for d in Dimension.values
    ]
    comments = list(Comment.objects.filter(lead=lead, month=period.month).select_related("by"))
    return Scorecard(lead, period, dimensions, comments)


def ranking(leads, month: dt.date, today: dt.date | None = None) -> list[Scorecard]:
    """The scorecards of ``leads`` for ``month``, the best total first, no data last."""
    weighed = weights()
    cards = [scorecard(lead, month, today, weighed) for lead in leads]
    return sorted(cards, key=lambda c: (c.total is None, -(c.total or 0), c.lead.name))


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
