"""What receivables tell the lead scorecard (S-EVAL-1) and the dashboards.

Measures: the collection plan kept (回款计划按期回款) and the AR table updated twice a month
(S-AR-2). Figures: each team's outstanding, overdue and over-6-months amounts, and the month's
planned and collected money.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.core.figures import Figure, figures
from duban.core.months import month_end, month_start
from duban.core.scoring import SPLIT_BY_TEAM, Dimension, Evidence, Period, achieved, measure
from duban.core.urls import detail_url
from duban.org.models import Team
from duban.receivables.aging import SUMMARY, aging_table, overdue_q
from duban.receivables.models import Payment, PlanLine, Receivable, Settings
from duban.receivables.supervised import AR_TABLE
from duban.supervision.choices import Area
from duban.supervision.models import TableVersion

ZERO = Decimal("0.00")
IN_LIST = 2000  # ids passed as a list; more as a subquery (SQLite limits a statement's values)


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


# --- measures ----------------------------------------------------------------------------------


@measure(
    "collection_plans",
    dimension=Dimension.COMMITMENT,
    label=_("回款计划按期回款"),
    split=SPLIT_BY_TEAM,
    explain=_(
        "本期内每一笔到计划日期的回款计划：到计划日期收回的金额 ÷ 计划金额。"
        "同一笔应收的回款按到账日期先记入较早的计划，已记入的不再重复计算。"
    ),
)
def collection_plans(period: Period) -> list[Evidence]:
    """Each plan line dated in the period, credited with what its receivable collected by the
    line's date (S-AR-3: the plan says how much is expected when)."""
    due = PlanLine.objects.filter(
        receivable__team__in=period.team_ids, planned_date__range=(period.start, period.end)
    ).order_by()
    # the month's receivables found once, not as a subquery of each of the two reads below
    receivables = list(due.values_list("receivable", flat=True).distinct()[: IN_LIST + 1])
    if len(receivables) > IN_LIST:
        receivables = due.values("receivable")
    lines = (
        PlanLine.objects.filter(receivable__in=receivables, planned_date__lte=period.end)
        .order_by("receivable", "planned_date", "pk")
        .values(
            "pk", "receivable", "receivable__number", "receivable__team", "planned_date", "amount"
        )
    )
    received = defaultdict(list)
    for receivable, day, amount in Payment.objects.filter(
        receivable__in=receivables, date__lte=period.end
    ).values_list("receivable", "date", "amount"):
        received[receivable].append((day, amount))
    by_receivable = defaultdict(list)
    for line in lines:
        by_receivable[line["receivable"]].append(line)
    items = [
        _plan_evidence(line, collected)
        for receivable, its_lines in by_receivable.items()
        for line, collected in _collected(its_lines, received[receivable])
        if line["planned_date"] >= period.start
    ]
    return sorted(items, key=lambda item: (item.day, item.label))


def _collected(lines: list[dict], payments: list[tuple[dt.date, Decimal]]):
    """Each plan line of one receivable (in date order) with what it collected: a line takes
    what was received by its date and not already taken by an earlier line, so money paid
    early counts for the next line and a line planned again after a miss is not paid twice.
    Only payments count: an AR-table import that raises what was paid dates nothing."""
    taken = ZERO
    for line in lines:
        by_then = sum((amount for day, amount in payments if day <= line["planned_date"]), ZERO)
        collected = min(line["amount"], max(by_then - taken, ZERO))
        taken += collected
        yield line, collected


def _plan_evidence(line: dict, collected: Decimal) -> Evidence:
    label = gettext("回款计划 %(number)s %(day)s 计划 %(planned)s 元，收回 %(collected)s 元") % {
        "number": line["receivable__number"],
        "day": f"{line['planned_date']:%m-%d}",
        "planned": _money(line["amount"]),
        "collected": _money(collected),
    }
    return Evidence(
        label=label,
        credit=achieved(collected, line["amount"]),
        url=detail_url("receivables:receivable_detail", line["receivable"]),
        day=line["planned_date"],
        team=line["receivable__team"],
    )


@measure(
    "receivable_tables",
    dimension=Dimension.IMPROVEMENT,
    label=_("应收账表每半月更新"),
    explain=_(
        "每个需维护应收账表的团队，每半个月（1–15 日、16 日–月末）导入一版记 1，未导入记 0；"
        "尚未结束的半月导入了才计入。"
    ),
)
def receivable_tables(period: Period) -> list[Evidence]:
    """One item per team and half-month (S-AR-2: the AR table is updated twice a month), for
    the teams that keep the table now (money outstanding) or kept it in the period. A version
    counts for the half its 截至 date falls in, as the table's staleness is measured."""
    halves = _halves(period.start, period.end)
    if not halves or not period.team_ids:
        return []
    versions = defaultdict(list)
    for version in (
        TableVersion.objects.filter(
            kind=AR_TABLE.name,
            team__in=period.team_ids,
            as_of__range=(halves[0][0], period.end),
        )
        .order_by("as_of", "pk")
        .values("pk", "team", "as_of")
    ):
        versions[version["team"]].append(version)
    owing = AR_TABLE.teams(period.end).filter(pk__in=period.team_ids)
    keeping = Team.objects.filter(
        Q(pk__in=owing.values("pk")) | Q(pk__in=list(versions)), pk__in=period.team_ids
    ).order_by("name")
    return [
        item
        for team in keeping
        for first, last in halves
        if (item := _table_evidence(team, first, last, versions[team.pk], period.end))
    ]


