"""The project formats module fixes Django's zh_Hans date input and thousands separator."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.test import SimpleTestCase
from django.utils import formats, translation


class ZhHansFormatTests(SimpleTestCase):
    def test_a_date_field_accepts_chinese_and_slashed_dates(self):
        with translation.override("zh-hans"):
            for raw in ["2026年3月5日", "2026/3/5", "2026-03-05", "2026.3.5"]:
                with self.subTest(raw=raw):
                    field = forms.DateField(localize=True)
                    self.assertEqual(field.clean(raw), dt.date(2026, 3, 5))

    def test_money_shows_thousands_separators(self):
        with translation.override("zh-hans"):
            shown = formats.number_format(
                Decimal("1234567.5"), 2, use_l10n=True, force_grouping=True
            )
        self.assertEqual(shown, "1,234,567.50")

    def test_dates_show_in_chinese(self):
        with translation.override("zh-hans"):
            self.assertEqual(formats.date_format(dt.date(2026, 3, 5)), "2026年3月5日")
