"""Aging of receivables (S-AR-1): one bucket expression used by the report, the list filter
and the detectors, so a figure and the rows behind it can never disagree.

A row is "not due" while its due date is ahead; otherwise it is aged by the basis date (the
due date, or the invoice date, per the settings) into 0–30 … >365 days, or "no date" when the
basis date is missing. The buckets of any set of rows add up to its outstanding total.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, CharField, Count, Q, Sum, Value, When

from duban.receivables.choices import BUCKET_UPPER_DAYS, AgingBasis, Bucket

ZERO = Decimal("0.00")
SUMMARY = {  # S-AR-1: owed within 3 months, 3–6 months, over 6 months
    "within_3m": [Bucket.D30, Bucket.D60, Bucket.D90],
    "3m_to_6m": [Bucket.D180],
    "over_6m": [Bucket.D365, Bucket.OVER_365],
}


def bucket_expression(today: dt.date, basis: str) -> Case:
    field = "due_date" if basis == AgingBasis.DUE else "invoice_date"
    whens = [
        When(due_date__gt=today, then=Value(Bucket.NOT_DUE)),
        When(**{f"{field}__isnull": True}, then=Value(Bucket.UNDATED)),
    ]
    for bucket, days in BUCKET_UPPER_DAYS.items():
        since = today - dt.timedelta(days=days)
        whens.append(When(**{f"{field}__gte": since}, then=Value(bucket)))
    return Case(*whens, default=Value(Bucket.OVER_365), output_field=CharField())


def bucket_of(row: dict, today: dt.date, basis: str) -> str:
    """The bucket of one row's values, by the same rules as ``bucket_expression`` (a test holds
    the two together), for rows that are in memory rather than in the database."""
    due = row["due_date"]
    if due is not None and due > today:
        return Bucket.NOT_DUE
    since = due if basis == AgingBasis.DUE else row["invoice_date"]
    if since is None:
        return Bucket.UNDATED
    age = (today - since).days
    for bucket, days in BUCKET_UPPER_DAYS.items():
        if age <= days:
            return bucket
    return Bucket.OVER_365


def with_bucket(queryset, today: dt.date, basis: str):
    return queryset.annotate(bucket=bucket_expression(today, basis))


def aging_table(queryset, *, today: dt.date, basis: str, by: str | None = None) -> list[dict]:
    """Outstanding by bucket, one row per value of ``by`` (a field path) or one for all.

    Each row: {"key", "total", "count", <bucket>: Decimal …, "within_3m", "3m_to_6m", "over_6m"}.
    """
    group = [by] if by else []
    sums = (
        with_bucket(queryset.filter(outstanding__gt=0), today, basis)
        .values(*group, "bucket")
        .annotate(amount=Sum("outstanding"), n=Count("pk"))
        .order_by()
    )
    rows = defaultdict(lambda: {b: ZERO for b in Bucket.values} | {"total": ZERO, "count": 0})
    for entry in sums:
        row = rows[entry[by] if by else None]
        row[entry["bucket"]] += entry["amount"]
        row["total"] += entry["amount"]
        row["count"] += entry["n"]
    result = []
    for key, row in rows.items():
        row["key"] = key
        for name, buckets in SUMMARY.items():
            row[name] = sum((row[b] for b in buckets), ZERO)
        result.append(row)
    return sorted(result, key=lambda r: r["total"], reverse=True)


def overdue_q(today: dt.date) -> Q:
    return Q(due_date__lt=today, outstanding__gt=0)
