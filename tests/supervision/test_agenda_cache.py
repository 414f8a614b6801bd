"""The agenda is kept for its reader a minute and computed again once anything behind it changes."""

import datetime as dt
from unittest import mock

from django.urls import reverse

from duban.supervision import selectors, services
from duban.supervision.choices import CheckInStatus, PlanStatus
from duban.supervision.tick import tick
from tests.base import BaseTestCase
from tests.core.test_pagecache import file_cache
from tests.supervision.factories import CheckInFactory, MatterFactory

TODAY = dt.date(2026, 3, 3)


class AgendaCacheTests(BaseTestCase):
    def setUp(self):
        overridden = file_cache()
        overridden.enable()
        self.addCleanup(overridden.disable)
        for patch in [
            mock.patch("django.utils.timezone.localdate", return_value=TODAY),
            mock.patch.object(selectors, "agenda", wraps=selectors.agenda),
        ]:
            self.computed = patch.start()
            self.addCleanup(patch.stop)
        self.client.force_login(self.supervisor)

    def agenda(self, **params):
        return self.client.get(reverse("supervision:agenda"), params)

    def test_a_second_view_is_not_computed_again(self):
        first = self.agenda()
        second = self.agenda()
        self.assertEqual(self.computed.call_count, 1)
        main = lambda r: r.content.split(b"<main")[1].split(b"</main>")[0]  # noqa: E731
        self.assertEqual(main(first), main(second))
        self.assertContains(second, self.risk_a.title)

    def test_each_reader_line_and_language_has_their_own(self):
        self.agenda()
        self.agenda(line=self.line_1.pk)
        self.client.force_login(self.other_supervisor)
        response = self.agenda()
        self.assertEqual(self.computed.call_count, 3)
        self.assertNotContains(response, self.risk_a.title)
        self.client.cookies.load({"django_language": "en"})
        self.agenda()
        self.assertEqual(self.computed.call_count, 4)

    def test_a_new_checkin_shows_at_once(self):
        self.agenda()
        CheckInFactory(team=self.team_b, lead=self.lead_b, date=TODAY, title="刚安排的沟通")
        self.assertContains(self.agenda(), "刚安排的沟通")

    def test_a_result_recorded_takes_the_checkin_off_the_overdue_list(self):
        self.assertContains(self.agenda(), self.checkin_a.title)
        services.checkin_record(
            checkin=self.checkin_a, by=self.supervisor, outcome="已落实", findings="已沟通"
        )
        self.checkin_a.refresh_from_db()
        self.assertEqual(self.checkin_a.status, CheckInStatus.DONE)
        self.assertContains(self.agenda(), "没有逾期的跟进。")
        self.assertEqual(self.computed.call_count, 2)

    def test_a_milestone_done_by_update_is_seen(self):
        self.plan_a.status = PlanStatus.APPROVED
        self.plan_a.save()
        self.agenda()
        services.milestone_done(
            milestone=self.milestone_a, by=self.lead_a, evidence="已上线", done_on=TODAY
        )
        self.assertNotContains(self.agenda(), self.milestone_a.title)

    def test_a_matter_closed_elsewhere_and_the_tick_compute_it_again(self):
        matter = MatterFactory(team=self.team_a, owner=self.lead_a, deadline=TODAY, title="补数据")
        self.assertContains(self.agenda(), "补数据")
        matter.delete()
        self.assertNotContains(self.agenda(), "补数据")
        tick(today=TODAY)
        self.agenda()
        self.assertEqual(self.computed.call_count, 3)

    def test_a_team_given_to_the_reader_shows_at_once(self):
        self.client.force_login(self.other_supervisor)
        self.assertNotContains(self.agenda(), self.risk_a.title)
        self.line_1.supervisors.add(self.other_supervisor)
        self.assertContains(self.agenda(), self.risk_a.title)

    def test_logging_in_computes_no_agenda_again(self):
        self.agenda()
        self.supervisor.save(update_fields=["last_login"])
        self.agenda()
        self.assertEqual(self.computed.call_count, 1)
