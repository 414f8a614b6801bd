"""Parts of pages kept for a short while in a cache the server's workers share.

A page that many people open all day (the supervisor's agenda) is computed once per reader and
kept under a *generation*: a token that any change to the rows behind it replaces, so the next
reader computes it afresh. The generation is replaced when a change commits, once per
transaction (a reader who computed from the rows before the commit kept them under a generation
that is gone by then); writes that bypass the models' signals (bulk updates, the tick) call
:func:`changed` themselves. Whatever is missed is bounded by the cache's timeout
(``CACHES["pages"]["TIMEOUT"]``, a minute), which also ages what depends on the clock (a
check-in past its agreed time).

The cache is a folder of files under the data directory (every worker and process of one
installation sees it); a cache that fails (disk full, permissions) is a miss, never an error.
"""

import hashlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from functools import partial

from django.core.cache import caches
from django.db import connection, transaction

log = logging.getLogger(__name__)

CACHE = "pages"

# changes this process made inside transactions: part of the key, so that a reader here never
# takes a page kept from before them (other processes see them only once committed)
_uncommitted: defaultdict[str, int] = defaultdict(int)


def _cache():
    return caches[CACHE]


def _database() -> str:
    """A short name of the database the rows come from: two installations (or test runs)
    sharing a folder never share pages, and a path with spaces makes no odd key."""
    return hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]


def _generation_key(name: str) -> str:
    return f"{_database()}:generation:{name}"


def _bump(name: str) -> str:
    token = uuid.uuid4().hex
    try:
        _cache().set(_generation_key(name), token, None)
    except OSError:
        log.warning("page cache: could not replace the generation of %s", name, exc_info=True)
    return token


def changed(name: str) -> None:
    """The rows behind the pages kept as ``name`` changed. Outside a transaction the change
    is committed: the generation is replaced now. Inside one, this process's readers (who may
    see the rows before the commit) compute afresh at once, and the generation is replaced at
    the commit, once however many rows the transaction changed."""
    if not connection.in_atomic_block:
        _bump(name)
        return
    _uncommitted[name] += 1
    if not any(getattr(entry[1], "page_cache", None) == name for entry in connection.run_on_commit):
        bump = partial(_bump, name)
        bump.page_cache = name
        transaction.on_commit(bump)


def kept(name: str, parts: tuple, compute: Callable[[], str]) -> str:
    """The text ``compute()`` returns, kept under ``name``, ``parts`` (whatever the text
    depends on besides the rows: the reader, the day, the language …) and the generation."""
    try:
        generation = _cache().get(_generation_key(name)) or _bump(name)
        local = str(_uncommitted[name])
        key = ":".join([_database(), name, generation, local, *(str(p) for p in parts)])
        found = _cache().get(key)
    except OSError:
        log.warning("page cache: could not read %s", name, exc_info=True)
        return compute()
    if found is not None:
        return found
    text = compute()
    try:
        _cache().set(key, text)
    except OSError:
        log.warning("page cache: could not keep %s", name, exc_info=True)
    return text


def forget() -> None:
    """Drop every page kept (the database was replaced under them)."""
    try:
        _cache().clear()
    except OSError:
        log.warning("page cache: could not clear", exc_info=True)
