"""The sales-lead pages through the test client, per role (issue 13)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from duban.leads.models import LeadSummary, LeadTask, PartnerCycle, SalesLead
from duban.supervision.choices import Outcome
from tests.leads.base import MONDAY, TARGET, LeadsTestCase


class RequestPageTests(LeadsTestCase):
    def test_S_LEAD_1_the_front_lead_agrees_a_target_with_milestones_the_back_confirms(self):
        request = self.raised()
        self.client.force_login(self.lead_a)
        page = self.client.get(request.get_absolute_url())
        self.assertTrue(page.context["may_agree"])
        self.client.post(
            reverse("leads:request_agree", args=[request.pk]),
            {
                "accepted": 30,
                "starts_on": MONDAY.isoformat(),
                "target_on": TARGET.isoformat(),
                "milestones": "2026-11-13 首批 10\n2026-11-27 全部 30",
            },
        )
        request.refresh_from_db()
        self.assertEqual(
            (request.status, request.accepted, request.agreed_front), ("agreed", 30, self.lead_a)
        )
        self.assertEqual([m.quantity for m in request.milestones.all()], [10, 30])
        self.client.force_login(self.back_lead)
        self.client.post(reverse("leads:request_confirm", args=[request.pk]))
        request.refresh_from_db()
        self.assertEqual(request.agreed_back, self.back_lead)

    def test_a_bad_milestone_line_is_said_and_nothing_changes(self):
        request = self.raised()
        self.client.force_login(self.lead_a)
        response = self.client.post(
            reverse("leads:request_agree", args=[request.pk]),
            {
                "accepted": 30,
                "starts_on": "2026-11-02",
                "target_on": "2026-11-27",
                "milestones": "下周 首批",
            },
            follow=True,
        )
        self.assertContains(response, "日期应写成")
        request.refresh_from_db()
        self.assertEqual(request.status, "raised")

    def test_the_back_end_sees_its_requests_and_leads_delivered_for_it_not_other_pipelines(self):
        request = self.agreed()
        self.delivered(request, MONDAY)
        self.lead(prospect="别的客户", partner=None)  # team A's own lead, for no request
        self.client.force_login(self.back_lead)
        board = self.client.get(reverse("leads:request_board"))
        self.assertIn(self.back_team, board.context["groups"])
        leads = self.client.get(reverse("leads:lead_list")).context["rows"]
        self.assertEqual([lead.request_id for lead in leads], [request.pk])
        self.assertEqual(self.client.get(reverse("leads:tasks")).context["rows"], [])
        self.client.force_login(self.lead_b)
        self.assertEqual(self.client.get(request.get_absolute_url()).status_code, 404)

    def test_the_projection_chart_adds_up_to_the_delivered_leads(self):
        request = self.agreed()
        self.delivered(request, MONDAY, dt.date(2026, 11, 3), dt.date(2026, 11, 3))
        self.client.force_login(self.supervisor)
        page = self.client.get(request.get_absolute_url())
        done = [n for n in page.context["chart"]["series"][0]["data"] if n is not None]
        self.assertEqual(max(done), SalesLead.objects.filter(request=request).count())


class TaskPageTests(LeadsTestCase):
    def test_S_LEAD_2_a_lead_arranges_the_day_and_collects_the_result(self):
        day = timezone.localdate()
        self.client.force_login(self.lead_a)
        url = reverse("leads:tasks") + f"?team={self.team_a.pk}&day={day}"
        self.client.post(
            url,
            {"arrange": "1", "assignee": self.worker_a.pk, "work": "回访意向客户", "planned": 20},
        )
        task = LeadTask.objects.get()
        self.assertEqual(self.client.get(url).context["missing"], 1)
        self.client.post(
            url,
            {
                "task": task.pk,
                f"t{task.pk}-outcome": "partly",
                f"t{task.pk}-achieved": "12",
                f"t{task.pk}-explained": "on",
            },
        )
        task.refresh_from_db()
        self.assertEqual((task.outcome, task.achieved, task.explained), (Outcome.PARTLY, 12, True))
        self.assertEqual(self.client.get(url).context["missing"], 0)

    def test_nonsense_days_and_teams_are_ignored(self):
        self.client.force_login(self.supervisor)
        for params in (
            {"day": "2026-13-40"},
            {"day": "0001-01-01"},
            {"team": "x"},
            {"team": self.team_c.pk},
        ):
            with self.subTest(params):
                self.assertEqual(self.client.get(reverse("leads:tasks"), params).status_code, 200)


class SummaryPageTests(LeadsTestCase):
    def test_S_LEAD_5_the_day_s_summary_keeps_the_day_s_figures_and_history(self):
        self.lead(delivered_on=timezone.localdate())
        self.client.force_login(self.lead_a)
        url = reverse("leads:summary") + f"?team={self.team_a.pk}"
        data = {"text": "今天交付一条", "next_target": "本周 10 条", "next_milestone": "周五首批"}
        self.client.post(url, data)
        summary = LeadSummary.objects.get()
        self.assertEqual(summary.figures["delivered"], 1)
        LeadSummary.objects.create(
            team=self.team_a,
            date=summary.date - dt.timedelta(days=1),
            text="今天交付一条",
            next_target="x",
            next_milestone="y",
        )
        page = self.client.get(url)
        self.assertIn(summary.pk, page.context["unchanged"])  # the same text as the day before
        overview = self.client.get(reverse("leads:summary"))
        self.assertIn((self.team_a, summary), overview.context["rows"])


class CyclePageTests(LeadsTestCase):
    def test_S_LEAD_6_a_cycle_is_set_and_its_next_reporting_days_listed(self):
        self.client.force_login(self.lead_a)
        self.client.post(
            reverse("leads:cycles"),
            {
                "partner": self.partner.pk,
                "team": self.team_a.pk,
                "cycle": "monthly",
                "day": 10,
                "lead_days": 3,
            },
        )
        cycle = PartnerCycle.objects.get()
        page = self.client.get(reverse("leads:cycles"))
        days = [day for day, _follow, found, _done in page.context["rows"] if found == cycle]
        self.assertTrue(days)
        self.assertTrue(all(day.day == 10 for day in days))

    def test_the_partner_page_shows_the_cycle_and_the_partner_s_leads(self):
        self.client.force_login(self.lead_a)
        self.client.post(
            reverse("leads:cycles"),
            {
                "partner": self.partner.pk,
                "team": self.team_a.pk,
                "cycle": "monthly",
                "day": 10,
                "lead_days": 3,
            },
        )
        found = self.lead(prospect="乙集团二期", partner=self.partner)
        page = self.client.get(reverse("partners:partner_detail", args=[self.partner.pk]))
        html = page.content.decode()
        self.assertTrue("报计划周期" in html and found.get_absolute_url() in html)
        self.assertFalse("没有销线记录" in html)

    def test_a_weekly_cycle_needs_a_weekday(self):
        self.client.force_login(self.lead_a)
        page = self.client.post(
            reverse("leads:cycles"),
            {
                "partner": self.partner.pk,
                "team": self.team_a.pk,
                "cycle": "weekly",
                "day": 9,
                "lead_days": 3,
            },
        )
        self.assertIn("day", page.context["form"].errors)
        self.assertFalse(PartnerCycle.objects.exists())


class CalibrationPageTests(LeadsTestCase):
    def test_S_LEAD_4_bands_and_owners_from_closed_leads(self):
        for probability, stage in ((80, "won"), (80, "lost"), (20, "lost")):
            self.lead(
                probability=probability,
                stage=stage,
                closed_on=MONDAY,
                lost_reason="价格" if stage == "lost" else "",
            )
        self.client.force_login(self.supervisor)
        page = self.client.get(reverse("leads:calibration"))
        self.assertEqual(page.context["overall"].closed, 3)
        band = page.context["overall"].bands[-1]  # 80–100 %: two leads, one won
        listed = self.client.get(reverse("leads:lead_list"), {"band": f"{band.low}-{band.high}"})
        self.assertEqual(len(listed.context["rows"]), band.leads)
        owner, figures = page.context["owners"][0]
        self.assertEqual(owner, self.worker_a)
        self.assertAlmostEqual(figures.brier, ((0.8 - 1) ** 2 + 0.8**2 + 0.2**2) / 3)
