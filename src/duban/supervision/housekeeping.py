"""What ``duban tick`` removes once it is kept long enough: the files of old imports
(settings.IMPORT_RETENTION_DAYS). Registered here, as core imports no app."""

import datetime as dt

from duban.core.services import imports_purge
from duban.supervision.registry import daily


@daily("imports_purged", after_detectors=True)
def imports_purged(today: dt.date) -> int:
    # by the clock, not by ``today``: a tick run for a later day removes nothing early
    return imports_purge()
