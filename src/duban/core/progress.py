"""Progress of long work (the check or the commit of a large import), readable by every web
process while the work runs in another.

Kept in the "progress" cache (files under DUBAN_DATA_DIR), not in the database: a commit
writes inside one transaction, and on SQLite no other connection may write meanwhile.
"""

import time
from collections.abc import Iterable, Iterator

from django.core.cache import caches

STALE_AFTER = 120  # seconds without news or heartbeat: the process doing the work stopped
KEEP = 24 * 3600
EVERY = 1000  # rows between two reports of a tracked loop


class Progress:
    """Report ``(stage, done, total)`` under ``key``; writes at most every ``every`` seconds."""

    def __init__(self, key: str, *, every: float = 0.5):
        self.key, self.every, self._last = key, every, 0.0

    def __call__(self, stage: str, done: int = 0, total: int = 0, *, force: bool = False):
        now = time.monotonic()
        if force or now - self._last >= self.every:
            self._last = now
            news = {"stage": stage, "done": done, "total": total, "at": time.time()}
            caches["progress"].set(self.key, news, timeout=KEEP)

    def track(self, items: Iterable, stage: str, total: int) -> Iterator:
        """Yield ``items``, reporting how many went by."""
        self(stage, 0, total, force=True)
        for done, item in enumerate(items, start=1):
            if done % EVERY == 0:
                self(stage, done, total)
            yield item
        self(stage, total, total, force=True)

    def read(self) -> dict | None:
        return caches["progress"].get(self.key)

    def beat(self) -> None:
        """Say the work is alive, between two reports (a long query, a lock, the COMMIT)."""
        caches["progress"].set(f"{self.key}:beat", time.time(), timeout=KEEP)

    def lost(self, started: float) -> bool:
        """No news nor heartbeat for STALE_AFTER seconds since ``started`` (a timestamp)."""
        news, beat = self.read(), caches["progress"].get(f"{self.key}:beat")
        last = max(started, news["at"] if news else started, beat or started)
        return time.time() - last > STALE_AFTER

    def clear(self) -> None:
        caches["progress"].delete_many([self.key, f"{self.key}:beat"])


class NoProgress(Progress):
    """For work nobody watches (the command line, the tests)."""

    def __init__(self):
        super().__init__("")

    def __call__(self, *args, **kwargs):
        pass

    def track(self, items, stage, total):
        return iter(items)

    def read(self):
        return None

    def beat(self):
        pass
