"""Dates outside the years Duban takes (1900–2100) are refused in every form and every file,
never a 500 (issue 18, defect 7)."""

import datetime as dt

from django import forms
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from duban.aftersales.importers import parse_moment
from duban.core.forms import within_date_bounds
from duban.core.parsing import ParseError, parse_date
from duban.supervision.models import Matter
from tests.base import BaseTestCase


class ParsedDateTests(SimpleTestCase):
    def test_a_file_s_date_beyond_the_years_is_refused_naming_them(self):
        naive = dt.datetime(9999, 12, 31)  # noqa: DTZ001 - as a spreadsheet gives it
        for value in ["1899-12-31", "2101-01-01", "0001-01-01", naive]:
            with self.subTest(value=value), self.assertRaisesMessage(ParseError, "1900 年到 2100"):
                parse_date(value)
        self.assertEqual(parse_date("1900-01-01"), dt.date(1900, 1, 1))
        self.assertEqual(parse_date("2100年12月31日"), dt.date(2100, 12, 31))

    def test_a_report_time_beyond_the_years_is_refused(self):
        with self.assertRaisesMessage(ParseError, "日期超出范围"):
            parse_moment(dt.datetime(1, 1, 1, 0, 30))  # noqa: DTZ001

    @override_settings(EARLIEST_YEAR=2000, LATEST_YEAR=2030)
    def test_the_years_are_a_setting(self):
        with self.assertRaisesMessage(ParseError, "2000 年到 2030"):
            parse_date("1999-12-31")


class FormDateTests(SimpleTestCase):
    def test_every_date_field_of_every_form_checks_the_years(self):
        for field in (forms.DateField(), forms.DateTimeField(), forms.SplitDateTimeField()):
            with self.subTest(field=type(field).__name__):
                bad = (
                    ["0001-01-01", "00:00"]
                    if isinstance(field, forms.SplitDateTimeField)
                    else "0001-01-01"
                )
                with self.assertRaisesMessage(
                    forms.ValidationError, "日期应在 1900 年到 2100 年之间"
                ):
                    field.clean(bad)
        self.assertIn(within_date_bounds, forms.DateField().validators)


class DateViewTests(BaseTestCase):
    def test_a_matter_rescheduled_to_year_one_is_refused_not_a_500(self):
        self.client.force_login(self.supervisor)
        page = self.client.post(
            reverse("supervision:matter_reschedule", args=[self.matter_a.pk]),
            {"agreed_at": "0001-01-01T00:30", "reason": "试试"},
        )
        self.assertLess(page.status_code, 500)
        self.assertIsNone(Matter.objects.get(pk=self.matter_a.pk).agreed_at)

    def test_a_list_filtered_by_a_date_in_year_one_answers(self):
        self.client.force_login(self.supervisor)
        for name, params in [
            ("supervision:checkin_list", {"date_after": "0001-01-01", "date_before": "9999-12-31"}),
            ("supervision:matter_list", {"deadline_after": "0001-01-01"}),
        ]:
            with self.subTest(list=name):
                self.assertEqual(self.client.get(reverse(name), params).status_code, 200)
