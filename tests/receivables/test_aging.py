"""Aging at bucket boundaries, the sum invariant, and scoping of the figures (issue 4)."""

import datetime as dt
from decimal import Decimal
from unittest import mock

from django.urls import reverse

from duban.partners.models import Partner
from duban.receivables.aging import aging_table, bucket_of, with_bucket
from duban.receivables.choices import AgingBasis, Bucket
from duban.receivables.models import Receivable, Settings
from tests.base import BaseTestCase

TODAY = dt.date(2026, 6, 30)


def receivable(team, number, *, due=None, invoice=None, amount="100.00", paid="0.00", **extra):
    customer, _ = Partner.objects.get_or_create(name=extra.pop("customer", "乙公司"))
    amount, paid = Decimal(amount), Decimal(paid)
    return Receivable.objects.create(
        number=number,
        customer=customer,
        team=team,
        due_date=due,
        invoice_date=invoice,
        amount=amount,
        paid=paid,
        outstanding=amount - paid,
        **extra,
    )


class BucketBoundaryTests(BaseTestCase):
    def setUp(self):
        Receivable.objects.all().delete()

    def bucket_of(self, **dates):
        receivable(self.team_a, "X", **dates)
        row = aging_table(Receivable.objects.all(), today=TODAY, basis=AgingBasis.DUE)[0]
        Receivable.objects.all().delete()
        return [b for b in Bucket.values if row[b]]

    def test_due_date_buckets_at_their_edges(self):
        cases = [
            (TODAY + dt.timedelta(days=1), Bucket.NOT_DUE),
            (TODAY, Bucket.D30),
            (TODAY - dt.timedelta(days=30), Bucket.D30),
            (TODAY - dt.timedelta(days=31), Bucket.D60),
            (TODAY - dt.timedelta(days=90), Bucket.D90),
            (TODAY - dt.timedelta(days=91), Bucket.D180),
            (TODAY - dt.timedelta(days=180), Bucket.D180),
            (TODAY - dt.timedelta(days=181), Bucket.D365),
            (TODAY - dt.timedelta(days=365), Bucket.D365),
            (TODAY - dt.timedelta(days=366), Bucket.OVER_365),
            (None, Bucket.UNDATED),
        ]
        for due, expected in cases:
            with self.subTest(due=due):
                self.assertEqual(self.bucket_of(due=due), [expected])

    def test_the_invoice_basis_ages_by_invoice_date_but_not_due_stays_not_due(self):
        receivable(
            self.team_a,
            "A",
            invoice=TODAY - dt.timedelta(days=100),
            due=TODAY - dt.timedelta(days=10),
        )
        receivable(
            self.team_a,
            "B",
            invoice=TODAY - dt.timedelta(days=100),
            due=TODAY + dt.timedelta(days=5),
        )
        row = aging_table(Receivable.objects.all(), today=TODAY, basis=AgingBasis.INVOICE)[0]
        self.assertEqual(
            (row[Bucket.D180], row[Bucket.NOT_DUE]), (Decimal("100.00"), Decimal("100.00"))
        )

    def test_the_python_bucket_agrees_with_the_sql_one_at_every_edge(self):
        days = [None, -1, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, 400]
        dates = [None if d is None else TODAY - dt.timedelta(days=d) for d in days]
        for index, (due, invoice) in enumerate((d, i) for d in dates for i in dates):
            receivable(self.team_a, f"E{index}", due=due, invoice=invoice)
        for basis in AgingBasis.values:
            rows = with_bucket(Receivable.objects.all(), TODAY, basis).values(
                "number", "due_date", "invoice_date", "bucket"
            )
            for row in rows:
                with self.subTest(basis=basis, due=row["due_date"], invoice=row["invoice_date"]):
                    self.assertEqual(bucket_of(row, TODAY, basis), row["bucket"])


