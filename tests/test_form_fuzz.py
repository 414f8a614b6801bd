"""Hostile values in every field of every form a role can open (hardening issue, point 13).

For each GET page of the URL matrix (tests/<app>/permissions.py) and each role that may open
it, every POST form of the page is read as a browser would fill it (tests/html_forms.py) and
posted to its action once per field and hostile value, the other fields left as the page
filled them (a required field it left empty given a plausible value, so that a hostile value
can get past the others to the database). No answer may be a 500, and the markup posted
never comes back unescaped: not in the answer, not on the page afterwards, not on the page a
successful post leads to.

The most privileged role that sees a form posts every hostile value into every field (a
select, radio button or checkbox the values that take different paths); each
other role that sees it posts one hostile value per field (taking turns through the list).
Each post but the stored-markup one runs in a savepoint rolled back afterwards, so every value
meets the page's own state (and a database error cannot spoil the posts after it).
"""

from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from tests.base import ROLES, BaseTestCase
from tests.html_forms import PageForm, page_forms
from tests.test_permission_matrix import declarations

pytestmark = pytest.mark.fuzz

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
HOSTILE = [
    "9" * 10_000,
    "\x00",
    "\x1b[31m",
    "\u202e",
    IMAGE,
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999.99",
    "-0",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "",
    "999999999",
    SCRIPT,
]
MARKUP = (SCRIPT, IMAGE)
# A select, radio button or checkbox offers fixed values: anything else takes the same "not one
# of the choices" path, so it gets the values that probe that path differently.
CHOICE_KINDS = {"select", "radio", "checkbox"}
FOR_CHOICES = ["9" * 10_000, "\x00", "-1", "1e309", "NaN", "", "999999999", SCRIPT]
# what a person would type into a required field the page left empty, so that a post can get
# past the other fields to the one under test (and on to the database)
PLAUSIBLE = {"date": "2026-12-01", "time": "09:00", "number": "1", "email": "a@example.com"}
# forms on every page that end the session or are Django's own; the JSON API has no forms
NOT_FUZZED = {"logout", "set_language", "admin:logout"}
NOT_PAGES = "api-v1:"


def filled(form: PageForm) -> dict[str, list[str]]:
    """The form as the page filled it, required fields it left empty given a plausible value."""
    data = form.fields
    for name in form.required - {name for name, values in data.items() if any(values)}:
        kind = form.kinds[name]
        if kind == "select":
            data[name] = [next((v for v in form.options.get(name, []) if v), "")]
        elif kind not in CHOICE_KINDS:
            data[name] = [PLAUSIBLE.get(kind, "说明")]
    return data


def shown(value: str) -> str:
    return repr(value if len(value) < 40 else f"{value[:12]}…({len(value)} chars)")


class FormFuzzTests(BaseTestCase):
    maxDiff = None

    def setUp(self):
        self.client.raise_request_exception = False
        self.failures: list[str] = []

    def fuzz_page(self, expect):
        url = reverse(expect.url_name, kwargs=expect.kwargs(self.cast))
        fuzzed: set[tuple] = set()
        for role in ROLES:
            if expect.statuses.get(role, expect.default) == 200:
                self.fuzz_as(role, url, fuzzed)
        self.assertEqual(self.failures, [], f"{expect.url_name}: hostile posts failed")

    def fuzz_as(self, role: str, url: str, fuzzed: set[tuple]) -> None:
        self.client.force_login(getattr(self.cast, role))
        page = self.client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            return
        landed = {url}
        for form in page_forms(page.content.decode()):
            action = urljoin(url, form.action)
            if form.method != "post" or self.view_name(action) in NOT_FUZZED:
                continue
            key = (self.view_name(action), tuple(form.kinds))
            first = key not in fuzzed
            fuzzed.add(key)
            base = filled(form)
            for turn, (field, kind) in enumerate(form.kinds.items()):
                values = FOR_CHOICES if kind in CHOICE_KINDS else HOSTILE
                if not first:
                    values = [values[(turn + len(fuzzed)) % len(values)]]
                for value in values:
                    self.post(role, action, base, field, value, keep=first and value == SCRIPT)
                    landed.add(self.landing)
        for target in landed - {None}:
            self.check_markup(role, target, self.client.get(target), "")

    def post(self, role, action, base: dict, field, value, keep=False):
        data = {**base, field: [value]}
        savepoint = transaction.savepoint()
        response = self.client.post(action, data)
        self.landing = None
        if response.status_code >= 500:
            self.failures.append(
                f"{response.status_code} {role} POST {action} {field}={shown(value)}"
            )
        elif response.status_code == 302 and urlsplit(response["Location"]).path.startswith("/"):
            self.landing = response["Location"]
        self.check_markup(role, action, response, f" after {field}={shown(value)}")
        if keep and response.status_code < 500:
            transaction.savepoint_commit(savepoint)
        else:
            transaction.savepoint_rollback(savepoint)
            self.landing = None

    def check_markup(self, role, url, response, after):
        if "html" not in response.get("Content-Type", "") or response.streaming:
            return
        content = response.content.decode(errors="replace")
        for markup in MARKUP:
            if markup in content:
                self.failures.append(f"unescaped {markup} for {role} at {url}{after}")

    @staticmethod
    def view_name(url: str) -> str | None:
        try:
            return resolve(urlsplit(url).path).view_name
        except Resolver404:
            return None


def _add_tests():
    expectations, _ = declarations()
    for expect in expectations:
        if expect.method != "get" or 200 not in {*expect.statuses.values(), expect.default}:
            continue
        if expect.url_name.startswith(NOT_PAGES):
            continue
        name = "test_" + expect.url_name.replace(":", "_")
        setattr(FormFuzzTests, name, lambda self, e=expect: self.fuzz_page(e))


_add_tests()
