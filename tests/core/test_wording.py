"""Wording and defaults a new user met (issue 10, point 12)."""

import datetime as dt
from unittest import mock

from django.urls import reverse

from duban.supervision.models import CheckIn
from tests.base import BaseTestCase
from tests.supervision.factories import CheckInFactory

TODAY = dt.date(2026, 3, 3)


class WordingTests(BaseTestCase):
    def test_no_form_shows_django_dashes_for_an_empty_choice(self):
        self.client.force_login(self.supervisor)
        for url in [
            reverse("supervision:matter_create"),
            reverse("supervision:checkin_create"),
            reverse("supervision:risk_create"),
            reverse("supervision:rule_create"),
            f"{reverse('supervision:plan_demand')}?risk={self.risk_a.pk}",
        ]:
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertEqual(page.status_code, 200)
                self.assertNotContains(page, "---------")
        self.assertContains(self.client.get(reverse("supervision:matter_create")), "请选择")

    def test_the_check_in_list_opens_on_today_and_what_is_overdue(self):
        CheckIn.objects.all().delete()
        CheckInFactory(
            team=self.team_a, date=dt.date(2025, 1, 6), title="很早以前的", status="done"
        )
        CheckInFactory(team=self.team_a, date=dt.date(2026, 3, 2), title="昨天没跟进的")
        CheckInFactory(team=self.team_a, date=TODAY, title="今天的")
        CheckInFactory(team=self.team_a, date=dt.date(2026, 3, 10), title="下周的")
        self.client.force_login(self.supervisor)
        with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
            page = self.client.get(reverse("supervision:checkin_list"))
        titles = [c.title for c in page.context["table"].data]
        self.assertEqual(titles, ["昨天没跟进的", "今天的"])

    def test_a_removed_value_in_the_history_reads_empty_not_a_dash(self):
        from duban.core.history import history_of
        from duban.core.services import save_versioned

        self.matter_a.description = "说明"
        save_versioned(self.matter_a, expected_version=self.matter_a.version)
        self.matter_a.description = ""
        save_versioned(self.matter_a, expected_version=self.matter_a.version)
        change = history_of(self.matter_a)[0].changes[0]
        self.assertEqual((change.old, change.new), ("说明", "空"))

    def test_a_members_home_counts_their_whole_team(self):
        self.client.force_login(self.member_a)
        (team,) = self.client.get(reverse("home")).context["teams"]
        self.assertEqual(team.headcount, 3)  # 维盛, 横洲 and 小祁, not only themselves

    def test_the_escalation_badge_says_how_late_not_to_whom(self):
        from duban.supervision.choices import Escalation

        self.assertNotIn("督办", Escalation.SUPERVISOR.label)
