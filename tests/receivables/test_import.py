"""Importing the AR table: all or nothing, every error named, no duplicates (issue 4)."""

import datetime as dt
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from duban.core.importing import MappingRequired
from duban.core.models import ImportBatch
from duban.core.services import (
    import_abandon,
    import_apply,
    import_check,
    import_claim,
    import_commit,
    import_preview,
    import_recheck,
    import_stage,
)
from duban.partners.models import Partner
from duban.receivables.importers import ReceivableImporter, TableImporter
from duban.receivables.models import Receivable
from duban.supervision.models import TableVersion
from tests.base import BaseTestCase

HEADER = "序号,客户名称,发票号码,团队,负责主管,开票日期,到期日,金额（元）,已回款,备注\n"
GOOD = [
    '1,甲公司,INV-001,电销一组,维盛,2026年1月5日,2026/2/4,"¥12,500.00",0,\n',
    '2,乙公司,INV-002,电销一组,,2026.1.20,2026-02-19,12.5万,"5,000",月底回款\n',
]


TODAY = dt.date(2026, 3, 1)


def csv(*lines, encoding="utf-8") -> bytes:
    return (HEADER + "".join(lines)).encode(encoding)


class ImportTests(BaseTestCase):
    def preview(self, data, user=None, filename="应收.csv", mapping=None):
        return import_preview(
            importer=ReceivableImporter(user or self.lead_a),
            data=data,
            filename=filename,
            kind="receivables",
            by=user or self.lead_a,
            mapping=mapping,
        )

    def commit(self, data, user=None):
        batch, preview = self.preview(data, user)
        self.assertTrue(preview.ok, [str(e) for e in preview.errors])
        return import_commit(importer=ReceivableImporter(user or self.lead_a), batch=batch)

    def test_a_good_file_imports_with_parsed_money_dates_and_customers(self):
        self.commit(csv(*GOOD))
        first = Receivable.objects.get(number="INV-001")
        self.assertEqual(
            (first.amount, first.outstanding), (Decimal("12500.00"), Decimal("12500.00"))
        )
        self.assertEqual(first.due_date, dt.date(2026, 2, 4))
        self.assertEqual(first.lead, self.lead_a)
        second = Receivable.objects.get(number="INV-002")
        self.assertEqual(
            (second.amount, second.paid, second.outstanding),
            (Decimal("125000.00"), Decimal("5000.00"), Decimal("120000.00")),
        )
        self.assertEqual(set(Partner.objects.values_list("name", flat=True)), {"甲公司", "乙公司"})
        batch = ImportBatch.objects.get()
        self.assertEqual((batch.status, batch.counts["new"]), ("committed", 2))

    def test_one_bad_row_saves_nothing_and_every_error_is_named(self):
        bad = [
            "3,丙公司,INV-003,电销一组,,2026年13月40日,2026-03-01,100,0,\n",
            "4,丁公司,INV-004,电销一组,王立霞,2026-01-01,2026-03-01,100,0,\n",
            "5,戊公司,INV-001,电销二组,,2026-01-01,2026-03-01,100,200,\n",
            "6,己公司,INV-006,电销一组,,2026-01-01,2026-03-01,abc,0,\n",
        ]
        batch, preview = self.preview(csv(*GOOD, *bad))
        messages = [str(e) for e in preview.errors]
        self.assertIn('第 4 行「开票日期」：无法识别的日期 "2026年13月40日"', messages)
        self.assertIn("第 5 行「负责主管」：王立霞 不是 电销一组 的主管", messages)
        self.assertTrue(any(m.startswith("第 6 行「团队」") for m in messages))  # not lead_a's team
        self.assertIn('第 7 行「金额（元）」：无法识别的金额 "abc"', messages)
        before = (Receivable.objects.count(), Partner.objects.count())
        with self.assertRaises(AssertionError):
            self.commit(csv(*GOOD, *bad))
        self.assertEqual((Receivable.objects.count(), Partner.objects.count()), before)

    def test_errors_come_in_row_then_column_order_and_a_bad_cell_is_not_also_empty(self):
        data = (
            "客户名称,单号,团队,应收金额,到期日\n"
            "甲,X-1,电销一组,abc,2026-13-01\n"
            ",X-2,电销一组,100,2026-03-01\n"
            "乙,,电销一组,,x\n"
        ).encode()
        _, preview = self.preview(data)
        self.assertEqual(
            [str(e) for e in preview.errors],
            [
                '第 2 行「应收金额」：无法识别的金额 "abc"',
                '第 2 行「到期日」：无法识别的日期 "2026-13-01"',
                "第 3 行「客户名称」：必填，不能为空",
                "第 4 行「单号」：必填，不能为空",
                "第 4 行「应收金额」：必填，不能为空",
                '第 4 行「到期日」：无法识别的日期 "x"',
            ],
        )

    def test_paid_plus_outstanding_must_make_the_amount(self):
        data = ("客户名称,单号,团队,应收金额,已回款,未回款\n甲,X-1,电销一组,100,30,80\n").encode()
        _, preview = self.preview(data)
        self.assertEqual(
            [str(e) for e in preview.errors],
            ["第 2 行「未回款」：已回款 30.00 加未回款 80.00 不等于应收金额 100.00"],
        )

    def test_an_amount_beyond_the_column_is_refused_with_its_cell_named(self):
        data = (
            "客户名称,单号,团队,应收金额,已回款\n"
            "甲,X-1,电销一组,12345678901234567890.12,0\n"
            "甲,X-2,电销一组,1234567890123456,0\n"
            "甲,X-3,电销一组,999999999999.99,1e400\n"
            "甲,X-4,电销一组,100,NaN\n"
        ).encode()
        _, preview = self.preview(data)
        messages = [str(e) for e in preview.errors]
        self.assertEqual(len(messages), 4, messages)
        self.assertTrue(messages[0].startswith('第 2 行「应收金额」：金额超出范围 "1234567890123'))
        self.assertTrue(messages[1].startswith("第 3 行「应收金额」：金额超出范围"))
        self.assertTrue(messages[2].startswith("第 4 行「已回款」："))
        self.assertEqual(messages[3], '第 5 行「已回款」：无法识别的金额 "NaN"')
        self.assertFalse(Receivable.objects.filter(number__startswith="X-").exists())

    def test_the_largest_amount_a_column_holds_imports_exactly(self):
        data = "客户名称,单号,团队,应收金额\n甲,X-1,电销一组,999999999999.99\n".encode()
        self.commit(data)
        row = Receivable.objects.get(number="X-1")
        self.assertEqual(row.amount, Decimal("999999999999.99"))

    def test_a_duplicate_number_in_the_file_is_an_error(self):
        _, preview = self.preview(csv(GOOD[0], GOOD[0].replace("1,甲", "2,甲")))
        self.assertEqual(
            [str(e) for e in preview.errors], ['第 3 行「发票号码」：与第 2 行重复 "INV-001"']
        )

    def test_gbk_csv_imports(self):
        lines = [line.replace("¥", "￥") for line in GOOD]  # GBK has the full-width sign only
        self.commit(csv(*lines, encoding="gbk"))
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)

    def test_reimporting_the_same_file_creates_no_duplicates(self):
        self.commit(csv(*GOOD))
        batch, preview = self.preview(csv(*GOOD))
        self.assertEqual(preview.counts(), {"new": 0, "changed": 0, "unchanged": 2, "errors": 0})
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)

    def test_a_changed_row_is_updated_and_its_version_bumped(self):
        self.commit(csv(*GOOD))
        changed = GOOD[1].replace('"5,000"', "125000")
        batch, preview = self.preview(csv(GOOD[0], changed))
        self.assertEqual(preview.counts()["changed"], 1)
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        second = Receivable.objects.get(number="INV-002")
        self.assertEqual(
            (second.status, second.outstanding, second.version), ("settled", Decimal("0.00"), 2)
        )

    def test_a_row_changed_by_an_import_shows_what_changed_in_its_history(self):
        from duban.core.history import history_of

        self.commit(csv(*GOOD))  # new rows go in without history of their own
        first = Receivable.objects.get(number="INV-002")
        self.assertFalse(first.history.exists())
        batch, _ = self.preview(csv(GOOD[0], GOOD[1].replace('"5,000"', "125000")), self.admin)
        import_commit(importer=ReceivableImporter(self.admin), batch=batch)
        changed, created = history_of(Receivable.objects.get(number="INV-002"))
        self.assertEqual((created.action, created.who), ("创建", self.lead_a.display_name))
        self.assertEqual(created.reason, "导入 应收.csv")
        self.assertEqual((changed.action, changed.who), ("修改", self.admin.display_name))
        self.assertEqual(changed.reason, "导入 应收.csv")
        shown = {c.field: (c.old, c.new) for c in changed.changes}
        self.assertEqual(shown["已回款"], ("5,000.00", "125,000.00"))
        self.assertEqual(shown["状态"], ("未结清", "已结清"))
        untouched = Receivable.objects.get(number="INV-001")
        self.assertFalse(untouched.history.exists())  # unchanged rows are left alone
        with translation.override("en"):  # kept in no language, said in the reader's
            english = history_of(Receivable.objects.get(number="INV-002"))[0]
        self.assertEqual(english.reason, "Import 应收.csv")

    def test_the_first_edit_of_an_imported_row_on_a_page_shows_what_it_changed(self):
        from duban.core.history import history_of
        from duban.receivables.services import payment_add

        self.commit(csv(*GOOD))
        receivable = Receivable.objects.get(number="INV-001")
        payment_add(receivable=receivable, by=self.lead_a, date=dt.date(2026, 3, 1), amount=100)
        payment_add(receivable=receivable, by=self.lead_a, date=dt.date(2026, 3, 2), amount=100)
        entries = history_of(Receivable.objects.get(number="INV-001"))
        self.assertEqual([e.action for e in entries], ["修改", "修改", "创建"])  # one baseline
        shown = {c.field: (c.old, c.new) for c in entries[1].changes}
        self.assertEqual(shown["已回款"], ("0.00", "100.00"))

    def test_a_batch_is_committed_only_once(self):
        from duban.core.services import ImportAlreadyDone

        batch, _ = self.preview(csv(*GOOD))
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        with self.assertRaises(ImportAlreadyDone):
            import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)

    def test_an_unknown_required_header_asks_for_a_mapping(self):
        data = "客户名称,凭证号,团队,应收金额\n甲,V-1,电销一组,100\n".encode()
        with self.assertRaises(MappingRequired) as caught:
            self.preview(data)
        self.assertIn("单号", str(caught.exception))
        _, preview = self.preview(data, mapping={"1": "number"})
        self.assertEqual(preview.counts()["new"], 1)

    def test_the_lead_of_team_b_cannot_overwrite_team_a_rows(self):
        self.commit(csv(*GOOD))
        row = "1,甲公司,INV-001,电销二组,,2026-01-05,2026-02-04,1,0,\n"
        _, preview = self.preview(csv(row), user=self.lead_b)
        # said as any conflict: the row does not tell whose number it is
        self.assertEqual([e.reason for e in preview.errors], ["单号已被占用"])


