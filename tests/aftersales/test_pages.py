"""The after-sales pages through the test client, per role (issue 15)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from duban.aftersales import services
from duban.aftersales.models import Case, MonthlyTable
from tests.base import BaseTestCase


class CasePageTests(BaseTestCase):
    def register(self, **fields):
        at = timezone.localtime().replace(microsecond=0) - dt.timedelta(days=fields.pop("ago", 0))
        return services.case_register(
            by=self.lead_a,
            team=self.team_a,
            reported_at=at,
            severity="normal",
            description="断网",
            **fields,
        )

    def test_S_AS_1_a_lead_registers_a_case_and_the_clock_shows(self):
        self.client.force_login(self.lead_a)
        response = self.client.post(
            reverse("aftersales:case_new"),
            {
                "team": self.team_a.pk,
                "severity": "high",
                "channel": "phone",
                "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "description": "账单不对",
            },
        )
        case = Case.objects.get()
        self.assertRedirects(response, case.get_absolute_url())
        page = self.client.get(case.get_absolute_url())
        self.assertFalse(page.context["clock"]["respond"]["late"])
        self.assertIn("accept", page.context["moves"])

    def test_a_report_in_the_future_or_years_ago_is_refused(self):
        self.client.force_login(self.lead_a)
        for when in ("2099-01-01T10:00", "2001-01-01T10:00"):
            with self.subTest(when):
                page = self.client.post(
                    reverse("aftersales:case_new"),
                    {
                        "team": self.team_a.pk,
                        "severity": "high",
                        "channel": "phone",
                        "reported_at": when,
                        "description": "x",
                    },
                )
                self.assertIn("reported_at", page.context["form"].errors)
        self.assertFalse(Case.objects.exists())

    def test_the_handler_sees_their_case_a_peer_does_not(self):
        mine = self.register(handler=self.member_a_employee)
        other = self.register(handler=self.worker_a)
        self.client.force_login(self.member_a)
        self.assertEqual(self.client.get(mine.get_absolute_url()).status_code, 200)
        self.assertEqual(self.client.get(other.get_absolute_url()).status_code, 404)
        table = self.client.get(reverse("aftersales:case_list")).context["table"]
        self.assertEqual(list(table.data), [mine])

    def test_S_AS_4_the_monthly_table_adds_up_to_the_month_s_cases_and_is_returned(self):
        self.register()
        self.register()
        self.client.force_login(self.supervisor)
        month = timezone.localdate().strftime("%Y-%m")
        page = self.client.get(reverse("aftersales:tables"), {"month": month})
        (table,) = page.context["tables"]
        self.assertEqual(len(table.rows), Case.objects.filter(team=self.team_a).count())
        self.client.force_login(self.lead_a)
        self.client.post(
            reverse("aftersales:tables") + f"?month={month}",
            {"table": table.pk, "corrections": "无"},
        )
        self.assertIsNotNone(MonthlyTable.objects.get().returned_at)

    def test_S_AS_2_the_review_lists_new_cases_and_records_what_was_asked(self):
        case = self.register()
        self.client.force_login(self.supervisor)
        page = self.client.get(reverse("aftersales:review"))
        team, _since, rows = page.context["groups"][0]
        self.assertEqual((team, rows[0][0]), (self.team_a, case))
        self.client.post(
            reverse("aftersales:review"), {"team": self.team_a.pk, "asked": "本周内全部回访"}
        )
        page = self.client.get(reverse("aftersales:review"))
        self.assertEqual(page.context["groups"][0][2], [])  # nothing new since

    def test_the_analysis_opens_its_cases(self):
        self.register()
        self.client.force_login(self.supervisor)
        page = self.client.get(reverse("aftersales:analysis"))
        self.assertEqual(sum(n for _c, n, _s, _pk in page.context["pareto"]), 1)
        for params in ({"month": "x"}, {"month": "1999-01"}):
            self.assertEqual(
                self.client.get(reverse("aftersales:analysis"), params).status_code, 200
            )
