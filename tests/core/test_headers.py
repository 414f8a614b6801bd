"""Security headers and private files (issue 18, defect 10)."""

import re
import stat
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import SimpleTestCase
from django.urls import reverse

from tests.base import BaseTestCase

SOURCE = Path(__file__).resolve().parents[2] / "src" / "duban"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


class HeaderTests(BaseTestCase):
    def test_pages_carry_the_content_security_policy(self):
        self.client.force_login(self.supervisor)
        policy = self.client.get(reverse("supervision:agenda"))["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        self.assertEqual(directives["script-src"], "'self'")  # no inline script, no eval
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertEqual(directives["object-src"], "'none'")

    def test_every_page_says_what_it_may_use_of_the_browser(self):
        page = self.client.get(reverse("login"))
        self.assertIn("camera=()", page["Permissions-Policy"])
        self.assertIn("geolocation=()", page["Permissions-Policy"])

    def test_a_signed_in_page_or_file_is_not_kept_by_a_browser_or_proxy(self):
        self.client.force_login(self.lead_a)
        for url in [reverse("receivables:receivable_list"), self.receivable_a.get_absolute_url()]:
            with self.subTest(url=url):
                self.assertIn("no-store", self.client.get(url)["Cache-Control"])
        export = self.client.get(reverse("receivables:receivable_list"), {"export": "xlsx"})
        self.assertIn("no-store", export["Cache-Control"])

    def test_the_calendar_feed_keeps_its_own_caching(self):
        from duban.supervision.models import CalendarFeed

        feed, _created = CalendarFeed.objects.get_or_create(user=self.supervisor)
        answer = self.client.get(feed.get_absolute_url())
        self.assertEqual(answer["Cache-Control"], "private, max-age=300")


class TemplateScriptTests(SimpleTestCase):
    def test_no_template_has_an_inline_script_or_event_handler(self):
        found = []
        for path in sorted(SOURCE.rglob("*.html")):
            text = path.read_text()
            found += [
                f"{path.relative_to(SOURCE)}: {m.group(0)}" for m in INLINE_SCRIPT.finditer(text)
            ]
            found += [
                f"{path.relative_to(SOURCE)}: {m.group(0)}" for m in EVENT_HANDLER.finditer(text)
            ]
        self.assertEqual(found, [], "use static/duban/duban.js and data attributes")


class PrivateFileTests(BaseTestCase):
    def test_uploads_are_readable_by_duban_only(self):
        name = default_storage.save("imports/test-private.csv", ContentFile(b"a,b\n1,2\n"))
        try:
            mode = stat.S_IMODE(Path(default_storage.path(name)).stat().st_mode)
            self.assertEqual(mode, 0o600)
        finally:
            default_storage.delete(name)

    def test_the_sqlite_database_is_readable_by_duban_only(self):
        if connection.vendor != "sqlite":
            self.skipTest("SQLite only")
        database = Path(settings.DATA_DIR) / "duban.sqlite3"
        self.assertEqual(stat.S_IMODE(database.stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(Path(settings.DATA_DIR).stat().st_mode) & 0o077, 0)
