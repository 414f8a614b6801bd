"""gunicorn configuration for ``bench_load.py`` (read through ``GUNICORN_CMD_ARGS="--config
…"``; ``duban serve`` itself is unchanged): the workers see ``timezone.localdate()`` as the
generated company's today, 2026-06-30, as ``bench_supervision.py`` does in process. A
conversion of a given datetime is left alone. The master runs this before it forks; the
workers import Duban afterwards, so every ``timezone.localdate`` they look up is this one."""

import datetime as dt
import os

from django.utils import timezone

TODAY = dt.date.fromisoformat(os.environ.get("BENCH_LOAD_TODAY", "2026-06-30"))
_original = timezone.localdate


def _localdate(value=None, timezone=None):
    if value is None:
        return TODAY
    return _original(value, timezone)


timezone.localdate = _localdate