class SumInvariantTests(BaseTestCase):
    def test_buckets_add_up_to_the_outstanding_total_by_team_and_overall(self):
        import random

        rng = random.Random(7)
        for n in range(60):
            due = TODAY + dt.timedelta(days=rng.randint(-500, 60)) if rng.random() > 0.1 else None
            amount = Decimal(rng.randint(1, 10**7)) / 100
            paid = (amount * Decimal(rng.choice([0, 0, 0.3, 1]))).quantize(Decimal("0.01"))
            receivable(
                rng.choice([self.team_a, self.team_b]),
                f"R{n}",
                due=due,
                amount=str(amount),
                paid=str(paid),
            )
        everything = Receivable.objects.all()
        for row in aging_table(everything, today=TODAY, basis=AgingBasis.DUE, by="team"):
            self.assertEqual(sum(row[b] for b in Bucket.values), row["total"])
        company = aging_table(everything, today=TODAY, basis=AgingBasis.DUE)[0]
        expected = sum(r.outstanding for r in everything if r.outstanding > 0)
        self.assertEqual(company["total"], expected)
        self.assertEqual(
            company["within_3m"]
            + company["3m_to_6m"]
            + company["over_6m"]
            + company[Bucket.NOT_DUE]
            + company[Bucket.UNDATED],
            expected,
        )


class AgingPageTests(BaseTestCase):
    def setUp(self):
        receivable(self.team_b, "B-1", due=dt.date(2026, 5, 1), amount="5000.00", customer="乙公司")

    def test_every_figure_links_to_the_rows_that_make_it(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("receivables:aging"), {"by": "team"})
        rows = {row["name"]: row for row in response.context["rows"]}
        team_a = rows["电销一组"]
        bucket = next(b for b in Bucket.values if team_a[b])
        listed = (
            self.client.get(
                reverse("receivables:receivable_list"), {"bucket": bucket, "team": self.team_a.pk}
            )
            .context["table"]
            .data
        )
        self.assertEqual(sum(r.outstanding for r in listed), team_a[bucket])
        self.assertContains(response, f"?bucket={bucket}&amp;team={self.team_a.pk}")

    def test_aging_can_be_counted_as_of_the_tables_date_and_its_links_agree(self):
        from duban.supervision.models import TableVersion

        TableVersion.objects.create(
            kind="ar_table", team=self.team_a, as_of=dt.date(2026, 2, 10), rows=1
        )
        self.client.force_login(self.supervisor)
        with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 6, 1)):
            today = self.client.get(reverse("receivables:aging"))
            self.assertContains(today, "账表截至日 02-10")
            page = self.client.get(reverse("receivables:aging"), {"as_of": "2026-02-10"})
            team_a = next(r for r in page.context["rows"] if r["name"] == "电销一组")
            self.assertEqual(team_a["d30"], Decimal("70000.00"))  # 9 days overdue on 02-10
            self.assertContains(page, "按 2026-02-10 计算账龄")
            self.assertContains(page, f"?bucket=d30&amp;team={self.team_a.pk}&amp;as_of=2026-02-10")
            listed = self.client.get(
                reverse("receivables:receivable_list"),
                {"bucket": "d30", "team": self.team_a.pk, "as_of": "2026-02-10"},
            )
            self.assertEqual([r.number for r in listed.context["table"].data], ["INV-A-001"])
            for nonsense in ["2026-13-01", "99999-01-01", "0001-01-01", "x"]:
                page = self.client.get(reverse("receivables:aging"), {"as_of": nonsense})
                self.assertEqual(page.status_code, 200)
                self.assertEqual(page.context["as_of"], dt.date(2026, 6, 1))

    def test_the_summary_cards_add_up_to_the_total_and_each_links_to_its_rows(self):
        receivable(self.team_a, "A-NOT-DUE", due=dt.date(2099, 1, 1), amount="700.00")
        receivable(self.team_a, "A-UNDATED", amount="90.00")
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("receivables:aging"))
        company = response.context["company"]
        parts = ["not_due", "within_3m", "3m_to_6m", "over_6m", "undated"]
        self.assertEqual(sum(company[p] for p in parts), company["total"])
        links = {
            "not_due": "?bucket=not_due",
            "undated": "?bucket=undated",
            "over_6m": "?bucket=d365&amp;bucket=over365",
        }
        for part, query in links.items():
            with self.subTest(part):
                self.assertContains(response, query)
                listed = (
                    self.client.get(
                        reverse("receivables:receivable_list") + query.replace("&amp;", "&")
                    )
                    .context["table"]
                    .data
                )
                self.assertEqual(sum(r.outstanding for r in listed), company[part])

    def test_the_bucket_filter_offers_all_first_and_shows_what_is_chosen(self):
        """Without "全部" the browser showed the first bucket as chosen, and the next click
        on 筛选 filtered by it unasked."""
        self.client.force_login(self.supervisor)
        url = reverse("receivables:receivable_list")
        for query, selected in [({}, ""), ({"bucket": "d90"}, "d90")]:
            with self.subTest(query=query):
                form = self.client.get(url, query).context["filter"].form
                html = str(form["bucket"])
                first = html.index("<option")
                self.assertIn('<option value="">全部</option>', html[first : first + 40])
                self.assertEqual(html.count("selected"), 1 if selected else 0)
                if selected:
                    self.assertIn(f'<option value="{selected}" selected>', html)
        listed = self.client.get(url, {"bucket": ""}).context["table"].data
        self.assertEqual(len(listed), Receivable.objects.count())  # 全部: no filter

    def test_the_lead_of_team_b_sees_none_of_team_a_money(self):
        self.client.force_login(self.lead_b)
        report = self.client.get(reverse("receivables:aging")).context
        self.assertEqual(report["company"]["total"], Decimal("5000.00"))
        self.assertEqual([row["name"] for row in report["rows"]], ["电销二组"])
        listed = self.client.get(reverse("receivables:receivable_list")).context["table"].data
        self.assertEqual([r.number for r in listed], ["B-1"])

    def test_the_export_holds_only_what_the_user_sees(self):
        import io

        from python_calamine import CalamineWorkbook

        self.client.force_login(self.lead_b)
        response = self.client.get(reverse("receivables:receivable_list"), {"export": "xlsx"})
        data = b"".join(response.streaming_content)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        self.assertEqual([row[0] for row in rows[1:]], ["B-1"])
        self.assertEqual(rows[0][:3], ["单号", "客户名称", "团队"])

    def test_the_large_threshold_and_basis_are_settings(self):
        settings = Settings.current()
        self.assertEqual(
            (settings.large_amount, settings.aging_basis), (Decimal("500000.00"), "due")
        )
        settings.large_amount = Decimal("50000.00")
        settings.save()
        self.client.force_login(self.supervisor)
        listed = (
            self.client.get(reverse("receivables:receivable_list"), {"large": "true"})
            .context["table"]
            .data
        )
        self.assertEqual([r.number for r in listed], ["INV-A-001"])


