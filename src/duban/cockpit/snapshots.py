"""The daily snapshot: ``duban tick`` keeps every team's key figures of the day, after the
detectors, so that the dashboards' trends read a row a day instead of re-scanning history."""

import datetime as dt

from duban.cockpit import services
from duban.supervision.registry import daily


@daily("snapshots", after_detectors=True)
def snapshot_record(today: dt.date) -> int:
    return services.snapshot_take(day=today)
