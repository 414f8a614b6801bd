"""What the dashboard shows: today's key figures of the teams a reader sees (from the areas'
declared figures: a lead's team computed now, many teams from the day's fresh snapshot), their
lines' and the company's sums, the risks by team and area, and the weeks' trend from the daily
snapshots.

Invariant: a line's figure is the sum of its teams', the total the sum of the lines'; a ratio
(days of cover, collected against plan) is computed from the summed parts, never averaged.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.cockpit.models import Snapshot, SnapshotTaken
from duban.core import figures
from duban.core.months import month_start
from duban.org.models import Team
from duban.supervision.choices import Area

RISK_AREAS = [a for a in Area.values]
TREND_WEEKS = 8
SNAPSHOT_FRESH = dt.timedelta(minutes=20)  # duban tick takes them every 15 minutes


@dataclass(frozen=True)
class Tile:
    """One figure of the dashboard's head: a count, a sum of money, or a part of a whole
    (``part`` / ``code``; for days of cover, the stock over the daily capacity)."""

    key: str
    label: str
    code: str  # the figure (the whole, for a ratio) that opens its rows
    kind: str = "count"  # count · money · part · money_part · days
    part: str | None = None
    unit: str = ""


TILES = [
    Tile("plans_overdue", _("方案逾期"), "plans_overdue", unit=_("个")),
    Tile("plans_landed", _("本月落地方案"), "plans_landed", unit=_("个")),
    Tile("collected", _("本月回款 / 计划"), "ar_planned_month", "money_part", "ar_collected_month"),
    Tile("overdue", _("逾期未回款"), "ar_overdue", "money"),
    Tile("aged", _("账龄 6 个月以上"), "ar_over_6m", "money"),
    Tile("cover", _("资源可用天数"), "res_capacity", "days", "res_workable", unit=_("天")),
    Tile("headcount", _("在岗 / 编制"), "hc_plan", "part", "hc_actual"),
    Tile("leads", _("本月销线 / 进度目标"), "leads_target_month", "part", "leads_delivered_month"),
    Tile("indicators", _("新项目指标落后"), "prj_indicators", "part", "prj_indicators_behind"),
    Tile("breached", _("售后超时"), "as_breached", unit=_("个")),
]


def teams_of(user):
    return (
        Team.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("line")
        .order_by("line__name", "name")
    )


def dashboard(user, today: dt.date, now: dt.datetime | None = None) -> dict:
    teams = list(teams_of(user))
    single = teams[0].pk if len(teams) == 1 else None
    if single:  # a lead's own team: computed now, so it always matches the rows it opens
        values, as_of = figures.compute([single], today), None
    else:
        values, as_of = today_figures([t.pk for t in teams], today, now or timezone.now())
    total = _sum(values.values())
    return {
        "today": today,
        "as_of": as_of,
        "teams": teams,
        "tiles": [_tile(tile, total, single, today) for tile in TILES if _known(tile)],
        "lines": _lines(teams, values, single, today),
        "heat": _heat(teams, values, today),
        "trend": _trend(teams, today),
        "risk_total": {
            "red": sum(total.get(f"risks_red_{a}", 0) for a in RISK_AREAS),
            "yellow": sum(total.get(f"risks_yellow_{a}", 0) for a in RISK_AREAS),
        },
    }


def today_figures(team_ids: list[int], today: dt.date, now: dt.datetime):
    """Today's figures of many teams and when they were taken: from today's snapshot while it
    is fresh (taken within SNAPSHOT_FRESH by ``duban tick``, which runs every 15 minutes), as
    computing them for every team of a company means aggregating every open receivable and
    resource; else, and for a team the snapshot does not hold yet, computed now (taken: None)."""
    taken = SnapshotTaken.objects.filter(day=today, at__gte=now - SNAPSHOT_FRESH).first()
    if taken is None or today != timezone.localdate(now):
        return figures.compute(team_ids, today), None
    values = {team: dict.fromkeys(figures.FIGURES, Decimal(0)) for team in team_ids}
    held = set()
    rows = Snapshot.objects.filter(day=today, team__in=team_ids, code__in=list(figures.FIGURES))
    for team, code, value in rows.values_list("team", "code", "value"):
        # a count comes back from the column as 8.00: shown as computed, 8
        values[team][code] = value.quantize(Decimal(1)) if value == int(value) else value
        held.add(team)
    missing = [team for team in team_ids if team not in held]
    if missing:
        values.update(figures.compute(missing, today))
    return values, taken.at


def _known(tile: Tile) -> bool:
    return tile.code in figures.FIGURES and (tile.part is None or tile.part in figures.FIGURES)


def _sum(rows) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for row in rows:
        for code, value in row.items():
            found[code] = found.get(code, Decimal(0)) + value
    return found


def _link(code: str, team_id: int | None, today: dt.date) -> str:
    figure = figures.FIGURES.get(code)
    return figure.link(team_id, today) if figure and figure.link else ""


def _ratio(part, whole) -> float | None:
    return None if not whole else round(float(part) / float(whole), 2)


def _tile(tile: Tile, total: dict, team_id: int | None, today: dt.date) -> dict:
    whole = total.get(tile.code, Decimal(0))
    shown = {"tile": tile, "value": whole, "url": _link(tile.code, team_id, today)}
    if tile.part:
        part = total.get(tile.part, Decimal(0))
        shown.update(
            part=part, ratio=_ratio(part, whole), part_url=_link(tile.part, team_id, today)
        )
    return shown


COLUMNS = [
    ("ar_outstanding", _("未回款")),
    ("ar_overdue", _("逾期")),
    ("res_workable", _("可打资源")),
    ("hc_actual", _("在岗")),
    ("hc_plan", _("编制")),
    ("leads_delivered_month", _("本月销线")),
    ("prj_indicators_behind", _("落后指标")),
    ("as_open", _("售后未结")),
    ("plans_overdue", _("逾期方案")),
]


def _lines(teams, values, single, today) -> dict:
    """Each line with its teams' figures and their sums."""
    columns = [(code, label) for code, label in COLUMNS if code in figures.FIGURES]
    lines: dict[int, dict] = {}
    for team in teams:
        line = lines.setdefault(
            team.line_id,
            {
                "line": team.line,
                "teams": [],
                "sums": dict.fromkeys((c for c, _l in columns), Decimal(0)),
            },
        )
        cells = [
            (values[team.pk].get(code, 0), _link(code, team.pk, today)) for code, _l in columns
        ]
        red = sum(values[team.pk].get(f"risks_red_{a}", 0) for a in RISK_AREAS)
        line["teams"].append({"team": team, "cells": cells, "red": red})
        for code, _label in columns:
            line["sums"][code] += values[team.pk].get(code, 0)
    for line in lines.values():
        line["sums"] = [line["sums"][code] for code, _l in columns]
    return {"columns": [label for _c, label in columns], "rows": list(lines.values())}