class ReceivablePageTests(BaseTestCase):
    def test_a_payment_updates_outstanding_and_settles_at_zero(self):
        self.client.force_login(self.lead_a)
        url = reverse("receivables:payment_add", args=[self.receivable_a.pk])
        self.client.post(url, {"date": "2026-03-01", "amount": "70,000.00", "note": "银行转账"})
        self.receivable_a.refresh_from_db()
        self.assertEqual(
            (self.receivable_a.outstanding, self.receivable_a.status), (Decimal("0.00"), "settled")
        )

    def test_an_overpayment_is_refused_in_chinese(self):
        self.client.force_login(self.lead_a)
        url = reverse("receivables:payment_add", args=[self.receivable_a.pk])
        response = self.client.post(url, {"date": "2026-03-01", "amount": "80000"}, follow=True)
        self.assertContains(response, "超过未回款金额")
        self.receivable_a.refresh_from_db()
        self.assertEqual(self.receivable_a.outstanding, Decimal("70000.00"))

    def test_a_stale_edit_is_refused(self):
        from django.test import Client

        url = reverse("receivables:receivable_edit", args=[self.receivable_a.pk])
        first, second = Client(), Client()
        first.force_login(self.supervisor)
        second.force_login(self.lead_a)
        data = {
            "team": self.team_a.pk,
            "lead": self.lead_a.pk,
            "project_name": "",
            "category": "historical",
            "invoice_date": "2026-01-02",
            "due_date": "2026-02-01",
            "agreed_payment_date": "",
            "warranty_due_date": "",
            "amount": "100,000.00",
            "note": "",
            "version": 1,
        }
        self.assertEqual(first.post(url, {**data, "note": "已电话沟通"}).status_code, 302)
        response = second.post(url, {**data, "note": "另一人的修改"})
        self.assertContains(response, "已被 刘婷")
        self.receivable_a.refresh_from_db()
        self.assertEqual(self.receivable_a.note, "已电话沟通")

    def test_a_dunning_action_with_a_promise(self):
        self.client.force_login(self.lead_a)
        url = reverse("receivables:action_add", args=[self.receivable_a.pk])
        self.client.post(
            url,
            {
                "date": "2026-03-01",
                "channel": "phone",
                "result": "答应月底付",
                "promised_date": "2026-03-31",
                "promised_amount": "70000",
            },
        )
        action = self.receivable_a.actions.get()
        self.assertEqual(
            (action.promised_date, action.promised_amount),
            (dt.date(2026, 3, 31), Decimal("70000.00")),
        )

    def test_a_condition_note_sets_the_customer_condition(self):
        self.client.force_login(self.supervisor)
        url = reverse("partners:condition_note_add", args=[self.customer_a.pk])
        self.client.post(
            url, {"date": "2026-03-01", "condition": "risky", "note": "法人变更，拖欠供应商"}
        )
        self.customer_a.refresh_from_db()
        self.assertEqual(self.customer_a.condition, "risky")
        self.assertContains(self.client.get(self.customer_a.get_absolute_url()), "法人变更")


