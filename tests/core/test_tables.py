"""Lists keep their page size within bounds whatever the address says (issue 18, defect 6)."""

from django.urls import reverse

from duban.core.tables import MAX_PER_PAGE
from tests.base import BaseTestCase
from tests.factories import EmployeeFactory

LISTS = [
    "org:employee_list",
    "supervision:checkin_list",
    "supervision:rule_list",
    "supervision:matter_list",
    "supervision:risk_list",
    "supervision:plan_list",
    "receivables:receivable_list",
    "aftersales:case_list",
    "notify:outbox",
]
NONSENSE = ["-1", "0", "abc", "1e9", "99999999999999999999", "２０", "100000"]


class PageSizeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        EmployeeFactory.create_batch(MAX_PER_PAGE + 5, team=cls.team_a)

    def setUp(self):
        self.client.force_login(self.admin)

    def rows(self, **params):
        page = self.client.get(reverse("org:employee_list"), params)
        self.assertEqual(page.status_code, 200)
        return len(page.context["table"].page.object_list)

    def test_nonsense_page_sizes_never_fail_a_list(self):
        for name in LISTS:
            for value in NONSENSE:
                with self.subTest(list=name, per_page=value):
                    page = self.client.get(reverse(name), {"per_page": value, "page": value})
                    self.assertEqual(page.status_code, 200)

    def test_a_page_holds_at_most_the_maximum(self):
        self.assertEqual(self.rows(per_page="100000"), MAX_PER_PAGE)
        self.assertEqual(self.rows(per_page="20"), 20)

    def test_nonsense_gives_the_default_page(self):
        for value in ["-1", "0", "abc", "99999999999999999999"]:
            with self.subTest(per_page=value):
                self.assertEqual(self.rows(per_page=value), 50)

    def test_a_page_past_the_end_shows_the_last_and_nonsense_the_first(self):
        last = self.client.get(reverse("org:employee_list"), {"page": "999"})
        self.assertEqual(
            last.context["table"].page.number, last.context["table"].paginator.num_pages
        )
        first = self.client.get(reverse("org:employee_list"), {"page": "-3"})
        self.assertEqual(first.context["table"].page.number, 1)
