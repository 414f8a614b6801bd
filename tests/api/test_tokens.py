"""Personal API tokens: made and shown once, listed by prefix, kept hashed, revoked (issue 17)."""

import hashlib
import re

from django.urls import reverse

from duban.api.models import ApiToken
from duban.api.services import LIVE_TOKENS_PER_USER, token_create
from tests.api.base import ApiTestCase


class TokenPageTests(ApiTestCase):
    def make(self, user, name="每日报表脚本"):
        self.client.force_login(user)
        return self.client.post(reverse("api:token_list"), {"name": name})

    def test_a_token_is_shown_once_and_listed_by_its_prefix_only(self):
        page = self.make(self.lead_a)
        token = page.context["created"]["token"]
        self.assertRegex(token, r"^duban_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")
        self.assertContains(page, token)
        self.assertEqual(
            page["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private"
        )
        again = self.client.get(reverse("api:token_list"))
        record = ApiToken.objects.get(user=self.lead_a, name="每日报表脚本")
        self.assertContains(again, f"{record.prefix}…")
        self.assertNotContains(again, token)
        self.assertTrue(token.startswith(record.prefix))

    def test_a_token_is_kept_as_its_sha256_only(self):
        token = self.make(self.lead_a).context["created"]["token"]
        record = ApiToken.objects.get(user=self.lead_a, name="每日报表脚本")
        self.assertEqual(record.key_hash, hashlib.sha256(token.encode()).hexdigest())
        stored = [str(value) for value in vars(record).values()]
        self.assertFalse(any(token in value for value in stored))

    def test_the_made_token_works_until_it_is_revoked(self):
        token = self.make(self.lead_a).context["created"]["token"]
        me = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(me.json()["username"], "weisheng")
        record = ApiToken.objects.get(user=self.lead_a, name="每日报表脚本")
        done = self.client.post(reverse("api:token_revoke", args=[record.pk]), follow=True)
        self.assertContains(done, "已撤销令牌“每日报表脚本”")
        refused = self.client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(refused.status_code, 401)
        self.assertEqual(refused.json(), {"detail": "API 令牌无效或已撤销。"})

    def test_someone_elses_token_cannot_be_revoked(self):
        record, token = token_create(user=self.lead_a, name="脚本")
        self.client.force_login(self.lead_b)
        response = self.client.post(reverse("api:token_revoke", args=[record.pk]))
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(ApiToken.objects.get(pk=record.pk).revoked_at)

    def test_each_user_lists_only_their_own_tokens(self):
        token_create(user=self.lead_a, name="维盛的脚本")
        self.client.force_login(self.lead_b)
        self.assertNotContains(self.client.get(reverse("api:token_list")), "维盛的脚本")

    def test_a_member_may_have_a_token(self):
        page = self.make(self.member_a)
        self.assertEqual(page.status_code, 200)
        self.assertIn("token", page.context["created"])

    def test_a_name_is_required_and_live_tokens_are_limited(self):
        self.assertContains(self.make(self.lead_a, name=""), "这个字段是必填项")
        for n in range(LIVE_TOKENS_PER_USER - 1):  # one is made for every test
            token_create(user=self.supervisor, name=f"脚本{n}")
        page = self.make(self.supervisor)
        self.assertIsNone(page.context["created"])
        self.assertContains(page, "请先撤销不用的令牌")

    def test_the_user_menu_links_the_token_page(self):
        self.client.force_login(self.member_a)
        home = self.client.get(reverse("home"))
        self.assertContains(home, f'href="{reverse("api:token_list")}"')
        self.assertContains(home, "API 令牌")


class TokenAuthTests(ApiTestCase):
    def test_no_token_is_a_401_in_chinese(self):
        response = self.get(None, "/teams")
        self.assertEqual(response.status_code, 401)
        self.assertIn("Authorization: Bearer", response.json()["detail"])
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="duban"')

    def test_a_wrong_or_malformed_token_is_a_401(self):
        for header in [
            "Bearer nonsense",
            "Bearer duban_0000_x",
            "Token abc",
            "Bearer ",
            "Basic eDp5",
        ]:
            with self.subTest(header=header):
                response = self.client.get("/api/v1/teams", HTTP_AUTHORIZATION=header)
                self.assertEqual(response.status_code, 401)
                self.assertRegex(response.json()["detail"], "令牌")

    def test_a_session_is_not_enough_for_the_api(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get("/api/v1/teams").status_code, 401)

    def test_an_inactive_users_token_is_refused(self):
        self.lead_a.is_active = False
        self.lead_a.save(update_fields=["is_active"])
        response = self.get("lead_a", "/teams")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json(), {"detail": "这个令牌所属的账号已停用。"})

    def test_the_last_use_is_recorded(self):
        record = ApiToken.objects.get(user=self.lead_a)
        self.assertIsNone(record.last_used_at)
        self.get("lead_a", "/me")
        record.refresh_from_db()
        self.assertIsNotNone(record.last_used_at)

    def test_me_names_the_user_and_the_tokens_prefix(self):
        me = self.get("supervisor", "/me").json()
        record = ApiToken.objects.get(user=self.supervisor)
        self.assertEqual((me["username"], me["role"], me["name"]), ("duban", "supervisor", "刘婷"))
        self.assertIn(record.prefix, me["token"])
        self.assertFalse(re.search(self.tokens["supervisor"], me["token"]))

    def test_a_change_through_the_api_is_in_the_history_under_the_tokens_user(self):
        checkin = self.checkin_a
        self.post(
            "supervisor",
            f"/checkins/{checkin.pk}/record",
            {"version": checkin.version, "outcome": "done", "findings": "已沟通"},
        )
        latest = checkin.history.first()
        self.assertEqual(latest.history_user, self.supervisor)
