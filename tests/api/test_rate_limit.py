"""Each token may make settings.API_RATE requests a minute; the count is kept in the database,
so the limit holds across worker processes and app servers (issue 17)."""

import datetime as dt
from unittest import mock

from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone

from duban.api.models import ApiToken
from duban.api.services import token_use
from tests.api.base import ApiTestCase

MINUTE = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def at(seconds: int):
    return mock.patch(
        "django.utils.timezone.now", return_value=MINUTE + dt.timedelta(seconds=seconds)
    )


@override_settings(API_RATE=3)
class RateLimitTests(ApiTestCase):
    def test_a_request_past_the_rate_is_a_429_until_the_next_minute(self):
        with at(20):
            for _ in range(3):
                self.assertEqual(self.get("lead_a", "/me").status_code, 200)
            refused = self.get("lead_a", "/me")
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused.json(), {"detail": "请求太频繁，请 40 秒后再试。"})
        self.assertEqual(refused["Retry-After"], "40")
        with at(65):
            self.assertEqual(self.get("lead_a", "/me").status_code, 200)

    def test_writes_count_too_and_a_refused_one_changes_nothing(self):
        data = {"version": self.checkin_a.version, "outcome": "done", "findings": "已沟通"}
        with at(0):
            for _ in range(3):
                self.get("supervisor", "/me")
            response = self.post("supervisor", f"/checkins/{self.checkin_a.pk}/record", data)
        self.assertEqual(response.status_code, 429)
        self.checkin_a.refresh_from_db()
        self.assertEqual(self.checkin_a.status, "planned")

    def test_each_token_has_its_own_count(self):
        with at(0):
            for _ in range(4):
                self.get("lead_a", "/me")
            self.assertEqual(self.get("lead_a", "/me").status_code, 429)
            self.assertEqual(self.get("lead_b", "/me").status_code, 200)

    def test_the_count_is_in_the_database_not_in_a_process(self):
        """Two processes share nothing but the database: each loads the token afresh and has
        its own (here: emptied) cache, yet together they get the rate, not twice it."""
        pk = ApiToken.objects.get(user=self.lead_a).pk
        allowed = 0
        with at(30):
            for _ in range(6):  # alternately in "process" one and two
                caches["default"].clear()
                allowed += token_use(token=ApiToken.objects.get(pk=pk)) is None
        self.assertEqual(allowed, 3)
        self.assertEqual(ApiToken.objects.get(pk=pk).window_count, 3)

    def test_the_schema_and_the_docs_are_not_counted(self):
        token = self.tokens["lead_a"]
        with at(0):
            for _ in range(5):
                schema = self.client.get(
                    "/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token}"
                )
                self.assertEqual(schema.status_code, 200)
            self.assertEqual(self.get("lead_a", "/me").status_code, 200)

    def test_a_minute_counted_by_a_server_whose_clock_is_ahead_does_not_block(self):
        pk = ApiToken.objects.get(user=self.lead_a).pk
        ApiToken.objects.filter(pk=pk).update(
            window_start=MINUTE + dt.timedelta(minutes=1), window_count=3
        )
        with at(59):
            self.assertEqual(self.get("lead_a", "/me").status_code, 200)
        self.assertEqual(timezone.is_aware(ApiToken.objects.get(pk=pk).window_start), True)
