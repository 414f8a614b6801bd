"""Login throttling (issue 18, defect 5): repeated wrong passwords lock a user name out from an
address for the cool-off, even with the right password; others are not locked out."""

import datetime as dt

from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.base import BaseTestCase
from tests.factories import UserFactory

PASSWORD = "right-horse-battery"


class LoginThrottleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.victim = UserFactory(username="zhangsan", name="张三")
        cls.victim.set_password(PASSWORD)
        cls.victim.save()

    def login(self, password, username="zhangsan", address="10.0.0.1", **headers):
        return self.client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
            **headers,
        )

    def fail(self, times, **kwargs):
        """Wrong passwords: each refused on the login form, the fifth with the lockout page."""
        for n in range(1, times + 1):
            self.assertEqual(self.login("wrong", **kwargs).status_code, 429 if n >= 5 else 200)

    def test_five_wrong_passwords_lock_out_even_the_right_one(self):
        self.fail(5)
        page = self.login(PASSWORD)
        self.assertEqual(page.status_code, 429)
        self.assertContains(page, "连续 5 次密码错误", status_code=429)
        self.assertContains(page, "请 15 分钟后再试，或请管理员解锁", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_right_password_before_the_limit_clears_the_count(self):
        self.fail(4)
        self.assertEqual(self.login(PASSWORD).status_code, 302)
        self.client.logout()
        self.fail(4)
        self.assertEqual(self.login(PASSWORD).status_code, 302)

    def test_the_lock_is_for_that_user_from_that_address(self):
        self.fail(5)
        self.assertEqual(self.login(PASSWORD).status_code, 429)
        self.assertEqual(self.login(PASSWORD, address="10.0.0.2").status_code, 302)
        self.client.logout()
        colleague = UserFactory(username="lisi")
        colleague.set_password(PASSWORD)
        colleague.save()
        self.assertEqual(self.login(PASSWORD, username="lisi").status_code, 302)

    def test_the_lock_ends_after_the_cool_off(self):
        self.fail(5)
        sixteen_minutes_ago = timezone.now() - dt.timedelta(minutes=16)
        AccessAttempt.objects.update(attempt_time=sixteen_minutes_ago)
        self.assertEqual(self.login(PASSWORD).status_code, 302)

    def test_the_admin_unlocks_by_deleting_the_attempts(self):
        self.fail(5)
        self.assertTrue(AccessAttempt.objects.filter(username="zhangsan").exists())
        self.client.force_login(self.admin)
        page = self.client.get(reverse("admin:axes_accessattempt_changelist"))
        self.assertContains(page, "zhangsan")
        self.client.logout()
        AccessAttempt.objects.filter(username="zhangsan").delete()
        self.assertEqual(self.login(PASSWORD).status_code, 302)

    def test_a_forged_forwarded_address_is_not_believed_without_proxies(self):
        for n in range(5):
            self.login("wrong", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
        self.assertEqual(self.login(PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9").status_code, 429)

    @override_settings(PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_it_appended_counts(self):
        self.fail(5, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", address="127.0.0.1")
        locked = self.login(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", address="127.0.0.1")
        self.assertEqual(locked.status_code, 429)
        other = self.login(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", address="127.0.0.1")
        self.assertEqual(other.status_code, 302)
