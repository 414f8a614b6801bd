"""Playwright driving Debian's Chromium (never a downloaded browser) against a live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

CHROMIUM = os.environ.get("DUBAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def browser_missing() -> bool:
    return not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM))


@pytest.mark.e2e
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server plus a Chromium browser; ``self.page_for(user)`` gives a signed-in page."""

    @classmethod
    def setUpClass(cls):
        if browser_missing():
            if os.environ.get("DUBAN_REQUIRE_BROWSER") == "1":
                raise RuntimeError(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
            pytest.skip(f"Chromium not found at {CHROMIUM}")
        # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
        # still synchronous, one at a time.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ARTIFACTS.mkdir(exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def new_page(self, width=1280, height=800):
        context = self.browser.new_context(viewport={"width": width, "height": height})
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    def sign_in(self, page, username, password="pw"):
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert "/login/" not in page.url, f"{username} could not sign in"
        return page

    def screenshot(self, page, name):
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
