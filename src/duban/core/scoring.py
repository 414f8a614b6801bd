"""What the areas tell the lead scorecard (S-EVAL-1): the evidence behind each measure.

Each area declares, in its ``scoring.py``, measures with ``@measure``: a function that, for
one lead's teams and one period, lists the things that were due (a plan to submit, a summary
to keep, a target to reach …), each with the credit it earned, from 0 (missed) to 1 (kept).
A measure's ratio is the mean credit of its items; no item means "no data", never zero. The
cockpit groups measures by dimension, weighs them and shows every item behind a score; core
and the areas never import the cockpit.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    """The five dimensions on which a lead is scored (S-EVAL-1)."""

    EXECUTION = "execution", _("目标设定与执行")
    COMMITMENT = "commitment", _("重视目标完成")
    RESOURCES = "resources", _("资源管理")
    FLEXIBILITY = "flexibility", _("灵活调整")
    IMPROVEMENT = "improvement", _("总结提升")


@dataclass(frozen=True)
class Evidence:
    """One thing that was due in the period, and how far it was kept.

    ``label`` says what it was and what happened, in Chinese, with its dates and figures
    ("方案「回款提速」11-05 前提交，11-07 提交"); ``credit`` is 1 when kept, 0 when missed, and
    in between for a target partly reached (reached / target, capped at 1); ``url`` opens it.
    """

    label: str
    credit: float
    url: str = ""
    day: dt.date | None = None  # when it was due
    # whose it is, for a measure computed for many leads at once (``split``)
    team: int | None = field(default=None, compare=False)
    lead: int | None = field(default=None, compare=False)

    @property
    def kept(self) -> bool:
        return self.credit >= 1


@dataclass(frozen=True)
class Period:
    """The lead, their teams and the days scored: from ``start`` to ``end`` (both included;
    ``end`` is today for the running month)."""

    lead: object  # org.User; None for many leads at once (``lead_ids``)
    team_ids: tuple[int, ...]
    start: dt.date
    end: dt.date
    lead_ids: tuple[int, ...] = ()

    @property
    def month(self) -> dt.date:
        return self.start.replace(day=1)

    @property
    def leads(self) -> tuple[int, ...]:
        """The ids of the leads scored: the lead's own, or the many of a batch."""
        return self.lead_ids or (self.lead.pk,)


@dataclass(frozen=True)
class Measure:
    code: str
    dimension: str
    label: str
    explain: str  # how the items are found and credited, shown beside the formula
    func: Callable[[Period], list[Evidence]] = field(compare=False)
    weight: float = 1.0
    order: int = 100
    split: str | None = None  # SPLIT_BY_TEAM / SPLIT_BY_LEAD: computed for many leads at once


MEASURES: dict[str, Measure] = {}

# A measure whose items each name their team (Evidence.team) and do not depend on the lead
# may be computed once for the teams of many leads, each lead given their teams' items; one
# whose items name their lead (Evidence.lead), for ``period.leads``, each given their own.
SPLIT_BY_TEAM = "team"
SPLIT_BY_LEAD = "lead"


def measure(
    code: str,
    *,
    dimension: str,
    label,
    explain,
    weight: float = 1.0,
    order: int = 100,
    split: str | None = None,
):
    """Register ``func(period) -> list[Evidence]`` as the measure ``code`` of ``dimension``."""

    def register(func):
        if code in MEASURES and MEASURES[code].func is not func:
            raise ValueError(f"measure {code!r} is declared twice")
        MEASURES[code] = Measure(code, dimension, label, explain, func, weight, order, split)
        return func

    return register


def compute_many(found: Measure, periods: list[Period]) -> list[list[Evidence]]:
    """The items of ``found`` for each of ``periods`` (the same days, different leads): in
    one computation when the measure says how its items split, else period by period."""
    if found.split is None or len(periods) < 2:
        return [found.func(period) for period in periods]
    first = periods[0]
    if any((p.start, p.end) != (first.start, first.end) for p in periods):
        raise ValueError("periods computed at once must cover the same days")
    teams = tuple(sorted({team for period in periods for team in period.team_ids}))
    leads = tuple(period.lead.pk for period in periods)
    items = found.func(Period(None, teams, first.start, first.end, lead_ids=leads))
    buckets = defaultdict(list)
    for index, item in enumerate(items):
        buckets[item.team if found.split == SPLIT_BY_TEAM else item.lead].append((index, item))
    if found.split == SPLIT_BY_LEAD:
        return [[item for _, item in buckets[period.lead.pk]] for period in periods]
    return [
        [item for _, item in sorted(chain.from_iterable(buckets[t] for t in set(p.team_ids)))]
        for p in periods
    ]


def ratio(items: list[Evidence]) -> float | None:
    """The mean credit of ``items``, or None when nothing was due."""
    if not items:
        return None
    return sum(min(max(item.credit, 0.0), 1.0) for item in items) / len(items)


def achieved(reached, target) -> float:
    """The credit of a target: reached / target, from 0 to 1 (a target of 0 is met)."""
    if not target or target <= 0:
        return 1.0
    return float(max(min(reached / target, 1), 0))
