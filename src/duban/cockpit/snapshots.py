"""The daily snapshot: ``duban tick`` keeps every team's key figures of the day, after the
detectors, so that the dashboards' trends read a row a day instead of re-scanning history; and
every lead's scores of the month, which the ranking reads while they are fresh."""

import datetime as dt

from duban.cockpit import services
from duban.supervision.registry import daily, each_tick


@daily("snapshots", after_detectors=True)
def snapshot_record(today: dt.date) -> int:
    return services.snapshot_take(day=today)


@each_tick("scores")  # on any day: the ranking may be opened on a weekend
def scores_record(today: dt.date) -> int:
    return services.scores_keep(today=today)
