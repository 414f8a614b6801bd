"""The cockpit's pages through the test client, per role: the dashboard, the ranking, one
lead's scorecard with its evidence, the weights."""

import io
from unittest import mock

from django.urls import reverse
from python_calamine import CalamineWorkbook

from duban.cockpit.models import Adjustment, Comment, Weight
from duban.core.scoring import MEASURES, Dimension
from tests.base import BaseTestCase
from tests.cockpit.test_scorecard import FAKES

SCORECARDS = reverse("cockpit:scorecards")


class ScorecardPageTests(BaseTestCase):
    def setUp(self):
        patcher = mock.patch.dict(MEASURES, FAKES, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def scorecard(self, lead=None, **params):
        url = reverse("cockpit:scorecard", args=[(lead or self.lead_a).pk])
        return self.client.get(url, {"month": "2026-11", **params})

    def test_the_supervisor_ranks_the_leads_of_their_lines(self):
        self.client.force_login(self.supervisor)
        page = self.client.get(SCORECARDS, {"month": "2026-11"})
        self.assertEqual([c.lead for c in page.context["cards"]], [self.lead_a, self.lead_b])

    def test_the_supervisor_of_line_2_sees_no_lead_of_line_1(self):
        self.client.force_login(self.other_supervisor)
        page = self.client.get(SCORECARDS)
        self.assertEqual(page.context["cards"], [])
        self.assertEqual(self.scorecard().status_code, 404)

    def test_S_EVAL_1_a_lead_sees_their_own_scorecard_and_nobody_else_s(self):
        self.client.force_login(self.lead_a)
        response = self.client.get(SCORECARDS, {"month": "2026-11"})
        self.assertRedirects(
            response, reverse("cockpit:scorecard", args=[self.lead_a.pk]) + "?month=2026-11"
        )
        page = self.scorecard()
        self.assertIsNone(page.context["comment_form"])
        self.assertEqual(page.context["adjust_forms"], {})
        self.assertEqual(self.scorecard(self.lead_b).status_code, 404)

    def test_S_EVAL_1_the_page_shows_each_score_with_the_items_behind_it(self):
        self.client.force_login(self.supervisor)
        page = self.scorecard()
        html = page.content.decode()
        self.assertEqual(page.context["card"].dimension(Dimension.EXECUTION).score, 56.2)
        for n in range(4):
            self.assertIn(f"事项 {n}", html)
        self.assertIn('data-score="resources"', html)
        self.assertEqual(len(page.context["trend"]), 6)

    def test_S_EVAL_1_the_supervisor_adjusts_with_a_reason_and_it_is_shown(self):
        self.client.force_login(self.supervisor)
        url = reverse("cockpit:adjust", args=[self.lead_a.pk])
        data = {"dimension": "improvement", "points": -10, "month": "2026-11"}
        self.client.post(url, {**data, "reason": ""})
        self.assertFalse(Adjustment.objects.exists())
        response = self.client.post(url, {**data, "reason": "周总结缺两次"})
        self.assertRedirects(
            response, reverse("cockpit:scorecard", args=[self.lead_a.pk]) + "?month=2026-11"
        )
        self.client.force_login(self.lead_a)
        page = self.scorecard()
        improvement = page.context["card"].dimension(Dimension.IMPROVEMENT)
        self.assertEqual((improvement.raw, improvement.score), (60.0, 50.0))
        self.assertIn("周总结缺两次", page.content.decode())

    def test_a_stale_adjustment_is_refused_in_chinese(self):
        self.client.force_login(self.supervisor)
        url = reverse("cockpit:adjust", args=[self.lead_a.pk])
        data = {"dimension": "execution", "points": 5, "reason": "支援", "month": "2026-11"}
        self.client.post(url, data)
        page = self.client.post(url, {**data, "points": 3}, follow=True)  # the form had none
        self.assertIn("保存失败", page.content.decode())
        self.assertEqual(Adjustment.objects.get().points, 5)

    def test_the_supervisor_comments(self):
        self.client.force_login(self.supervisor)
        url = reverse("cockpit:comment", args=[self.lead_a.pk])
        self.client.post(url, {"text": "月中调整及时", "month": "2026-11"})
        self.assertEqual(Comment.objects.get().month.isoformat(), "2026-11-01")
        self.assertIn("月中调整及时", self.scorecard().content.decode())

    def test_the_executive_reads_every_scorecard_and_writes_nothing(self):
        self.client.force_login(self.executive)
        self.assertEqual(len(self.client.get(SCORECARDS).context["cards"]), 2)
        page = self.scorecard()
        self.assertEqual((page.context["comment_form"], page.context["adjust_forms"]), (None, {}))
        url = reverse("cockpit:adjust", args=[self.lead_a.pk])
        self.assertEqual(self.client.post(url, {"points": 5, "reason": "x"}).status_code, 403)

    def test_the_ranking_exports_to_excel(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(SCORECARDS, {"month": "2026-11", "export": "xlsx"})
        data = b"".join(response.streaming_content)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        self.assertEqual(rows[0][:3], ["主管", "月份", "总分"])
        self.assertEqual([row[0] for row in rows[1:]], ["维盛", "王立霞"])

    def test_a_future_or_nonsense_month_shows_this_month(self):
        self.client.force_login(self.supervisor)
        for month in ["2099-01", "x", "2026-13"]:
            with self.subTest(month):
                page = self.scorecard(month=month)
                self.assertEqual(page.status_code, 200)
                self.assertLessEqual(page.context["month"], page.context["trend"][-1]["month"])

    def test_the_admin_edits_the_weights_others_read_them(self):
        self.client.force_login(self.supervisor)
        url = reverse("cockpit:weights")
        self.assertContains(self.client.get(url), "维度分")
        self.assertEqual(self.client.post(url, {"dimension:execution": "2"}).status_code, 403)
        self.client.force_login(self.admin)
        form = self.client.get(url).context["form"]
        data = {name: str(field.initial) for name, field in form.fields.items()}
        data["milestones"] = "2"
        self.assertRedirects(self.client.post(url, data), url)
        self.assertEqual(Weight.objects.get(key="milestones").weight, 2)
        data["plans"] = "11"
        page = self.client.post(url, data)
        self.assertTrue(page.context["form"].errors["plans"])
