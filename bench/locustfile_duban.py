"""Locust users for ``bench_load.py`` (not part of the test suite).

``bench_load.py`` runs it headless (``locust -f bench/locustfile_duban.py --headless ...``) with
``BENCH_LOAD_PLAN`` naming a JSON file that says which mix to run, which user names the simulated
users log in as (user *i* takes ``users[i]``), the shared password, the records each user name
may write to (disjoint between user names, so no record is written twice) and where to log every
request (one JSON line each: start, name, milliseconds, status, ok, error).

Mixes (every simulated user loops without think time: a closed loop, the most load 16 users
can make):

- ``hello``: ``GET /`` of the bare Django app, no login;
- ``agenda``: ``GET /supervision/`` (今日督办) as a supervisor;
- ``mixed``: supervisors read the agenda, the risk board, the check-in list and the aging page
  and record check-in results; leads read their to-do, the matter list and the aging page and
  record payments;
- ``writes``: mostly writes (check-in results, payments), with some agenda / to-do reads.

A write reads the record's page first and posts its form as a browser would: every hidden
field (the CSRF token, a version where the form carries one) with the value the page gave, the
visible fields filled in (``today`` for dates, 1.00 for amounts, the first choice of a select).
A write answers 302 back to the record; anything else (a 503 "系统正在导入", a 400, a 500, a
redirect to the login page) is a failure.
"""

import itertools
import json
import os
import random
import time
from collections import deque
from html.parser import HTMLParser

from locust import FastHttpUser, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8").read())
MIX = PLAN["mix"]
TODAY = PLAN.get("today", "2026-06-30")
NOTE = PLAN.get("note", "bench-load")
_LOG = open(PLAN["log"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - closed at exit
_NEXT_USER = itertools.count()
_CHECKINS = {name: deque(ids) for name, ids in PLAN.get("checkins", {}).items()}
_RECEIVABLES = {name: deque(ids) for name, ids in PLAN.get("receivables", {}).items()}

# (weight, action) per mix and role
MIXES = {
    "agenda": {"supervisor": [(1, "agenda")], "lead": [(1, "todo")]},
    "mixed": {
        "supervisor": [
            (5, "agenda"),
            (1, "risk_board"),
            (1, "checkin_list"),
            (1, "aging"),
            (2, "checkin_record"),
        ],
        "lead": [(5, "todo"), (1, "matter_list"), (1, "aging"), (2, "payment_add")],
    },
    "writes": {
        "supervisor": [(1, "agenda"), (3, "checkin_record")],
        "lead": [(1, "todo"), (3, "payment_add")],
    },
}
PAGES = {
    "agenda": "/supervision/",
    "todo": "/supervision/todo/",
    "risk_board": "/supervision/board/",
    "checkin_list": "/supervision/checkins/",
    "matter_list": "/supervision/matters/",
    "aging": "/receivables/aging/",
}


@events.request.add_listener
def _log_request(request_type, name, response_time, response_length, exception, **kwargs):
    response = kwargs.get("response")
    status = getattr(response, "status_code", None) if response is not None else None
    start = kwargs.get("start_time") or (time.time() - response_time / 1000)
    row = {
        "t": round(start, 4),
        "name": name,
        "ms": round(response_time, 2),
        "status": status,
        "ok": exception is None,
    }
    if exception is not None:
        row["error"] = str(exception)[:200]
    _LOG.write(json.dumps(row) + "\n")


@events.quitting.add_listener
def _close_log(**kwargs):
    _LOG.flush()


class Forms(HTMLParser):
    """The forms of a page: action → list of (tag, attributes, options)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, list] = {}
        self.current = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = self.forms.setdefault(attrs.get("action") or "", [])
        elif self.current is None:
            return
        elif tag in ("input", "textarea"):
            self.current.append([tag, attrs, []])
        elif tag == "select":
            self.select = [tag, attrs, []]
            self.current.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select[2].append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def form_data(html: str, action: str) -> dict | None:
    """The fields a browser would post for the form whose action is ``action``."""
    parser = Forms()
    parser.feed(html)
    fields = parser.forms.get(action)
    if fields is None:
        return None
    data = {}
    for tag, attrs, options in fields:
        name = attrs.get("name")
        kind = (attrs.get("type") or "text").lower()
        if not name or kind in ("submit", "button", "checkbox", "radio", "file", "reset"):
            continue
        if tag == "select":
            chosen = [o for o in options if "selected" in o and o.get("value")]
            chosen = chosen or [o for o in options if o.get("value")]
            data[name] = chosen[0]["value"] if chosen else ""
        elif kind == "hidden":
            data[name] = attrs.get("value", "")
        elif kind == "date":
            data[name] = TODAY
        elif kind == "time":
            data[name] = "10:00"
        elif name in ("amount", "promised_amount") or kind == "number":
            data[name] = "1.00"
        else:
            data[name] = NOTE
    return data


def csrf_token(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


class DubanUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.index = next(_NEXT_USER)
        self.rng = random.Random(self.index)
        if MIX == "hello":
            self.username, self.role, self.actions = None, None, None
            return
        self.username = PLAN["users"][self.index % len(PLAN["users"])]
        self.role = "lead" if self.username.startswith("lead") else "supervisor"
        weighted = MIXES[MIX][self.role]
        self.actions = [action for weight, action in weighted for _ in range(weight)]
        self.login()

    def login(self):
        page = self.client.get("/login/", name="login_page")
        data = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": self.username,
            "password": PLAN["password"],
        }
        with self.client.post(
            "/login/",
            data=data,
            name="login",
            allow_redirects=False,
            headers={"Referer": self.host + "/login/"},
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure(f"login of {self.username} answered {response.status_code}")
                raise RuntimeError(f"login of {self.username} failed")

    def get(self, url, name):
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{name}: {response.status_code}")
                return None
            return response.text

    def post_form(self, page_url, action, page_name, name):
        html = self.get(page_url, page_name)
        if html is None:
            return
        data = form_data(html, action)
        if data is None:
            # the page has no such form (the record was closed meanwhile): nothing posted
            self.environment.events.request.fire(
                request_type="POST",
                name=name,
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"no form {action} on {page_url}"),
                start_time=time.time(),
            )
            return
        with self.client.post(
            action,
            data=data,
            name=name,
            allow_redirects=False,
            headers={"Referer": self.host + page_url},
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/login/" in location:
                status = response.status_code
                busy = " (系统正在导入)" if status == 503 else ""
                response.failure(f"{name}: {status}{busy}")

    @task
    def step(self):
        if MIX == "hello":
            self.get("/", "hello")
            return
        action = self.rng.choice(self.actions)
        if action == "checkin_record":
            pool = _CHECKINS.get(self.username)
            if not pool:
                action = "agenda"
            else:
                pk = pool.popleft()
                url = f"/supervision/checkins/{pk}/"
                self.post_form(url, f"{url}record/", "checkin_detail", "checkin_record")
                return
        if action == "payment_add":
            pool = _RECEIVABLES.get(self.username)
            if not pool:
                action = "todo"
            else:
                pk = pool[0]
                pool.rotate(-1)  # small payments: a receivable takes several
                url = f"/receivables/{pk}/"
                self.post_form(url, f"{url}payments/", "receivable_detail", "payment_add")
                return
        self.get(PAGES[action], action)
