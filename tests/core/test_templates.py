"""Numbers that name a record (a primary key, a page) are written in templates unlocalized:
with thousands separators on, Django writes 1088 as "1,088", and a link ?employee=1,088 finds
nothing once a table passes a thousand rows (as on PostgreSQL, whose ids keep rising)."""

import re
from pathlib import Path

from django.template import Context, Template
from django.test import SimpleTestCase

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "duban"
BARE_KEY = re.compile(r"\{\{\s*[A-Za-z_][\w.]*(?:\.pk|_id|\.id|page_number)\s*\}\}")


class UnlocalizedKeyTests(SimpleTestCase):
    def test_no_template_writes_a_key_with_thousands_separators(self):
        found = [
            f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
            for path in sorted(TEMPLATES.rglob("*.html"))
            for match in BARE_KEY.finditer(path.read_text())
        ]
        self.assertEqual(found, [], "write these as {{ x.pk|unlocalize }} ({% load l10n %})")

    def test_why_a_key_needs_unlocalize(self):
        page = Template("{% load l10n %}{{ pk }} {{ pk|unlocalize }}").render(Context({"pk": 1088}))
        self.assertEqual(page, "1,088 1088")
