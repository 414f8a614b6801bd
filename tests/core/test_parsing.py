"""Money and dates as people type them (issue 4): a table of awkward inputs."""

import datetime as dt
from decimal import Decimal

from django.test import SimpleTestCase

from duban.core.parsing import ParseError, parse_date, parse_money, parse_text

D = Decimal


class MoneyTests(SimpleTestCase):
    CASES = [
        ("¥1,234.50", D("1234.50")),
        ("￥1，234.5", D("1234.50")),
        ("12.5万", D("125000.00")),
        ("3.2亿", D("320000000.00")),
        ("（1,000.00）", D("-1000.00")),
        ("(1,000.00)", D("-1000.00")),
        ("-3,200元", D("-3200.00")),
        ("  860000 ", D("860000.00")),
        ("１２３．４", D("123.40")),
        ("RMB 1,000", D("1000.00")),
        (1234.5, D("1234.50")),
        (0.1 + 0.2, D("0.30")),
        (125000, D("125000.00")),
        ("1.005", D("1.01")),
        ("", None),
        (None, None),
    ]
    BAD = ["abc", "1.2.3", "12,5万元整", "万", "--5", True]

    def test_awkward_amounts(self):
        for raw, expected in self.CASES:
            with self.subTest(raw=raw):
                self.assertEqual(parse_money(raw), expected)

    def test_nonsense_is_refused_in_chinese(self):
        for raw in self.BAD:
            with self.subTest(raw=raw), self.assertRaises(ParseError) as caught:
                parse_money(raw)
            self.assertIn("无法识别的金额", caught.exception.reason)


class DateTests(SimpleTestCase):
    CASES = [
        ("2026年3月5日", dt.date(2026, 3, 5)),
        ("2026年03月05号", dt.date(2026, 3, 5)),
        ("2026/3/5", dt.date(2026, 3, 5)),
        ("2026.3.5", dt.date(2026, 3, 5)),
        ("2026-03-05", dt.date(2026, 3, 5)),
        ("2026-03-05 00:00:00", dt.date(2026, 3, 5)),
        ("20260305", dt.date(2026, 3, 5)),
        ("２０２６年３月５日", dt.date(2026, 3, 5)),
        (46086, dt.date(2026, 3, 5)),
        (46086.0, dt.date(2026, 3, 5)),
        (dt.datetime(2026, 3, 5, 14, 0), dt.date(2026, 3, 5)),  # noqa: DTZ001 (Excel dates are naive)
        (dt.date(2026, 3, 5), dt.date(2026, 3, 5)),
        ("", None),
    ]
    BAD = ["2026年13月40日", "2026-02-30", "下周一", "3/5/2026", 12, 46086.5, "2026"]

    def test_awkward_dates(self):
        for raw, expected in self.CASES:
            with self.subTest(raw=raw):
                self.assertEqual(parse_date(raw), expected)

    def test_impossible_dates_are_refused_in_chinese(self):
        for raw in self.BAD:
            with self.subTest(raw=raw), self.assertRaises(ParseError) as caught:
                parse_date(raw)
            self.assertIn("无法识别的日期", caught.exception.reason)


class TextTests(SimpleTestCase):
    def test_numbers_stored_as_floats_read_back_as_codes(self):
        self.assertEqual(parse_text(20260001.0), "20260001")
        self.assertEqual(parse_text("  INV-1 "), "INV-1")

    def test_too_long_is_refused(self):
        with self.assertRaisesMessage(ParseError, "最多 5 个字"):
            parse_text("一二三四五六", max_length=5)


class MoneyLimitTests(SimpleTestCase):
    def test_money_beyond_the_column_is_refused(self):
        for raw in ["12345678901234567890.12", "1234567890123456", 1e20, 10**15, "100000000万"]:
            with self.subTest(raw=raw), self.assertRaises(ParseError) as caught:
                parse_money(raw)
            self.assertIn("金额超出范围", caught.exception.reason)

    def test_not_a_number_is_refused(self):
        for raw in [float("nan"), float("inf"), float("-inf")]:
            with self.subTest(raw=raw), self.assertRaises(ParseError) as caught:
                parse_money(raw)
            self.assertIn("无法识别的金额", caught.exception.reason)

    def test_the_largest_amount_passes(self):
        self.assertEqual(parse_money("999,999,999,999.99"), Decimal("999999999999.99"))
        self.assertEqual(parse_money(-999999999999.99), Decimal("-999999999999.99"))


class PhoneTests(SimpleTestCase):
    """Issue 11: phone numbers as offices write them, in one form."""

    CASES = [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678.0, "13812345678"),
        ("13812345678.0", "13812345678"),
        ("010-12345678", "010-12345678"),
        ("(021)1234 5678", "021-12345678"),
        ("（0755）88886666", "0755-88886666"),
        ("0755-88886666转123", "0755-88886666-123"),
        ("0571 1234567", "0571-1234567"),
        ("400-820-8820", "4008208820"),
        ("", ""),
        (None, ""),
    ]

    def test_every_way_of_writing_a_number_gives_one_form(self):
        from duban.core.parsing import parse_phone

        for raw, expected in self.CASES:
            with self.subTest(raw=raw):
                self.assertEqual(parse_phone(raw), expected)

    def test_what_is_not_a_phone_number_is_refused(self):
        from duban.core.parsing import parse_phone

        for raw in ["12345", "1381234567", "abc", "23812345678", "010-123"]:
            with self.subTest(raw=raw), self.assertRaises(ParseError):
                parse_phone(raw)

    def test_masking(self):
        from duban.core.parsing import mask_phone

        self.assertEqual(mask_phone("13812345678"), "138****5678")
        self.assertEqual(mask_phone("010-12345678"), "010-****5678")
        self.assertEqual(mask_phone("0755-88886666-123"), "0755-****6666")
        self.assertEqual(mask_phone(""), "")
