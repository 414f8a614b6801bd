"""Settings come from DUBAN_* variables; a malformed one is refused in one clear line."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from django.test import SimpleTestCase

from duban.env import ConfigError, env_bool, env_database, env_int, env_list
from tests.scratch import scratch_folder


def run_duban(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DUBAN_")
        and key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "duban", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


class EnvHelperTests(SimpleTestCase):
    def test_env_bool_reads_common_spellings(self):
        for raw, expected in [
            ("1", True),
            ("yes", True),
            ("ON", True),
            ("0", False),
            ("off", False),
        ]:
            with self.subTest(raw=raw), pytest.MonkeyPatch.context() as mp:
                mp.setenv("DUBAN_X", raw)
                self.assertIs(env_bool("DUBAN_X", not expected), expected)

    def test_env_bool_refuses_maybe_naming_the_variable(self):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DUBAN_DEBUG", "maybe")
            with self.assertRaisesRegex(ConfigError, "DUBAN_DEBUG='maybe'"):
                env_bool("DUBAN_DEBUG", False)

    def test_env_int_refuses_text_and_small_numbers(self):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DUBAN_WORKERS", "three")
            with self.assertRaisesRegex(ConfigError, "DUBAN_WORKERS.*whole number"):
                env_int("DUBAN_WORKERS", 3)
            mp.setenv("DUBAN_WORKERS", "0")
            with self.assertRaisesRegex(ConfigError, "at least 1"):
                env_int("DUBAN_WORKERS", 3, minimum=1)

    def test_env_list_splits_on_commas(self):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DUBAN_ALLOWED_HOSTS", "duban.example.com, 10.0.0.5 ,")
            self.assertEqual(env_list("DUBAN_ALLOWED_HOSTS", []), ["duban.example.com", "10.0.0.5"])

    def test_env_database_reads_postgres_urls_and_refuses_others(self):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("DUBAN_DATABASE_URL", "postgres://duban:pw@db:5432/duban")
            config = env_database("DUBAN_DATABASE_URL", None)
            self.assertEqual(config["ENGINE"], "django.db.backends.postgresql")
            self.assertEqual((config["HOST"], config["NAME"]), ("db", "duban"))
            mp.setenv("DUBAN_DATABASE_URL", "mysql://root@localhost/duban")
            with self.assertRaisesRegex(ConfigError, "only sqlite"):
                env_database("DUBAN_DATABASE_URL", None)


class CommandLineConfigTests(SimpleTestCase):
    def test_a_malformed_debug_flag_prints_one_line_and_exits_non_zero(self):
        result = run_duban("check", DUBAN_DEBUG="maybe", DUBAN_DATA_DIR=self.data_dir())
        self.assertNotEqual(result.returncode, 0)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertIn("DUBAN_DEBUG", lines[0])
        self.assertNotIn("Traceback", result.stderr)

    def test_a_malformed_database_url_names_the_variable(self):
        result = run_duban("check", DUBAN_DATABASE_URL="oracle://x", DUBAN_DATA_DIR=self.data_dir())
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DUBAN_DATABASE_URL", result.stderr)
        self.assertNotIn("Traceback", result.stderr)

    def test_deploy_check_passes_with_debug_off_a_strong_key_and_real_hosts(self):
        result = run_duban(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            DUBAN_DEBUG="false",
            DUBAN_SECRET_KEY="k" + "x7Qp2#Lm9vR!tZ4w" * 4,
            DUBAN_ALLOWED_HOSTS="duban.example.com",
            DUBAN_DATA_DIR=self.data_dir(),
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_sqlite_runs_in_wal_mode_with_a_long_busy_timeout(self):
        result = run_duban(
            "shell",
            "-c",
            "from django.db import connection; c = connection.cursor();"
            "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
            " c.execute('PRAGMA busy_timeout').fetchone()[0])",
            DUBAN_DATA_DIR=self.data_dir(),
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        mode, timeout_ms = result.stdout.split()[-2:]
        self.assertEqual(mode, "wal")
        self.assertGreaterEqual(int(timeout_ms), 20000)

    def data_dir(self) -> str:
        return str(scratch_folder("duban-cli-"))


class QuietLogTests(SimpleTestCase):
    def test_an_ordinary_403_is_one_line_without_a_traceback(self):
        import logging
        import sys

        from django.conf import settings

        from duban.logs import OrdinaryRefusals

        try:
            raise PermissionError("no")
        except PermissionError:
            info = sys.exc_info()
        record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden", (), info)
        record.status_code = 403
        OrdinaryRefusals().filter(record)
        self.assertIsNone(record.exc_info)
        self.assertIn("refusals", settings.LOGGING["handlers"]["console"]["filters"])
        error = logging.LogRecord("django.request", logging.ERROR, "", 0, "Server error", (), info)
        error.status_code = 500
        OrdinaryRefusals().filter(error)
        self.assertIsNotNone(error.exc_info)  # a fault keeps its traceback


class SiteUrlTests(SimpleTestCase):
    def test_the_site_address_must_be_an_http_address(self):
        from duban.env import env_url

        with mock.patch.dict(os.environ, {"DUBAN_SITE_URL": "https://duban.example.com/"}):
            self.assertEqual(env_url("DUBAN_SITE_URL"), "https://duban.example.com")
        for bad in ["duban.example.com", "ftp://x.y", "javascript:alert(1)"]:
            with (
                mock.patch.dict(os.environ, {"DUBAN_SITE_URL": bad}),
                self.assertRaises(ConfigError),
            ):
                env_url("DUBAN_SITE_URL")