class SummaryLinkTests(BaseTestCase):
    def test_the_three_and_six_month_figures_link_to_their_rows(self):
        receivable(self.team_a, "OLD", due=dt.date(2025, 1, 1), amount="300.00")
        self.client.force_login(self.supervisor)
        report = self.client.get(reverse("receivables:aging")).context["company"]
        listed = (
            self.client.get(reverse("receivables:receivable_list"), {"bucket": ["d365", "over365"]})
            .context["table"]
            .data
        )
        self.assertEqual(sum(r.outstanding for r in listed), report["over_6m"])


class ListDefaultsTests(BaseTestCase):
    def test_the_list_shows_what_is_owed_unless_asked_for_all(self):
        receivable(
            self.team_a,
            "PAID",
            due=dt.date(2026, 1, 1),
            amount="100.00",
            paid="100.00",
            status="settled",
        )
        self.client.force_login(self.supervisor)
        url = reverse("receivables:receivable_list")
        shown = [r.number for r in self.client.get(url).context["table"].data]
        self.assertEqual(shown, ["INV-A-001"])
        every = [r.number for r in self.client.get(url, {"status": ""}).context["table"].data]
        self.assertEqual(sorted(every), ["INV-A-001", "PAID"])


class ManyGroupsTests(BaseTestCase):
    def test_beyond_the_largest_groups_the_rest_is_one_row_and_the_total_still_adds_up(self):
        from duban.receivables import selectors

        for n in range(5):
            receivable(
                self.team_a,
                f"C{n}",
                due=dt.date(2026, 1, 1),
                amount=f"{n + 1}00.00",
                customer=f"客户{n}",
            )
        original, selectors.REPORT_ROWS = selectors.REPORT_ROWS, 3
        try:
            self.client.force_login(self.supervisor)
            context = self.client.get(reverse("receivables:aging"), {"by": "customer"}).context
        finally:
            selectors.REPORT_ROWS = original
        shown = sum(row["total"] for row in context["rows"])
        self.assertEqual(len(context["rows"]), 3)
        self.assertEqual(context["rest"]["groups"], 3)
        self.assertEqual(shown + context["rest"]["total"], context["company"]["total"])


class EnglishAgingTests(BaseTestCase):
    def test_the_group_buttons_read_in_english(self):
        self.client.force_login(self.supervisor)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(reverse("receivables:aging"))
        self.assertContains(response, '<a class="btn btn-sm btn-primary" href="?by=team">Teams</a>')
