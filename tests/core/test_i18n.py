"""The English catalogue is complete and its compiled .mo matches the .po (issue 2)."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.test import SimpleTestCase

import duban

LOCALE = Path(duban.__file__).parent / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def catalog_entries():
    with PO.open("rb") as f:
        return [m for m in read_po(f) if m.id]


class EnglishCatalogueTests(SimpleTestCase):
    def test_every_string_has_an_english_translation(self):
        untranslated = [m.id for m in catalog_entries() if not m.string or "fuzzy" in m.flags]
        self.assertEqual(untranslated, [])

    def test_the_compiled_catalogue_matches_the_source(self):
        with MO.open("rb") as f:
            compiled = gettext.GNUTranslations(f)
        for message in catalog_entries():
            if isinstance(message.id, tuple):
                continue
            key = f"{message.context}\x04{message.id}" if message.context else message.id
            with self.subTest(msgid=message.id):
                self.assertEqual(compiled._catalog.get(key), message.string)

    @pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
    def test_no_string_of_the_code_is_missing_from_the_catalogue(self):
        known = {message_key(m) for m in catalog_entries()}
        original = PO.read_bytes()
        try:
            result = subprocess.run(
                [sys.executable, "-m", "duban", "makemessages", "--locale", "en", "-v", "0"],
                cwd=LOCALE.parent,
                capture_output=True,
                text=True,
                env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            )
            current = {message_key(m) for m in catalog_entries()}
        finally:
            PO.write_bytes(original)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(sorted(current - known), [], "run `make messages` and translate these")


def message_key(message):
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])
