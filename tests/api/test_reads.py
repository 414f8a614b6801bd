"""Read endpoints: numbers masked as on the pages, pages of rows, typed filters, and nonsense
refused with a 422 in Chinese, never a 500 (issue 17)."""

import datetime as dt
from decimal import Decimal

from duban.receivables.models import Payment, PlanLine
from duban.resources.models import Resource
from tests.api.base import ApiTestCase


class MaskingTests(ApiTestCase):
    def phones(self, role) -> dict[int, tuple[str, bool]]:
        rows = self.items(role, "/resources")
        return {row["id"]: (row["phone"], row["phone_in_full"]) for row in rows}

    def test_numbers_are_masked_as_the_resource_pages_mask_them(self):
        a, b = self.resource_a.pk, self.resource_b.pk
        masked_a, masked_b = ("138****5678", False), ("139****1111", False)
        self.assertEqual(self.phones("lead_a")[a], ("13812345678", True))  # their team's
        self.assertEqual(self.phones("lead_b")[b], ("13900001111", True))
        self.assertEqual(self.phones("member_a")[a], ("13812345678", True))  # the holder
        self.assertEqual(self.phones("admin"), {a: ("13812345678", True), b: ("13900001111", True)})
        for role in ("supervisor", "executive"):
            with self.subTest(role=role):
                self.assertEqual(self.phones(role), {a: masked_a, b: masked_b})

    def test_a_hand_overs_resources_are_masked_too(self):
        resources = self.get("supervisor", f"/handovers/{self.handover_a.pk}").json()["resources"]
        self.assertEqual([r["phone"] for r in resources], ["138****5678"])
        detail = self.get("executive", f"/resources/{self.resource_a.pk}").json()
        self.assertEqual(detail["phone"], "138****5678")

    def test_the_second_number_is_masked_and_an_empty_one_stays_empty(self):
        Resource.objects.filter(pk=self.resource_a.pk).update(phone2="010-87654321")
        a = self.get("supervisor", f"/resources/{self.resource_a.pk}").json()
        b = self.get("supervisor", f"/resources/{self.resource_b.pk}").json()
        self.assertEqual((a["phone2"], b["phone2"]), ("010-****4321", ""))


class PagingTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Resource.objects.bulk_create(
            Resource(contact_name=f"客户{n}", phone=f"1370000{n:04d}", team=cls.team_a)
            for n in range(260)
        )

    def test_fifty_rows_a_page_unless_asked_and_at_most_two_hundred(self):
        first = self.get("lead_a", "/resources").json()
        self.assertEqual((len(first["items"]), first["count"]), (50, 261))
        self.assertEqual(len(self.items("lead_a", "/resources", limit=200)), 200)
        too_many = self.get("lead_a", "/resources", limit=201)
        self.assertEqual(too_many.status_code, 422)
        self.assertEqual(too_many.json()["detail"][0]["msg"], "不能大于 200")

    def test_pages_are_stable_and_cover_every_row_once(self):
        seen = []
        for offset in range(0, 300, 100):
            seen += [r["id"] for r in self.items("lead_a", "/resources", limit=100, offset=offset)]
        self.assertEqual(len(seen), 261)
        self.assertEqual(len(set(seen)), 261)
        self.assertEqual(seen, sorted(seen, reverse=True))  # newest first, as the page

    def test_nonsense_parameters_are_refused_not_a_server_error(self):
        cases = [
            ("/resources", {"limit": 0}),
            ("/resources", {"limit": "many"}),
            ("/resources", {"offset": -1}),
            ("/resources", {"offset": 10**30}),
            ("/resources", {"team": 10**30}),
            ("/resources", {"team": "电销一组"}),
            ("/resources", {"status": "whatever"}),
            ("/resources", {"workable": "maybe"}),
            ("/checkins", {"date_from": "2026-13-40"}),
            ("/checkins", {"date_from": "2026年3月5日"}),
            ("/staff-changes", {"date_from": "2026-03-05", "date_to": "2026-03-01"}),
            ("/receivables", {"bucket": "later"}),
            ("/cases", {"month": "2026-13"}),
            ("/cases", {"days": 0}),
            ("/checkins/0", {}),
            ("/checkins/-3", {}),
            ("/checkins/abc", {}),
            (f"/checkins/{10**30}", {}),
            ("/agenda", {"line": "x"}),
        ]
        for path, params in cases:
            with self.subTest(path=path, params=params):
                response = self.get("admin", path, **params)
                self.assertEqual(response.status_code, 422, response.content)
                problem = response.json()["detail"][0]
                self.assertRegex(problem["msg"], r"[\u4e00-\u9fff]", problem)

    def test_an_unknown_parameter_is_ignored(self):
        self.assertEqual(self.get("lead_a", "/teams", colour="blue").status_code, 200)

    def test_a_known_filter_works_as_on_the_page(self):
        ids = self.ids("lead_a", "/resources", q="13812345678", limit=200)
        self.assertEqual(ids, {self.resource_a.pk})
        self.assertEqual(self.ids("lead_a", "/checkins", status="planned"), {self.checkin_a.pk})
        self.assertEqual(self.ids("lead_a", "/checkins", status="done"), set())
        self.assertEqual(
            self.ids("lead_a", "/checkins", date_from="2026-03-03", date_to="2026-03-31"), set()
        )


class DetailTests(ApiTestCase):
    def test_a_plan_comes_with_its_versions_and_milestones(self):
        plan = self.get("lead_a", f"/plans/{self.plan_a.pk}").json()
        self.assertEqual(plan["status"], "submitted")
        (version,) = plan["versions"]
        self.assertEqual((version["number"], version["cause"]), (1, "资源来源单一"))
        self.assertEqual([m["title"] for m in version["milestones"]], ["新渠道上线"])
        self.assertEqual(version["submitted_by"]["name"], "维盛")

    def test_a_receivable_comes_with_payments_and_plan_lines_money_as_text(self):
        Payment.objects.create(
            receivable=self.receivable_a, date=dt.date(2026, 1, 20), amount=Decimal("30000")
        )
        PlanLine.objects.create(
            receivable=self.receivable_a, planned_date=dt.date(2026, 3, 1), amount=Decimal("7e4")
        )
        row = self.get("lead_a", f"/receivables/{self.receivable_a.pk}").json()
        self.assertEqual(
            (row["amount"], row["paid"], row["outstanding"]), ("100000.00", "30000.00", "70000.00")
        )
        self.assertEqual([p["amount"] for p in row["payments"]], ["30000.00"])
        self.assertEqual([p["amount"] for p in row["plan_lines"]], ["70000.00"])

    def test_times_are_given_in_shanghai_time(self):
        plan = self.get("lead_a", f"/plans/{self.plan_a.pk}").json()
        self.assertTrue(plan["created_at"].endswith("+08:00"), plan["created_at"])

    def test_a_supervision_record_names_its_subject(self):
        self.assertIsNone(
            self.get("supervisor", f"/checkins/{self.checkin_a.pk}").json()["subject"]
        )
        self.checkin_a.set_subject(self.receivable_a)
        self.checkin_a.save(update_fields=["subject_type", "subject_id"])
        row = self.get("supervisor", f"/checkins/{self.checkin_a.pk}").json()
        self.assertEqual(
            row["subject"], {"kind": "receivables.receivable", "id": self.receivable_a.pk}
        )
