"""Queries the receivables pages, exports and detectors share."""

import datetime as dt
from decimal import Decimal

from duban.receivables.aging import aging_table
from duban.receivables.models import Receivable, Settings

REPORT_ROWS = 100  # the largest groups; the rest are added up in one row

GROUPS = {"team": "team", "lead": "lead", "customer": "customer"}  # report grouping → field


def receivables_for(user):
    return Receivable.objects.visible_to(user).select_related("customer", "team", "lead")


def aging_report(user, *, today: dt.date, by: str | None) -> dict:
    """Aging by team, lead or customer, and for all, within what the user may see.

    One grouped query: the company row is the sum of the group rows.
    """
    settings = Settings.current()
    receivables = Receivable.objects.visible_to(user).open()
    field = GROUPS.get(by, GROUPS["team"])
    rows = aging_table(receivables, today=today, basis=settings.aging_basis, by=field)
    model = Receivable._meta.get_field(field).related_model
    shown = rows[:REPORT_ROWS]
    names = dict(model.objects.filter(pk__in=[r["key"] for r in shown]).values_list("pk", "name"))
    for row in shown:
        row["name"] = names.get(row["key"]) or "—"
    rest = rows[REPORT_ROWS:]
    return {
        "company": _sum_rows(rows) if rows else None,
        "rows": shown,
        "rest": _sum_rows(rest) if rest else None,
        "settings": settings,
    }


def _sum_rows(rows: list[dict]) -> dict:
    """The rows below the largest, added up, so the report still adds up to the total."""
    total = {
        key: sum((row[key] for row in rows), Decimal("0.00"))
        for key in rows[0]
        if key not in {"key", "name", "count"}
    }
    return {**total, "count": sum(row["count"] for row in rows), "groups": len(rows)}
