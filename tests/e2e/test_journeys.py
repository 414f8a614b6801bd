"""End-to-end journeys of the foundation in a real browser (issue 2)."""

from django.urls import reverse

from duban.org.models import Employee
from tests.base import make_cast
from tests.e2e.browser import BrowserTestCase


class ShellJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()

    def test_supervisor_sees_the_shell_switches_to_english_and_back(self):
        page = self.sign_in(self.new_page(), "duban")
        nav = page.locator("#main-nav")
        assert nav.get_by_role("link", name="团队").is_visible()
        assert "刘婷" in page.locator("#user-menu").inner_text()
        self.screenshot(page, "shell-supervisor-zh")

        page.select_option("#language-select", "en")
        page.wait_for_selector("html[lang=en]")
        assert nav.get_by_role("link", name="Teams").is_visible()
        assert page.get_by_role("heading", name="Today's agenda").is_visible()
        self.screenshot(page, "shell-supervisor-en")

        page.select_option("#language-select", "zh-hans")
        page.wait_for_selector("html[lang=zh-hans]")
        assert nav.get_by_role("link", name="团队").is_visible()

        page.click("#user-menu")
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_selector("text=登录督办系统")

    def test_a_lead_sees_only_their_own_team(self):
        page = self.sign_in(self.new_page(), "weisheng")
        assert page.get_by_role("heading", name="我的待办").is_visible()
        page.locator("#main-nav").get_by_role("link", name="团队").click()
        rows = page.locator("main table tbody tr")
        assert rows.filter(has_text="电销一组").count() == 1
        assert rows.filter(has_text="电销二组").count() == 0
        page.goto(self.live_server_url + reverse("org:team_detail", args=[self.cast.team_b.pk]))
        assert "找不到这个页面" in page.content()

    def test_the_shell_works_on_a_phone(self):
        page = self.sign_in(self.new_page(width=375, height=740), "duban")
        menu = page.locator("#main-nav").get_by_role("link", name="员工")
        assert not menu.is_visible()
        page.click(".navbar-toggler")
        menu.wait_for(state="visible")
        menu.click()
        page.wait_for_selector("table")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"page is {width}px wide on a 375px screen"
        self.screenshot(page, "employees-phone")


class StaleEditJourneyTests(BrowserTestCase):
    def setUp(self):
        self.cast = make_cast()

    def test_the_second_of_two_browsers_is_refused_in_chinese(self):
        edit = self.live_server_url + reverse("org:employee_edit", args=[self.cast.worker_a.pk])
        supervisor = self.sign_in(self.new_page(), "duban")
        lead = self.sign_in(self.new_page(), "weisheng")
        supervisor.goto(edit)
        lead.goto(edit)

        supervisor.fill("#id_daily_capacity", "150")
        supervisor.click("main button[type=submit]")
        supervisor.wait_for_selector("text=已保存")

        lead.fill("#id_daily_capacity", "60")
        lead.click("main button[type=submit]")
        lead.wait_for_selector("text=已被 刘婷")
        self.screenshot(lead, "stale-edit-refused")
        assert Employee.objects.get(pk=self.cast.worker_a.pk).daily_capacity == 150