class TableVersionTests(BaseTestCase):
    def load(self, lines, as_of):
        importer = TableImporter(self.supervisor, as_of)
        batch, preview = import_preview(
            importer=importer,
            data=csv(*lines),
            filename="账表.csv",
            kind="ar_table",
            by=self.supervisor,
        )
        import_commit(importer=importer, batch=batch)
        return {v.team: v for v in TableVersion.objects.filter(batch=batch)}

    def test_each_import_is_a_version_per_team_with_its_difference_from_the_last(self):
        first = self.load(GOOD, dt.date(2026, 3, 1))[self.team_a]
        self.assertEqual((first.rows, first.new_count), (2, 2))
        self.assertEqual(first.summary["total_outstanding"], "132500.00")
        settled = GOOD[1].replace('"5,000"', "125000")
        third = "3,丙公司,INV-003,电销一组,,2026-03-01,2026-03-31,100,0,\n"
        second = self.load([GOOD[0], settled, third], dt.date(2026, 3, 16))[self.team_a]
        self.assertEqual(second.previous, first)
        self.assertEqual((second.new_count, second.changed_count), (1, 1))
        self.assertEqual(second.summary["settled"], 1)
        self.assertEqual(second.changes["settled"], ["INV-002"])
        self.assertEqual(second.summary["aged"], 1)  # INV-001: 25 → 40 days overdue

    def test_a_team_is_compared_with_its_own_previous_version(self):
        team_b_row = "9,丁公司,INV-B-1,电销二组,,2026-01-05,2026-01-20,500,0,\n"
        self.load([team_b_row], dt.date(2026, 2, 1))
        self.load(GOOD, dt.date(2026, 3, 1))  # team A only: a later version of another team
        again = self.load([team_b_row], dt.date(2026, 3, 16))[self.team_b]
        self.assertEqual(again.previous.as_of, dt.date(2026, 2, 1))
        self.assertEqual(again.summary["aged"], 1)  # 12 → 55 days overdue since team B's last

    def test_a_reimport_that_changes_nothing_is_recorded_as_no_change(self):
        self.load(GOOD, dt.date(2026, 3, 1))
        again = self.load(GOOD, dt.date(2026, 3, 16))[self.team_a]
        self.assertTrue(again.unchanged)
        self.assertEqual((again.rows, again.new_count, again.changed_count), (2, 0, 0))
        self.client.force_login(self.supervisor)
        page = self.client.get(reverse("receivables:version_list"))
        self.assertContains(page, "无变化", count=1)


