"""What the areas tell the lead scorecard (S-EVAL-1): the evidence behind each measure.

Each area declares, in its ``scoring.py``, measures with ``@measure``: a function that, for
one lead's teams and one period, lists the things that were due (a plan to submit, a summary
to keep, a target to reach …), each with the credit it earned, from 0 (missed) to 1 (kept).
A measure's ratio is the mean credit of its items; no item means "no data", never zero. The
cockpit groups measures by dimension, weighs them and shows every item behind a score; core
and the areas never import the cockpit.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

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

    @property
    def kept(self) -> bool:
        return self.credit >= 1


@dataclass(frozen=True)
class Period:
    """The lead, their teams and the days scored: from ``start`` to ``end`` (both included;
    ``end`` is today for the running month)."""

    lead: object  # org.User
    team_ids: tuple[int, ...]
    start: dt.date
    end: dt.date

    @property
    def month(self) -> dt.date:
        return self.start.replace(day=1)


@dataclass(frozen=True)
class Measure:
    code: str
    dimension: str
    label: str
    explain: str  # how the items are found and credited, shown beside the formula
    func: Callable[[Period], list[Evidence]] = field(compare=False)
    weight: float = 1.0
    order: int = 100


MEASURES: dict[str, Measure] = {}


def measure(code: str, *, dimension: str, label, explain, weight: float = 1.0, order: int = 100):
    """Register ``func(period) -> list[Evidence]`` as the measure ``code`` of ``dimension``."""

    def register(func):
        if code in MEASURES and MEASURES[code].func is not func:
            raise ValueError(f"measure {code!r} is declared twice")
        MEASURES[code] = Measure(code, dimension, label, explain, func, weight, order)
        return func

    return register


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
