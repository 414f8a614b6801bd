"""Test settings: duban.settings with a throw-away data folder, plain HTTP and a fast hasher."""

import os

from tests.scratch import scratch_folder

if "DUBAN_DATA_DIR" not in os.environ:
    os.environ["DUBAN_DATA_DIR"] = str(scratch_folder())
os.environ["DUBAN_HTTPS"] = "false"

from duban.settings import *  # noqa: E402, F403
from duban.settings import CACHES, STATIC_ROOT, STORAGES  # noqa: E402

STATIC_ROOT.mkdir(exist_ok=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# pages are computed on every request, as their tests read what was computed (the page cache
# has its own tests: tests/core/test_pagecache.py)
CACHES = {**CACHES, "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
