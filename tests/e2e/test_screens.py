"""Every page at 375 px (a phone) and 1366 px (an office laptop): nothing runs off the page;
wide tables scroll inside their card (issue 10); the browser refuses nothing under the
Content-Security-Policy (issue 18). Screenshots land in test-artifacts/."""

from django.urls import reverse

from duban.supervision.tick import risks_sync
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase
from tests.receivables.test_aging import receivable

WIDTHS = [375, 1366]


class ScreenTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()
        c = self.cast
        receivable(c.team_a, "BIG-7", amount="1234567.89", customer="甲公司")
        risks_sync(today=c.receivable_a.due_date.replace(month=3))
        self.pages = {
            "duban": [
                reverse("supervision:agenda"),
                reverse("supervision:risk_board"),
                reverse("supervision:checkin_list"),
                reverse("supervision:matter_list"),
                reverse("supervision:risk_list"),
                reverse("supervision:plan_list"),
                reverse("supervision:rule_list"),
                reverse("supervision:calendar"),
                c.risk_a.get_absolute_url(),
                c.plan_a.get_absolute_url(),
                c.matter_a.get_absolute_url(),
                c.checkin_a.get_absolute_url(),
                reverse("receivables:receivable_list"),
                reverse("receivables:aging"),
                reverse("receivables:version_list"),
                c.receivable_a.get_absolute_url(),
                reverse("partners:partner_list"),
                c.customer_a.get_absolute_url(),
                reverse("org:team_list"),
                reverse("org:employee_list"),
                reverse("resources:resource_list"),
                c.resource_a.get_absolute_url(),
                reverse("resources:handover_board"),
                c.handover_a.get_absolute_url(),
                reverse("resources:cover") + f"?team={c.team_a.pk}",
                reverse("resources:version_list"),
                reverse("people:structure"),
                reverse("people:structure") + f"?team={c.team_a.pk}",
                reverse("people:change_list"),
                reverse("people:training_list") + "?month=2026-11",
                c.training_a.get_absolute_url(),
                reverse("people:talks"),
                reverse("people:employee", args=[c.member_a_employee.pk]),
                reverse("leads:request_board"),
                reverse("leads:tasks"),
                reverse("leads:lead_list"),
                reverse("leads:summary"),
                reverse("leads:summary") + f"?team={c.team_a.pk}",
                reverse("leads:cycles"),
                reverse("leads:calibration"),
                reverse("projects:project_list"),
                reverse("projects:indicator_board"),
                reverse("aftersales:case_list"),
                reverse("aftersales:review"),
                reverse("aftersales:tables"),
                reverse("aftersales:analysis"),
                reverse("cockpit:dashboard"),
                reverse("cockpit:scorecards"),
                reverse("cockpit:scorecard", args=[c.lead_a.pk]),
                reverse("cockpit:weights"),
                reverse("cockpit:report"),
                reverse("notify:mine"),
                reverse("api:token_list"),
                "/api/v1/docs",
            ],
            "weisheng": [
                reverse("cockpit:dashboard"),
                reverse("resources:resource_list"),
                reverse("resources:handover_new"),
                reverse("resources:import"),
                reverse("supervision:todo"),
                reverse("supervision:plan_submit", args=[c.plan_a.pk]),
                reverse("receivables:import"),
                c.customer_a.get_absolute_url(),
                reverse("people:change_new"),
                reverse("people:training_new"),
                c.training_a.get_absolute_url(),
                reverse("people:talk_new"),
                reverse("people:best_new"),
                reverse("leads:tasks") + f"?team={c.team_a.pk}",
                reverse("leads:lead_new"),
                reverse("projects:project_new"),
                reverse("aftersales:case_new"),
            ],
            "hengzhou": [
                reverse("home"),
                reverse("supervision:matter_list"),
                reverse("resources:resource_list"),
                reverse("resources:to_confirm"),
                c.handover_a.get_absolute_url(),
                reverse("people:employee", args=[c.member_a_employee.pk]),
            ],
        }

    def test_no_page_runs_off_the_screen_or_breaks_the_content_security_policy(self):
        for username, urls in self.pages.items():
            for width in WIDTHS:
                page = self.sign_in(self.new_page(width=width, height=900), username)
                refused = []  # what the browser refused under the Content-Security-Policy
                page.on(
                    "console",
                    lambda message, refused=refused: (
                        refused.append(message.text)
                        if "Content Security Policy" in message.text
                        else None
                    ),
                )
                for number, url in enumerate(urls):
                    with self.subTest(user=username, width=width, url=url):
                        refused.clear()
                        page.goto(self.live_server_url + url)
                        page.wait_for_load_state("networkidle")
                        wide = page.evaluate("document.documentElement.scrollWidth")
                        self.screenshot(page, f"screen-{username}-{width}-{number:02d}")
                        self.assertLessEqual(wide, width, f"{url} is {wide}px wide")
                        self.assertEqual(refused, [])
