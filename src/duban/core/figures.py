"""What the areas tell the dashboards and the daily snapshots: each team's key figures on a day.

An area declares, in its ``scoring.py``, its figures and one function that computes them for
many teams at once:

    @figures(
        Figure("ar_outstanding", Area.RECEIVABLES, _("未回款"), "元", link=outstanding_url),
        Figure("ar_overdue", Area.RECEIVABLES, _("逾期未回款"), "元", link=overdue_url),
    )
    def receivables_figures(team_ids, day) -> dict[int, dict[str, Decimal | int]]: ...

Every figure is a count or a sum, so that teams add up to their line and lines to the company;
a ratio (days of cover, collected against plan) is two figures the cockpit divides. A figure is
"as of the end of ``day``": from the dates the data holds where it holds them (a risk open on
that day, a payment received by it), else the state now (said in the function's docstring);
the snapshot that ``duban tick`` writes each day keeps it as it was. ``link(team_id, day)``
opens the rows behind a team's figure (``team_id`` None: every team the reader sees).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Figure:
    code: str
    area: str
    label: str
    unit: str  # 元 · 个 · 人 · 条 …
    link: Callable[[int | None, dt.date], str] | None = field(default=None, compare=False)
    order: int = 100


Source = Callable[[list[int], dt.date], dict[int, dict[str, Decimal | int]]]

FIGURES: dict[str, Figure] = {}
SOURCES: list[tuple[tuple[str, ...], Source]] = []


def figures(*declared: Figure):
    """Register ``func(team_ids, day) -> {team_id: {code: value}}`` as the source of
    ``declared``; a team or a code it leaves out counts 0."""

    def register(func: Source):
        for figure in declared:
            if figure.code in FIGURES and FIGURES[figure.code] != figure:
                raise ValueError(f"figure {figure.code!r} is declared twice")
            FIGURES[figure.code] = figure
        if all(func is not known for _codes, known in SOURCES):
            SOURCES.append((tuple(f.code for f in declared), func))
        return func

    return register


def compute(team_ids: list[int], day: dt.date) -> dict[int, dict[str, Decimal]]:
    """Every registered figure of ``team_ids`` on ``day``: {team_id: {code: value}}, zeros
    included."""
    found = {team: {code: Decimal(0) for code in FIGURES} for team in team_ids}
    if not team_ids:
        return found
    for codes, func in SOURCES:
        for team, values in func(list(team_ids), day).items():
            if team not in found:
                continue
            for code, value in values.items():
                if code in codes:
                    found[team][code] = Decimal(value)
    return found
