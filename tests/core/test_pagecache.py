"""The page cache: text kept per generation, replaced on change and on commit, never an error."""

import tempfile
from unittest import mock

from django.core.cache import caches
from django.test import TestCase, override_settings

from duban.core import pagecache


def file_cache():
    """The production backend, in a folder of the test's own."""
    folder = tempfile.mkdtemp()
    return override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "pages": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": folder,
                "TIMEOUT": 60,
            },
        }
    )


class KeptTests(TestCase):
    def setUp(self):
        overridden = file_cache()
        overridden.enable()
        self.addCleanup(overridden.disable)
        self.calls = 0

    def compute(self):
        self.calls += 1
        return f"text {self.calls}"

    def test_the_text_is_computed_once_then_kept(self):
        self.assertEqual(pagecache.kept("page", ("a", 1), self.compute), "text 1")
        self.assertEqual(pagecache.kept("page", ("a", 1), self.compute), "text 1")
        self.assertEqual(self.calls, 1)

    def test_other_parts_are_kept_apart(self):
        pagecache.kept("page", ("a", 1), self.compute)
        self.assertEqual(pagecache.kept("page", ("b", 1), self.compute), "text 2")
        self.assertEqual(pagecache.kept("other", ("a", 1), self.compute), "text 3")

    def test_a_change_computes_it_again(self):
        pagecache.kept("page", ("a",), self.compute)
        pagecache.changed("page")
        self.assertEqual(pagecache.kept("page", ("a",), self.compute), "text 2")
        pagecache.changed("other")
        self.assertEqual(pagecache.kept("page", ("a",), self.compute), "text 2")

    def test_what_was_kept_during_a_transaction_is_dropped_at_its_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            pagecache.changed("page")
            # a reader computing from the rows as they were before the commit
            pagecache.kept("page", ("a",), self.compute)
        self.assertEqual(pagecache.kept("page", ("a",), self.compute), "text 2")

    def test_a_failing_cache_computes_every_time_and_raises_nothing(self):
        with mock.patch.object(type(caches["pages"]), "get", side_effect=OSError("disk")):
            self.assertEqual(pagecache.kept("page", ("a",), self.compute), "text 1")
            self.assertEqual(pagecache.kept("page", ("a",), self.compute), "text 2")
        with mock.patch.object(type(caches["pages"]), "set", side_effect=OSError("full")):
            pagecache.changed("page")
            self.assertEqual(pagecache.kept("page", ("a",), self.compute), "text 3")

    def test_forget_drops_everything_kept(self):  # after duban restore
        pagecache.kept("page", ("a",), self.compute)
        pagecache.forget()
        self.assertEqual(pagecache.kept("page", ("a",), self.compute), "text 2")
