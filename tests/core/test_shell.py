"""The page shell: Chinese by default, English on request, navigation, error pages (issue 2)."""

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import UserFactory


class ShellTests(BaseTestCase):
    def test_anonymous_visitors_are_sent_to_a_chinese_login_page(self):
        response = self.client.get(reverse("home"), follow=True)
        self.assertContains(response, "登录督办系统")
        self.assertContains(response, '<html lang="zh-hans">')

    def test_a_wrong_password_is_explained_in_chinese(self):
        response = self.client.post(reverse("login"), {"username": "duban", "password": "nope"})
        self.assertContains(response, "请输入一个正确的")

    def test_login_takes_the_supervisor_to_the_agenda(self):
        self.client.post(reverse("login"), {"username": "duban", "password": "pw"})
        response = self.client.get(reverse("home"), follow=True)
        self.assertEqual(response.redirect_chain[-1][0], reverse("supervision:agenda"))
        self.assertContains(response, "刘婷")
        self.assertContains(response, "今日督办")

    def test_chinese_even_when_the_browser_asks_for_english(self):
        self.client.force_login(self.member_a)
        response = self.client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, "我能看到的团队")

    def test_the_language_switch_changes_to_english_and_back(self):
        self.client.force_login(self.member_a)
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("home"))
        self.assertContains(response, '<html lang="en">')
        self.assertContains(response, "Teams I can see")
        self.client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
        self.assertContains(self.client.get(reverse("home")), "我能看到的团队")

    def test_the_navigation_shows_only_areas_that_exist(self):
        self.client.force_login(self.lead_a)
        response = self.client.get(reverse("org:team_list"))
        nav = [item["url"] for item in response.context["nav_items"]]
        self.assertEqual(
            nav,
            [
                "/supervision/todo/",
                "/cockpit/",
                "/cockpit/scorecards/",
                "/supervision/board/",
                "/supervision/matters/",
                "/supervision/checkins/",
                "/supervision/rules/",
                "/supervision/calendar/",
                "/resources/",
                "/people/",
                "/leads/",
                "/projects/",
                "/receivables/",
                "/aftersales/",
                "/partners/",
                "/org/teams/",
                "/org/employees/",
            ],
        )
        self.assertNotContains(response, reverse("admin:index"))
        self.client.force_login(self.member_a)
        nav = [i["url"] for i in self.client.get(reverse("home")).context["nav_items"]]
        self.assertEqual(
            nav,
            ["/supervision/matters/", "/resources/", "/people/", "/org/teams/", "/org/employees/"],
        )

    def test_admins_see_the_admin_link(self):
        self.client.force_login(self.admin)
        self.assertContains(self.client.get(reverse("home")), reverse("admin:index"))

    def test_the_page_is_built_for_phones(self):
        self.client.force_login(self.member_a)
        response = self.client.get(reverse("home"))
        self.assertContains(response, 'name="viewport" content="width=device-width')
        self.assertContains(response, "navbar-toggler")

    def test_a_user_without_teams_sees_an_empty_state(self):
        self.client.force_login(UserFactory(username="newcomer"))
        self.assertContains(self.client.get(reverse("home")), "您目前没有可查看的团队")

    def test_the_password_can_be_changed(self):
        self.client.force_login(self.lead_a)
        response = self.client.post(
            reverse("password_change"),
            {"old_password": "pw", "new_password1": "Qz8!duban-x", "new_password2": "Qz8!duban-x"},
        )
        self.assertRedirects(response, reverse("password_change_done"))
        self.lead_a.refresh_from_db()
        self.assertTrue(self.lead_a.check_password("Qz8!duban-x"))


@override_settings(DEBUG=False)
class ErrorPageTests(BaseTestCase):
    def test_404_is_in_chinese(self):
        self.client.force_login(self.lead_b)
        response = self.client.get(reverse("org:team_detail", args=[self.team_a.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "找不到这个页面", status_code=404)

    def test_403_is_in_chinese(self):
        self.client.force_login(self.executive)
        response = self.client.get(reverse("org:employee_create"))
        self.assertContains(response, "您没有权限执行这个操作", status_code=403)

    def test_500_is_in_chinese_and_needs_no_database(self):
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        self.assertIn("服务器出错了", html)
        self.assertIn(settings.LANGUAGE_CODE, html)


class NavigationTests(BaseTestCase):
    def test_the_most_specific_area_is_marked_active(self):
        self.client.force_login(self.supervisor)
        response = self.client.get(reverse("supervision:matter_list"))
        active = [item["url"] for item in response.context["nav_items"] if item["active"]]
        self.assertEqual(active, ["/supervision/matters/"])