class CheckThenCommitTests(BaseTestCase):
    def check(self):
        return import_preview(
            importer=ReceivableImporter(self.lead_a),
            data=csv(*GOOD),
            filename="应收.csv",
            kind="receivables",
            by=self.lead_a,
        )

    def test_the_commit_writes_the_checked_rows_without_reading_the_file_again(self):
        batch, _ = self.check()
        self.assertTrue(batch.parsed.name.endswith(".rows.jsonl"))
        batch.file.delete(save=False)  # only the kept rows are left to commit from
        preview = import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        self.assertEqual(preview.counts()["new"], 2)
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.COMMITTED)
        self.assertFalse(batch.parsed)  # kept only until the commit

    def test_a_key_added_meanwhile_refuses_the_commit_until_checked_again(self):
        first, _ = self.check()
        second, _ = self.check()
        import_commit(importer=ReceivableImporter(self.lead_a), batch=first)
        # the second upload was checked as new rows; by its commit they exist already
        import_commit(importer=ReceivableImporter(self.lead_a), batch=second)
        second.refresh_from_db()
        self.assertEqual(second.status, ImportBatch.Status.FAILED)
        self.assertIn("请重新检查后再导入", second.error)
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)
        self.assertTrue(import_recheck(second))
        import_check(importer=ReceivableImporter(self.lead_a), batch=second)
        preview = import_commit(importer=ReceivableImporter(self.lead_a), batch=second)
        self.assertEqual(preview.counts()["unchanged"], 2)

    def test_a_row_edited_since_the_check_is_not_overwritten(self):
        from duban.receivables.services import payment_add

        first, _ = self.check()
        import_commit(importer=ReceivableImporter(self.lead_a), batch=first)
        changed = GOOD[0].replace("12,500.00", "13,000.00")
        batch, preview = import_preview(
            importer=ReceivableImporter(self.lead_a),
            data=csv(changed, GOOD[1]),
            filename="应收.csv",
            kind="receivables",
            by=self.lead_a,
        )
        self.assertEqual(preview.counts()["changed"], 1)
        receivable = Receivable.objects.get(number="INV-001")
        payment_add(receivable=receivable, by=self.lead_a, date=dt.date(2026, 3, 1), amount=100)
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("有 1 行已被他人修改（INV-001）", batch.error)
        receivable.refresh_from_db()
        self.assertEqual((receivable.amount, receivable.paid), (Decimal("12500.00"), 100))

    def changed_batch(self, *lines):
        first, _ = self.check()
        import_commit(importer=ReceivableImporter(self.lead_a), batch=first)
        batch, preview = import_preview(
            importer=ReceivableImporter(self.lead_a),
            data=csv(*lines),
            filename="应收.csv",
            kind="receivables",
            by=self.lead_a,
        )
        self.assertEqual(preview.counts()["changed"], len(lines))
        return batch

    def test_a_row_edited_after_the_rows_were_staged_is_not_overwritten(self):
        from duban.receivables.services import payment_add

        batch = self.changed_batch(
            GOOD[0].replace("12,500.00", "13,000.00"), GOOD[1].replace("月底回款", "已催")
        )
        receivable = Receivable.objects.get(number="INV-002")

        class PaidMeanwhile(ReceivableImporter):
            @contextmanager
            def staging(self, preview, **kwargs):
                with super().staging(preview, **kwargs):  # staged, the transaction not begun
                    payment_add(receivable=receivable, by=self.user, date=TODAY, amount=100)
                    yield

        import_commit(importer=PaidMeanwhile(self.lead_a), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("有 1 行已被他人修改（INV-002）", batch.error)
        first = Receivable.objects.get(number="INV-001")  # all or nothing: not even this one
        self.assertEqual((first.amount, first.version), (Decimal("12500.00"), 1))
        self.assertFalse(first.history.exists())
        receivable.refresh_from_db()
        self.assertEqual((receivable.paid, receivable.note), (Decimal("5100.00"), "月底回款"))

    def test_a_fault_after_the_rows_were_updated_leaves_them_and_their_history_as_they_were(self):
        batch = self.changed_batch(GOOD[0].replace("12,500.00", "13,000.00"))
        importer = TableImporter(self.lead_a, dt.date(2026, 3, 1))
        with (
            mock.patch("duban.receivables.importers.table_versions_record", side_effect=OSError),
            self.assertRaises(OSError),
        ):
            import_commit(importer=importer, batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        first = Receivable.objects.get(number="INV-001")
        self.assertEqual((first.amount, first.version), (Decimal("12500.00"), 1))
        self.assertNotEqual(first.batch_id, batch.pk)
        self.assertFalse(first.history.exists())  # neither its baseline nor its change
        self.assertTrue(import_recheck(batch))  # and it can be checked and committed again
        import_check(importer=importer, batch=batch)
        import_commit(importer=importer, batch=batch)
        first.refresh_from_db()
        self.assertEqual((first.amount, first.version), (Decimal("13000.00"), 2))
        self.assertEqual(
            [entry.history_type for entry in first.history.order_by("history_id")], ["+", "~"]
        )

    def test_a_changed_row_may_name_a_customer_added_by_the_commit(self):
        batch = self.changed_batch(GOOD[1].replace("乙公司", "丁公司"))
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        second = Receivable.objects.get(number="INV-002")
        self.assertEqual((second.customer.name, second.version), ("丁公司", 2))
        self.assertTrue(Partner.objects.filter(name="乙公司").exists())  # still someone's

    def test_each_row_names_its_last_import_and_deleting_that_import_clears_it(self):
        batch, _ = self.check()
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        receivable = Receivable.objects.get(number="INV-001")
        self.assertEqual(receivable.batch, batch)
        batch.delete()  # an admin may; the pointer has no database constraint to do this
        receivable.refresh_from_db()
        self.assertIsNone(receivable.batch_id)

    def test_the_kept_rows_keep_money_and_dates_exact(self):
        from duban.core.importing import decode_preview

        batch, _ = self.check()
        batch.parsed.open("rb")
        rows = decode_preview(batch.parsed.read()).new
        batch.parsed.close()
        self.assertEqual(rows[1].values["amount"], Decimal("125000.00"))
        self.assertEqual(rows[0].values["due_date"], dt.date(2026, 2, 4))

    def test_a_batch_checked_before_this_change_commits_from_its_file(self):
        batch, _ = self.check()
        batch.parsed = ""
        batch.save()
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)

    def test_rows_kept_in_an_older_format_are_read_from_the_file_again(self):
        batch, _ = self.check()
        batch.parsed.save("old.rows.json", ContentFile(b'[["number"],[[2,"INV-001"]]]'))
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        self.assertEqual(Receivable.objects.filter(number__startswith="INV-00").count(), 2)


class CommitRaceTests(BaseTestCase):
    """A check or commit given up as lost, a double click, a check run by someone else: none
    can write what the one committing may not, or overwrite what came after it."""

    def check(self, user=None, data=None):
        return import_preview(
            importer=ReceivableImporter(user or self.lead_a),
            data=data or csv(*GOOD),
            filename="应收.csv",
            kind="receivables",
            by=self.lead_a,
        )

    def test_a_row_checked_by_someone_else_is_refused_for_a_team_the_committer_cannot_see(self):
        row = '1,甲公司,INV-401,电销四组,,2026-01-05,2026-02-04,"1,000.00",0,\n'
        batch, preview = self.check(user=self.admin, data=csv(row))  # an admin checked it
        self.assertTrue(preview.ok)
        import_commit(importer=ReceivableImporter(self.lead_a), batch=batch)
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("有 1 行属于您无权导入的团队（INV-401）", batch.error)
        self.assertFalse(Receivable.objects.filter(number="INV-401").exists())

    def test_two_clicks_on_check_again_start_one_check(self):
        batch, _ = self.check()
        self.assertTrue(import_recheck(ImportBatch.objects.get(pk=batch.pk)))
        self.assertFalse(import_recheck(ImportBatch.objects.get(pk=batch.pk)))

    def test_a_check_given_up_as_lost_records_nothing_when_it_ends_after_all(self):
        batch, _ = self.check()
        kept = batch.parsed.name
        import_recheck(batch)
        late = ImportBatch.objects.get(pk=batch.pk)  # the run that will be given up
        self.assertTrue(import_recheck(batch, lost=True))  # a new run, a new stamp
        import_check(importer=ReceivableImporter(self.lead_a), batch=late)
        batch.refresh_from_db()
        self.assertEqual((batch.status, batch.counts, batch.parsed.name), ("checking", {}, kept))

    def test_a_commit_given_up_as_lost_writes_nothing_when_it_ends_after_all(self):
        batch, _ = self.check()
        import_claim(batch)
        self.assertTrue(import_abandon(ImportBatch.objects.get(pk=batch.pk)))
        import_apply(importer=ReceivableImporter(self.lead_a), batch=batch)  # it ran on
        batch.refresh_from_db()
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("没有写入任何数据", batch.error)
        self.assertFalse(Receivable.objects.filter(number__startswith="INV-00").exists())

    def test_the_kept_rows_refuse_a_field_of_mixed_types(self):
        from duban.core.importing import Preview, Row, encode_preview

        preview = Preview(new=[Row(2, {"a": 0}, [], {}), Row(3, {"a": Decimal("2.50")}, [], {})])
        with self.assertRaises(TypeError), tempfile.TemporaryFile() as target:
            encode_preview(preview, target)

    def test_a_sheet_reaching_xfd1048576_is_refused_unread_and_again_when_checked_again(self):
        from duban.core.tabular import TabularError
        from tests.core.test_extent import workbook

        importer = ReceivableImporter(self.lead_a)
        batch = import_stage(
            data=workbook((1048575, 16383)),
            filename="小表.xlsx",
            kind="receivables",
            by=self.lead_a,
        )
        for _ in range(2):
            with self.assertRaises(TabularError):
                import_check(importer=importer, batch=batch)
            self.assertIn("表格太大", batch.report["fatal"])
            self.assertTrue(import_recheck(batch))

    def test_a_fault_of_ours_is_said_in_chinese_on_the_batch_and_raised_for_the_log(self):
        from unittest import mock

        importer = ReceivableImporter(self.lead_a)
        batch = import_stage(
            data=csv(*GOOD), filename="应收.csv", kind="receivables", by=self.lead_a
        )
        with mock.patch.object(importer, "validate", side_effect=RuntimeError("boom")):
            with self.assertRaises(RuntimeError):
                import_check(importer=importer, batch=batch)
        self.assertEqual(batch.status, ImportBatch.Status.PREVIEWED)
        self.assertIn(
            "检查这个文件时出错，没有导入任何数据。错误已记入系统日志", batch.report["fatal"]
        )
        self.assertNotIn("boom", batch.report["fatal"])  # never the raw text
        import_recheck(batch)
        import_check(importer=importer, batch=batch)
        import_claim(batch)
        with mock.patch.object(importer, "write", side_effect=RuntimeError("bang")):
            with self.assertRaises(RuntimeError):
                import_apply(importer=importer, batch=batch)
        self.assertEqual(batch.status, ImportBatch.Status.FAILED)
        self.assertIn("导入时出错，没有导入任何数据。错误已记入系统日志", batch.error)
        self.assertNotIn("bang", batch.error)
        self.assertFalse(Receivable.objects.filter(number__startswith="INV-00").exists())


class RealTableTests(BaseTestCase):
    """Issue 10: AR tables as finance departments really send them."""

    def preview(self, text, user=None, **options):
        user = user or self.supervisor
        importer = TableImporter(user, dt.date(2026, 3, 16), options)
        return import_preview(
            importer=importer, data=text.encode(), filename="应收.csv", kind="ar", by=user
        )[1]

    def messages(self, preview):
        return [str(e) for e in preview.errors]

    def test_a_table_naming_salespeople_instead_of_teams_reads_their_teams(self):
        # 横洲 is a member of team A (a user), 小祁 an employee without a login, 周敏 of team B
        text = (
            "客户名称,发票号码,业务员,价税合计\n"
            "甲公司,S-1,横洲,100\n甲公司,S-2,小祁,200\n乙公司,S-3,周敏,300\n乙公司,S-4,维盛,50\n"
        )
        preview = self.preview(text)
        self.assertEqual(self.messages(preview), [])
        rows = {r.values["number"]: r.values for r in preview.new}
        self.assertEqual(rows["S-1"]["team_id"], self.team_a.pk)
        self.assertEqual(rows["S-2"]["salesperson_id"], self.worker_a.pk)
        self.assertEqual(rows["S-3"]["team_id"], self.team_b.pk)
        self.assertEqual(rows["S-4"]["team_id"], self.team_a.pk)  # a lead is on the roster too

    def test_an_unknown_salesperson_or_one_of_another_team_is_an_error(self):
        text = (
            "客户名称,发票号码,团队,业务员,金额\n甲公司,S-1,电销一组,周敏,1\n甲公司,S-2,,无名氏,1\n"
        )
        self.assertEqual(
            self.messages(self.preview(text)),
            [
                "第 2 行「业务员」：周敏 是电销二组的员工，不在 电销一组",
                "第 3 行「业务员」：员工名册里没有“无名氏”",
            ],
        )

    def test_a_lead_uploading_a_table_without_team_defaults_to_their_team(self):
        preview = self.preview("客户名称,发票号码,金额\n甲公司,L-1,100\n", user=self.lead_a)
        self.assertEqual(preview.new[0].values["team_id"], self.team_a.pk)

    def test_a_table_without_team_asks_which_team_the_whole_table_is(self):
        with self.assertRaises(MappingRequired) as caught:
            self.preview("客户名称,发票号码,金额\n甲公司,L-1,100\n")
        (choice,) = caught.exception.choices
        self.assertEqual(choice.name, "team")
        self.assertIn(self.team_b.name, dict(choice.choices).values())
        preview = self.preview("客户名称,发票号码,金额\n甲公司,L-1,100\n", team=self.team_b.pk)
        self.assertEqual(preview.new[0].values["team_id"], self.team_b.pk)

    def test_the_words_offices_use_for_amounts(self):
        for amount in ["开票金额", "发票金额", "价税合计", "应收金额", "金额"]:
            for owed in ["未回款", "未收金额", "应收余额", "欠款"]:
                for paid in ["已回款", "已收金额", "回款金额"]:
                    with self.subTest(amount=amount, owed=owed, paid=paid):
                        header = f"客户名称,发票号码,团队,{amount},{paid},{owed}"
                        text = f"{header}\n甲,X-1,电销一组,100,40,60\n"
                        values = self.preview(text).new[0].values
                        self.assertEqual((values["paid"], values["outstanding"]), (40, 60))

    def test_the_words_offices_use_for_categories_and_those_an_admin_adds(self):
        from duban.core.choices_parsing import forget_synonyms
        from duban.core.models import Synonym

        words = {
            "历史货款": "historical",
            "历史应收": "historical",
            "固定账期": "fixed_term",
            "质保金": "warranty",
            "质保款": "warranty",
            "预收款": "prepayment",
            "售中款": "in_sale",
            "销售回款": "in_sale",
        }
        for word, code in words.items():
            with self.subTest(word=word):
                header = "客户名称,发票号码,团队,金额,款项类别,约定付款日"
                text = f"{header}\n甲,X-1,电销一组,1,{word},2026-04-01\n"
                self.assertEqual(self.preview(text).new[0].values["category"], code)
        text = "客户名称,发票号码,团队,金额,类别\n甲,X-1,电销一组,1,尾款\n"
        self.assertIn("无法识别的类别", self.messages(self.preview(text))[0])
        Synonym.objects.create(
            field="receivables.receivable.category", word="尾款", value="in_sale"
        )
        forget_synonyms()
        self.assertEqual(self.preview(text).new[0].values["category"], "in_sale")

    def test_amounts_rounded_to_wan_add_up_within_their_rounding(self):
        text = (
            "客户名称,发票号码,团队,应收金额,已回款,未回款\n"
            "甲,W-1,电销一组,786543.21,0.30万,783543.21\n"  # 3,000.00 + 783,543.21 ≈ 786,543.21
            "甲,W-2,电销一组,78.79万,0.30万,78.49万\n"
            "甲,W-3,电销一组,786543.21,0.30万,780000\n"  # off by 3,543: beyond the rounding
        )
        preview = self.preview(text)
        self.assertEqual(len(preview.errors), 1)
        self.assertTrue(self.messages(preview)[0].startswith("第 4 行「未回款」"))

    def test_a_stated_outstanding_amount_is_kept_as_stated(self):
        header = "客户名称,发票号码,团队,应收金额,已回款,未回款"
        text = f"{header}\n甲,W-1,电销一组,786543.21,0.30万,783543.21\n"
        values = self.preview(text).new[0].values
        self.assertEqual(values["outstanding"], Decimal("783543.21"))
        self.assertEqual(values["paid"], Decimal("3000.00"))

    def test_the_preview_shows_what_a_wan_cell_was_read_as(self):
        from duban.core.services import import_check, import_stage

        importer = TableImporter(self.supervisor, dt.date(2026, 3, 16))
        data = "客户名称,发票号码,团队,应收金额\n甲,W-1,电销一组,12.5万\n".encode()
        batch = import_stage(data=data, filename="应收.csv", kind="ar", by=self.supervisor)
        import_check(importer=importer, batch=batch)
        self.assertIn("12.5万 → 125,000.00", batch.report["sample"]["rows"][0][2])

    def test_every_error_of_a_row_is_reported_at_once(self):
        text = (
            "客户名称,发票号码,团队,负责主管,开票日期,应收金额,已回款\n"
            "甲,E-1,没有这组,,2026年13月1日,100,0\n"
            "甲,E-2,电销一组,王立霞,2026-01-01,100,150\n"
        )
        self.assertEqual(
            self.messages(self.preview(text)),
            [
                '第 2 行「开票日期」：无法识别的日期 "2026年13月1日"',
                '第 2 行「团队」：没有这个团队，或您无权导入它的数据 "没有这组"',
                "第 3 行「负责主管」：王立霞 不是 电销一组 的主管",
                "第 3 行「已回款」：已回款 150.00 大于应收金额 100.00",
            ],
        )

    def test_a_field_missing_from_the_file_is_named_by_its_label(self):
        text = "客户名称,发票号码,团队,应收金额,类别\n甲,P-1,电销一组,100,预付款\n"
        self.assertEqual(
            self.messages(self.preview(text)), ["第 2 行「约定付款日」：预付款需要填写约定付款日"]
        )

    def test_a_file_without_data_rows_says_so(self):
        from duban.core.tabular import TabularError

        with self.assertRaisesMessage(TabularError, "没有数据行"):
            self.preview("客户名称,发票号码,团队,应收金额\n,,,\n")

    def test_a_version_compares_with_the_one_before_it_in_time(self):
        from duban.core.services import import_commit

        def load(day):
            importer = TableImporter(self.supervisor, day)
            batch, _ = import_preview(
                importer=importer, data=csv(*GOOD), filename="a.csv", kind="ar", by=self.supervisor
            )
            import_commit(importer=importer, batch=batch)
            return TableVersion.objects.get(batch=batch)

        march = load(dt.date(2026, 3, 16))
        older = load(dt.date(2026, 3, 1))  # a late upload of an earlier table
        self.assertIsNone(older.previous)
        self.assertEqual(load(dt.date(2026, 3, 31)).previous, march)
