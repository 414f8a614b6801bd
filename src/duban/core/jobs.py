"""Work that outlives its request: run in a thread of the web process, which reports its
progress (duban.core.progress) and records its own outcome in the database.

A thread, not a queue: Duban runs as one small service, and the work (checking or writing a
large table) takes seconds. If the process stops meanwhile, the work is lost, not half done:
its writes are one transaction, and the pages offer to start again once its progress is stale.
"""

import logging
import threading
from collections.abc import Callable

from django.db import connections

logger = logging.getLogger(__name__)
_running: set[threading.Thread] = set()


HEARTBEAT = 15  # seconds between two calls of a background work's ``beat``


def start(work: Callable, *, background: bool, name: str, beat: Callable | None = None) -> None:
    """Run ``work()`` now, or in a thread when ``background``, calling ``beat()`` every
    HEARTBEAT seconds meanwhile. Either way the work's exceptions are logged, not raised: the
    work records its outcome where its page will show it."""
    if not background:
        try:
            work()
        except Exception:
            logger.exception("work %s failed", name)
        return
    thread = threading.Thread(target=_run, args=(work, name, beat), name=name)  # not a daemon:
    _running.add(thread)  # a graceful restart of the web process waits for it
    thread.start()


def _run(work: Callable, name: str, beat: Callable | None) -> None:
    done = threading.Event()
    if beat is not None:
        pulse = threading.Thread(target=_pulse, args=(beat, done), name=f"{name}-beat")
        pulse.daemon = True
        pulse.start()
    try:
        work()
    except Exception:
        logger.exception("background work %s failed", name)
    finally:
        done.set()
        connections.close_all()  # this thread's own connections
        _running.discard(threading.current_thread())


def _pulse(beat: Callable, done: threading.Event) -> None:
    while not done.wait(HEARTBEAT):
        try:
            beat()
        except Exception:
            logger.exception("heartbeat failed")


def wait(timeout: float | None = None) -> None:
    """Wait for the background work started by this process (tests, shutdown)."""
    for thread in list(_running):
        thread.join(timeout)
