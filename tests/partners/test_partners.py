"""Partners (往来单位) shared by the areas: one page each, condition kept by those who know it
(issue 9)."""

import datetime as dt

from django.urls import reverse

from duban.core.transitions import TransitionError
from duban.partners import services
from duban.partners.choices import Condition
from duban.partners.models import Partner
from duban.receivables.models import Receivable
from tests.base import BaseTestCase
from tests.receivables.test_aging import receivable

DAY = dt.date(2026, 3, 2)


def note(partner, user, condition, text="情况"):
    return services.condition_note_add(
        partner=partner, by=user, date=DAY, condition=condition, note=text
    )


class ConditionTests(BaseTestCase):
    def test_the_first_lead_to_record_a_condition_sets_it_for_their_team(self):
        note(self.customer_a, self.lead_a, Condition.WATCH)
        self.customer_a.refresh_from_db()
        self.assertEqual(
            (self.customer_a.condition, self.customer_a.condition_team), ("watch", self.team_a)
        )

    def test_a_lead_who_just_met_the_partner_cannot_overturn_another_teams_condition(self):
        note(self.customer_a, self.lead_a, Condition.RISKY, "法人变更")
        receivable(self.team_b, "B-1", customer="甲公司")  # team B meets it through an import
        with self.assertRaises(TransitionError) as caught:
            note(self.customer_a, self.lead_b, Condition.NORMAL)
        self.assertIn("电销一组", str(caught.exception))
        note(self.customer_a, self.lead_b, Condition.RISKY, "我方也发现付款慢")  # may add
        self.customer_a.refresh_from_db()
        self.assertEqual(
            (self.customer_a.condition, self.customer_a.condition_team), ("risky", self.team_a)
        )
        note(self.customer_a, self.lead_a, Condition.WATCH)  # the recording team may
        note(self.customer_a, self.supervisor, Condition.NORMAL)  # and a supervisor

    def test_the_page_says_who_may_change_it(self):
        note(self.customer_a, self.supervisor, Condition.WATCH)
        receivable(self.team_b, "B-1", customer="甲公司")
        self.client.force_login(self.lead_b)
        response = self.client.get(self.customer_a.get_absolute_url())
        self.assertContains(response, "不能改动状况")
        response = self.client.post(
            reverse("partners:condition_note_add", args=[self.customer_a.pk]),
            {"date": "2026-03-02", "condition": "normal", "note": "看起来正常"},
            follow=True,
        )
        self.assertContains(response, "只有该团队的主管或督办可以修改")


class PartnerPageTests(BaseTestCase):
    def test_the_page_shows_what_each_area_holds_and_what_is_open_about_it(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(self.customer_a.get_absolute_url())
        self.assertContains(response, "INV-A-001")  # receivables' section
        self.assertContains(response, "督办中")  # the engine's panel

    def test_a_lead_sees_only_the_rows_of_their_teams(self):
        receivable(self.team_b, "B-9", customer="甲公司")
        self.client.force_login(self.lead_a)
        response = self.client.get(self.customer_a.get_absolute_url())
        self.assertContains(response, "INV-A-001")
        self.assertNotContains(response, "B-9")

    def test_a_partner_no_team_of_the_user_deals_with_is_a_404(self):
        stranger = Partner.objects.create(name="丙公司")
        self.client.force_login(self.lead_a)
        self.assertEqual(self.client.get(stranger.get_absolute_url()).status_code, 404)
        self.client.force_login(self.executive)
        self.assertEqual(self.client.get(stranger.get_absolute_url()).status_code, 200)

    def test_the_list_searches_by_name_and_pages(self):
        self.client.force_login(self.lead_a)
        response = self.client.get(reverse("partners:partner_list"), {"q": "甲"})
        self.assertContains(response, "甲公司")
        response = self.client.get(reverse("partners:partner_list"), {"q": "无此单位"})
        self.assertContains(response, "没有找到")
        response = self.client.get(reverse("partners:partner_list"), {"page": "-1"})
        self.assertEqual(response.status_code, 200)

    def test_receivables_still_link_to_their_partner(self):
        self.assertEqual(
            Receivable.objects.get(pk=self.receivable_a.pk).customer.get_absolute_url(),
            reverse("partners:partner_detail", args=[self.customer_a.pk]),
        )