def _heat(teams, values, today) -> dict:
    """Open red and yellow risks by team and area: a cell a team and an area, its link the
    risk list of that team, area and level (red when there are red ones)."""
    areas = [a for a in RISK_AREAS if f"risks_red_{a}" in figures.FIGURES]
    cells, rows = [], []
    for y, team in enumerate(teams):
        row = []
        for x, area in enumerate(areas):
            red = int(values[team.pk].get(f"risks_red_{area}", 0))
            yellow = int(values[team.pk].get(f"risks_yellow_{area}", 0))
            code = f"risks_red_{area}" if red else f"risks_yellow_{area}"
            url = _link(code, team.pk, today) if red or yellow else ""
            row.append({"red": red, "yellow": yellow, "url": url})
            cells.append([x, y, red, yellow, url])
        rows.append((team, row))
    return {
        "areas": [Area(a).label for a in areas],
        "rows": rows,
        "chart": {
            "x": [str(Area(a).label) for a in areas],
            "y": [t.name for t in teams],
            "cells": cells,
        },
    }


def _trend(teams, today) -> dict:
    """The last TREND_WEEKS weeks' closing snapshots (the last day of each week with one):
    red risks, overdue receivables and days of cover, summed over the teams."""
    start = today - dt.timedelta(weeks=TREND_WEEKS)
    snapshots = Snapshot.objects.filter(team__in=[t.pk for t in teams], day__gt=start)
    days = sorted(
        {
            row["last"]
            for row in snapshots.values("day__iso_year", "day__week").annotate(last=Max("day"))
        }
    )
    sums: dict[tuple[dt.date, str], Decimal] = {}
    for row in snapshots.filter(day__in=days).values("day", "code").annotate(total=Sum("value")):
        sums[(row["day"], row["code"])] = row["total"]

    def red(day):
        return float(sum(sums.get((day, f"risks_red_{a}"), 0) for a in RISK_AREAS))

    def cover(day):
        capacity = sums.get((day, "res_capacity"), 0)
        return (
            round(float(sums.get((day, "res_workable"), 0)) / float(capacity), 1)
            if capacity
            else None
        )

    return {
        "categories": [f"{day:%m-%d}" for day in days],
        "series": [
            {"name": str(_("红色风险")), "type": "line", "data": [red(d) for d in days]},
            {"name": str(_("资源可用天数")), "type": "line", "data": [cover(d) for d in days]},
        ],
        "unit": "",
        "month": f"{month_start(today):%Y-%m}",
    }
