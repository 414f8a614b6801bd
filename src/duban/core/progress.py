"""Progress of long work (the check or the commit of a large import), kept on its batch row
so that every web process, on any machine, reads it while a worker does the work.

The work sets its news in memory; a reporter thread, with its own database connection,
writes it to the row every second and a heartbeat every HEARTBEAT seconds. Its own
connection keeps the writes out of the work's transaction (on PostgreSQL they show while the
commit runs; on SQLite, whose commit holds the only write lock, they wait for it). A run
whose row shows no sign of life for STALE_AFTER seconds died with its worker.
"""

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

STALE_AFTER = 120  # seconds without a sign of life: the worker doing the work stopped
HEARTBEAT = 15  # seconds between two heartbeats
FLUSH = 1.0  # seconds between two writes of news
EVERY = 1000  # rows between two reports of a tracked loop
QUEUED = "queued"  # the stage of a run waiting for a worker


class Progress:
    """Report ``(stage, done, total)`` of one run of a batch (its claim's stamp)."""

    def __init__(self, batch):
        self.batch_pk, self.stamp = batch.pk, batch.started_at
        self.news = {"stage": "read", "done": 0, "total": 0}
        self._lock = threading.Lock()
        self._written = None

    def __call__(self, stage: str, done: int = 0, total: int = 0, *, force: bool = False):
        with self._lock:
            self.news = {"stage": stage, "done": done, "total": total}

    def track(self, items: Iterable, stage: str, total: int) -> Iterator:
        """Yield ``items``, reporting how many went by."""
        self(stage, 0, total)
        for done, item in enumerate(items, start=1):
            if done % EVERY == 0:
                self(stage, done, total)
            yield item
        self(stage, total, total)

    @contextmanager
    def reporting(self):
        """While the work runs, write its news and heartbeat to the batch row."""
        done = threading.Event()
        self._write(beat=True)
        reporter = threading.Thread(target=self._report, args=(done,), daemon=True)
        reporter.start()
        try:
            yield self
        finally:
            done.set()
            reporter.join(timeout=5)

    def _report(self, done: threading.Event) -> None:
        last_beat = time.monotonic()
        try:
            while not done.wait(FLUSH):
                beat = time.monotonic() - last_beat >= HEARTBEAT
                if self._write(beat=beat) and beat:
                    last_beat = time.monotonic()
        finally:
            connection.close()  # this thread's own connection

    def _write(self, *, beat: bool) -> bool:
        from duban.core.models import ImportBatch

        with self._lock:
            news = dict(self.news)
        if news == self._written and not beat:
            return False
        fields = {"progress": news} | ({"beat": timezone.now()} if beat else {})
        try:
            ImportBatch.objects.filter(pk=self.batch_pk, started_at=self.stamp).update(**fields)
        except Exception:  # a locked database (SQLite, during the commit): try again later
            logger.debug("progress of batch %s not written", self.batch_pk, exc_info=True)
            return False
        self._written = news
        return True


class NoProgress(Progress):
    """For work nobody watches (the command line, the tests, a small file in the request)."""

    def __init__(self):
        self.news = {}

    def __call__(self, *args, **kwargs):
        pass

    def track(self, items, stage, total):
        return iter(items)

    @contextmanager
    def reporting(self):
        yield self


def is_lost(batch, now: dt.datetime | None = None) -> bool:
    """A run that has started and shows no sign of life for STALE_AFTER seconds."""
    if batch.progress.get("stage") == QUEUED:
        return False  # waiting for a worker: not started, so not lost
    last = max(filter(None, [batch.started_at, batch.beat]))
    return ((now or timezone.now()) - last).total_seconds() > STALE_AFTER


def waiting_long(batch, now: dt.datetime | None = None) -> bool:
    """Queued for a while with no worker taking it: is `duban worker` running?"""
    waited = ((now or timezone.now()) - batch.started_at).total_seconds()
    return batch.progress.get("stage") == QUEUED and waited > STALE_AFTER / 2
