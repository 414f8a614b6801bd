"""The cockpit in a browser: the executive's dashboard → a red cell of the heat map → the
risk → its plan (issue 16); and a lead's scorecard on a phone."""

from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase


class CockpitJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()

    def test_from_the_executive_dashboard_to_the_plan_of_a_red_risk(self):
        risk, plan = self.cast.risk_a, self.cast.plan_a
        page = self.sign_in(self.new_page(), "lingdao")
        page.goto(self.live_server_url + "/")
        page.wait_for_selector("#heat-table")
        assert page.url.endswith("/cockpit/")
        self.screenshot(page, "cockpit-dashboard")
        row = page.locator("#heat-table tr", has_text=risk.team.name)
        row.locator("a .text-danger").first.click()
        page.wait_for_selector(f"text={risk.title}")
        assert "level=red" in page.url
        page.get_by_role("link", name=risk.title).first.click()
        page.wait_for_selector(f"a[href='{plan.get_absolute_url()}']")
        page.locator(f"a[href='{plan.get_absolute_url()}']").first.click()
        page.wait_for_url(f"**{plan.get_absolute_url()}")
        assert "资源来源单一" in page.content()  # the plan's submitted version

    def test_a_lead_reads_their_scorecard_on_a_phone(self):
        page = self.sign_in(self.new_page(375, 800), "weisheng")
        page.goto(self.live_server_url + "/cockpit/scorecards/")
        page.wait_for_selector("#dimension-execution")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("#dimension-execution summary").first.click()
        self.screenshot(page, "cockpit-scorecard-phone")
