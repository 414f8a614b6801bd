"""The rows a check keeps for its commit: read back exactly, and only as they are needed."""

import datetime as dt
import io
from decimal import Decimal
from unittest import mock

from django.test import SimpleTestCase

from duban.core import importing
from duban.core.importing import Preview, Row, decode_preview, encode_preview


def row(line, number, team, amount="1.00", due=None):
    values = {"number": number, "team_id": team, "amount": Decimal(amount), "due": due}
    return Row(line, values, [], {})


def kept(preview, **kwargs) -> bytes:
    target = io.BytesIO()
    encode_preview(preview, target, **kwargs)
    return target.getvalue()


@mock.patch.object(importing, "ENCODE_CHUNK", 2)
class KeptRowsTests(SimpleTestCase):
    def setUp(self):
        self.preview = Preview(
            new=[row(n + 2, f"N{n}", n % 3, f"{n}.50", dt.date(2026, 3, n + 1)) for n in range(5)],
            changed=[row(9, "C1", 7)],
            unchanged=[row(10, "U1", 1), row(11, "U2", 2, due=dt.date(2026, 4, 1))],
        )

    def test_every_row_comes_back_with_its_outcome_line_and_exact_values(self):
        back = decode_preview(kept(self.preview))
        for outcome in ("new", "changed", "unchanged"):
            with self.subTest(outcome):
                rows = getattr(back, outcome)
                self.assertEqual(len(rows), len(getattr(self.preview, outcome)))
                self.assertEqual(
                    [(r.line, r.values) for r in rows],
                    [(r.line, r.values) for r in getattr(self.preview, outcome)],
                )
        self.assertEqual(back.new[4].values["amount"], Decimal("4.50"))
        self.assertEqual(back.counts(), self.preview.counts())

    def test_rows_are_decoded_a_chunk_at_a_time_as_they_are_read(self):
        decoded = []
        loads = importing.orjson.loads
        with mock.patch.object(
            importing.orjson, "loads", side_effect=lambda data: decoded.append(data) or loads(data)
        ):
            back = decode_preview(kept(self.preview))
            self.assertEqual(len(decoded), 1)  # the header only
            self.assertEqual(len(back.new), 5)  # counted without decoding
            first = next(iter(back.new))
            self.assertEqual(len(decoded), 2)  # one chunk of two rows
            self.assertEqual(first.values["number"], "N0")
            self.assertEqual([r.values["number"] for r in back.new], [f"N{n}" for n in range(5)])
            self.assertEqual(len(decoded), 4)  # five rows: three chunks
            self.assertEqual([r.values["number"] for r in back.new][2], "N2")
            self.assertEqual(len(decoded), 4)  # read again: not decoded again

    def test_the_distinct_values_of_the_rows_to_write_are_kept_for_the_commit(self):
        back = decode_preview(kept(self.preview, distinct=("team_id",)))
        with mock.patch.object(importing.orjson, "loads", side_effect=AssertionError):
            self.assertEqual(back.distinct("team_id"), {0, 1, 2, 7})  # unchanged rows not in it
        self.assertEqual(self.preview.distinct("team_id"), {0, 1, 2, 7})  # and unkept, the same
        self.assertEqual(back.distinct("number"), {"N0", "N1", "N2", "N3", "N4", "C1"})

    def test_rows_kept_in_another_format_or_cut_short_are_refused(self):
        data = kept(self.preview)
        for bad in [
            b'[["number"],[[0,2,"INV-001"]],{}]',  # the format before this one
            data.rsplit(b"\n", 1)[0],  # the last line lost
            data + b"\n[]",
        ]:
            with self.subTest(bad[:20]), self.assertRaises(ValueError):
                decode_preview(bad)

    def test_nothing_to_keep_is_kept_as_nothing(self):
        back = decode_preview(kept(Preview()))
        self.assertEqual(back.counts(), {"new": 0, "changed": 0, "unchanged": 0, "errors": 0})
        self.assertEqual(list(back.new), [])
