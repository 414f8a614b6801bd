"""The list pages' filters speak the user's language: "全部" for any, a date picker for dates."""

from django.urls import reverse

from tests.base import BaseTestCase

LISTS = [
    "receivables:receivable_list",
    "supervision:checkin_list",
    "supervision:matter_list",
    "supervision:risk_list",
    "org:employee_list",
]


class FilterFormTests(BaseTestCase):
    def test_every_choice_filter_offers_all_in_chinese_never_dashes(self):
        self.client.force_login(self.supervisor)
        for name in LISTS:
            with self.subTest(name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<option value="" selected>全部</option>')
                self.assertNotContains(response, "---------")

    def test_the_english_page_says_all(self):
        self.client.force_login(self.supervisor)
        self.client.cookies.load({"django_language": "en"})
        response = self.client.get(reverse("supervision:checkin_list"))
        self.assertContains(response, '<option value="" selected>All</option>')

    def test_the_check_in_dates_are_picked_from_a_calendar(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("supervision:checkin_list"), {"date_from": "2026-03-02"})
        self.assertContains(response, 'type="date" name="date_from" value="2026-03-02"')
        self.assertContains(response, 'type="date" name="date_to"')