def _halves(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The half-months (1st–15th, 16th–month end) that end on or after ``start`` and start on
    or before ``end``."""
    halves, first = [], start.replace(day=1 if start.day <= 15 else 16)
    while first <= end:
        last = first.replace(day=15) if first.day == 1 else month_end(first)
        halves.append((first, last))
        first = last + dt.timedelta(days=1)
    return halves


def _table_evidence(team, first: dt.date, last: dt.date, versions: list[dict], end: dt.date):
    """The item of one team's half-month, or None for a half not over without a version."""
    inside = [v for v in versions if first <= v["as_of"] <= last]
    span = {"team": team.name, "first": f"{first:%m-%d}", "last": f"{last:%m-%d}"}
    if inside:
        latest = inside[-1]
        label = gettext("%(team)s %(first)s～%(last)s 的应收账表已更新（%(day)s）") % {
            **span,
            "day": f"{latest['as_of']:%m-%d}",
        }
        url = reverse("receivables:version_detail", args=[latest["pk"]])
        return Evidence(label=label, credit=1.0, url=url, day=last)
    if last > end:
        return None
    label = gettext("%(team)s %(first)s～%(last)s 的应收账表未更新") % span
    return Evidence(label=label, credit=0.0, url=reverse(AR_TABLE.url_name), day=last)


# --- figures -----------------------------------------------------------------------------------


def _list_url(team_id: int | None, *params: tuple[str, str]) -> str:
    """The receivables list, filtered to the team (None: every team the reader sees)."""
    query = ([("team", team_id)] if team_id is not None else []) + list(params)
    return f"{reverse('receivables:receivable_list')}?{urlencode(query)}"


def _as_of(day: dt.date) -> list[tuple[str, str]]:
    """Aging and overdue as the list counts them on ``day`` (the list's default is today)."""
    return [] if day == timezone.localdate() else [("as_of", f"{day:%Y-%m-%d}")]


def outstanding_url(team_id: int | None, day: dt.date) -> str:
    return _list_url(team_id, ("status", "open"))


def overdue_url(team_id: int | None, day: dt.date) -> str:
    return _list_url(team_id, ("status", "open"), ("overdue", "true"), *_as_of(day))


def over_6m_url(team_id: int | None, day: dt.date) -> str:
    buckets = [("bucket", bucket) for bucket in SUMMARY["over_6m"]]
    return _list_url(team_id, ("status", "open"), *buckets, *_as_of(day))


def team_list_url(team_id: int | None, day: dt.date) -> str:
    """Plans and payments are shown on their receivables, settled ones included (there is no
    page of plans or payments of their own)."""
    return _list_url(team_id, ("status", ""))


@figures(
    Figure("ar_outstanding", Area.RECEIVABLES, _("未回款"), "元", link=outstanding_url, order=10),
    Figure("ar_overdue", Area.RECEIVABLES, _("逾期未回款"), "元", link=overdue_url, order=20),
    Figure("ar_over_6m", Area.RECEIVABLES, _("账龄6个月以上"), "元", link=over_6m_url, order=30),
    Figure(
        "ar_planned_month", Area.RECEIVABLES, _("本月计划回款"), "元", link=team_list_url, order=40
    ),
    Figure(
        "ar_collected_month",
        Area.RECEIVABLES,
        _("本月已回款"),
        "元",
        link=team_list_url,
        order=50,
    ),
)
def receivables_figures(team_ids: list[int], day: dt.date) -> dict[int, dict[str, Decimal]]:
    """Each team's receivables figures on ``day``.

    Outstanding is the state now (open receivables): what was paid is also raised by AR-table
    imports, which date nothing, so payments cannot rebuild an earlier amount; of it, what is
    overdue and what is aged over 6 months (by the settings' basis) are judged on ``day``, as
    the aging report's "as of" does. Planned is the plan lines dated in ``day``'s month;
    collected the payments from the month's first day to ``day``.
    """
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    open_rows = Receivable.objects.open().filter(team__in=team_ids)
    basis = Settings.current().aging_basis
    for row in aging_table(open_rows, today=day, basis=basis, by="team"):
        found[row["key"]].update(ar_outstanding=row["total"], ar_over_6m=row["over_6m"])
    sums = [
        ("ar_overdue", open_rows.filter(overdue_q(day)), "team", "outstanding"),
        (
            "ar_planned_month",
            PlanLine.objects.filter(
                receivable__team__in=team_ids,
                planned_date__range=(month_start(day), month_end(day)),
            ),
            "receivable__team",
            "amount",
        ),
        (
            "ar_collected_month",
            Payment.objects.filter(
                receivable__team__in=team_ids, date__range=(month_start(day), day)
            ),
            "receivable__team",
            "amount",
        ),
    ]
    for code, rows, team, amount in sums:
        for entry in rows.values(team).annotate(total=Sum(amount)).order_by():
            found[entry[team]][code] = entry["total"]
    return dict(found)
