"""Each distinct cell of a column is parsed once per file; a bad cell is an error on every
line that has it."""

from django.test import SimpleTestCase

from duban.core.importing import Column, Importer
from duban.core.parsing import ParseError
from duban.core.progress import NoProgress


class Counting:
    def __init__(self):
        self.calls = []

    def __call__(self, value):
        self.calls.append(value)
        if value == "坏":
            raise ParseError("不认识")
        return None if value is None else str(value).upper()


class CellsImporter(Importer):
    def __init__(self, parse):
        self.columns = [Column("code", "代码", (), parse, True), Column("size", "数量", (), parse)]

    def compare(self, rows, preview, *, progress):
        preview.new = rows


class ParsedOnceTests(SimpleTestCase):
    def preview(self, body: str):
        parse = Counting()
        data = ("代码,数量\n" + body).encode()
        return CellsImporter(parse).preview(data, "t.csv", progress=NoProgress()), parse

    def test_a_repeated_cell_is_parsed_once_and_read_alike_on_every_line(self):
        preview, parse = self.preview("a,1\na,1\nb,1\na,2\n")
        self.assertEqual([r.values["code"] for r in preview.new], ["A", "A", "B", "A"])
        self.assertEqual(sorted(parse.calls, key=str), ["1", "2", "a", "b"])

    def test_a_bad_cell_is_an_error_on_each_of_its_lines(self):
        preview, _parse = self.preview("坏,1\na,1\n坏,1\n")
        self.assertEqual(
            [(e.line, e.column, e.reason) for e in preview.errors][:2],
            [
                (2, "代码", "不认识"),
                (4, "代码", "不认识"),
            ],
        )
