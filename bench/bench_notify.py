"""Benchmark the notification sender against a local fake robot server (not part of the test suite).

Queued messages go out through ``duban.notify.services.messages_send`` — fan-out, claims, the
robots' rate limits, marking — to a fake WeCom robot server on 127.0.0.1 (another process) that
answers as WeCom does, enforces WeCom's 20 messages a minute per robot key (errcode 45009 beyond)
and counts every message it accepts by robot key and by the message's token (the dedupe key,
which the bench writes into the card's lines), so that exactly-once delivery and the rate limits
are checked from the receiving side. Three scenarios:

- **spread**: 10,000 messages, 500 robots × 20 (each robot exactly at its limit);
- **wait**: 2,000 messages, 50 robots × 40: half of each robot's messages must wait for the next
  window (the sender postpones them);
- **crash**: 2,000 messages, 100 robots × 20, sent by sender processes killed with SIGKILL at
  random points (``--kills``), plus one killed while the server holds the answer of a message it
  accepted (the documented at-least-once edge); each later sender starts after the claims' LEASE
  and recovers them.

The clock is virtual: the server and the sender both read the wall clock plus an offset that the
server keeps, and that advances by 61 s between rounds (and by LEASE + 1 s after a kill) instead
of sleeping. The sender's time is set against the same JSON bodies POSTed by a bare ``httpx``
client to the same server, measured in the same run (before and after the sender).

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_notify.py --db sqlite
    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/bench_notify.py --db postgres

It imports the installed ``duban`` (the venv's editable install of ``src/``) and names the commit,
whether the working tree is dirty, and the sha256 of the notify package's files. Results go to
bench/results/notify-<vendor>.md and .json (``--suffix`` to name them otherwise; ``--render``
writes a .md again from its .json).
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/duban_bench_notify"
SQLITE_NAME = "bench_notify.sqlite3"

# WeCom's documented limit, which the fake server enforces on its own (not read from the code
# under test: a wrong channels.RATES must show as refusals, not be copied into the check)
WECOM_LIMIT = 20
WECOM_WINDOW = 60.0
SKIP = 61.0  # seconds the virtual clock advances between two rounds of the sender
TOKEN = re.compile(r"NB-[A-Z]+-\d{6}")
WARM_UP = 200  # untimed POSTs before the first baseline
URL_PATH = "/cgi-bin/webhook/send"
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}

SCENARIOS = {
    # name: (prefix, robots, messages per robot)
    "spread": ("A", 500, 20),
    "wait": ("B", 50, 40),
    "crash": ("C", 100, 20),
}


# --- the fake robot server (runs in its own process: ``--serve``) ------------------------------


class FakeRobots:
    """What the server knows: a virtual clock, each key's accepted messages of the last window,
    and every message accepted, by (key, token)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.offset = 0.0
        self.hold_prefix = None  # hold the answer of the next message accepted for this prefix
        self.held = None
        self.release = threading.Event()
        self.reset()

    def reset(self) -> None:
        self.windows = defaultdict(deque)  # key -> virtual times of accepted messages
        self.pairs = Counter()  # (key, token) -> accepted messages
        self.rejected = Counter()  # key -> answers 45009
        self.requests = Counter()  # prefix -> requests
        self.body_bytes = Counter()  # prefix -> bytes of bodies
        self.handling = defaultdict(float)  # prefix -> seconds spent answering
        self.invalid = Counter()  # prefix -> bodies that were not a WeCom message

    def now(self) -> float:
        return time.time() + self.offset

    def receive(self, key: str, body: bytes) -> tuple[dict, bool]:
        prefix = key.split("-", 1)[0]
        try:
            data = json.loads(body)
            part = data.get("markdown") or data.get("text") or {}
            content = part["content"]
        except (ValueError, KeyError, TypeError, AttributeError):
            with self.lock:
                self.requests[prefix] += 1
                self.invalid[prefix] += 1
            return {"errcode": 40008, "errmsg": "invalid message type"}, False
        tokens = TOKEN.findall(content)
        token = tokens[0] if len(tokens) == 1 else ""
        with self.lock:
            now = self.now()
            window = self.windows[key]
            while window and window[0] <= now - WECOM_WINDOW:
                window.popleft()
            self.requests[prefix] += 1
            self.body_bytes[prefix] += len(body)
            if len(window) >= WECOM_LIMIT:
                self.rejected[key] += 1
                return {
                    "errcode": 45009,
                    "errmsg": "api freq out of limit, more info at https://open.work.weixin.qq.com",
                }, False
            window.append(now)
            self.pairs[(key, token)] += 1
            hold = self.hold_prefix == prefix and self.held is None
            if hold:
                self.held = {"key": key, "token": token}
        return {"errcode": 0, "errmsg": "ok"}, hold

    def stats(self, prefix: str) -> dict:
        with self.lock:
            pairs = [[k, t, n] for (k, t), n in self.pairs.items() if k.split("-", 1)[0] == prefix]
            rejected = {k: n for k, n in self.rejected.items() if k.split("-", 1)[0] == prefix}
            return {
                "requests": self.requests[prefix],
                "accepted": sum(n for _k, _t, n in pairs),
                "rejected": sum(rejected.values()),
                "rejected_keys": rejected,
                "invalid": self.invalid[prefix],
                "bytes": self.body_bytes[prefix],
                "handling_s": self.handling[prefix],
                "pairs": pairs,
            }

    def count(self, prefix: str) -> dict:
        with self.lock:
            return {
                "accepted": sum(
                    n for (k, _t), n in self.pairs.items() if k.split("-", 1)[0] == prefix
                ),
                "rejected": sum(
                    n for k, n in self.rejected.items() if k.split("-", 1)[0] == prefix
                ),
            }

    def control(self, name: str, query: dict) -> dict:
        if name == "clock":
            return {"offset": self.offset}
        if name == "skip":
            with self.lock:
                self.offset += float(query["seconds"])
            return {"offset": self.offset}
        if name == "count":
            return self.count(query["prefix"])
        if name == "stats":
            return self.stats(query["prefix"])
        if name == "hold":
            with self.lock:
                self.hold_prefix, self.held = query["prefix"], None
                self.release.clear()
            return {}
        if name == "held":
            with self.lock:
                return {"held": self.held}
        if name == "release":
            with self.lock:
                self.hold_prefix = None
            self.release.set()
            return {}
        raise KeyError(name)


def serve() -> None:
    robots = FakeRobots()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real robots' HTTPS endpoints
        # headers and body go out in two writes: with Nagle's algorithm the body would wait for
        # the client's delayed ACK (40 ms a request on Linux)
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

        def answer(self, payload: dict, status: int = 200) -> None:
            data = json.dumps(payload, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            began = time.perf_counter()
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            query = dict(parse_qsl(parts.query))
            if parts.path == URL_PATH:
                key = query.get("key", "")
                payload, hold = robots.receive(key, body)
                if hold:  # accepted and counted; the answer waits (the sender is killed now)
                    robots.release.wait(60)
                try:
                    self.answer(payload)
                except OSError:  # the sender is gone
                    self.close_connection = True
                with robots.lock:
                    robots.handling[key.split("-", 1)[0]] += time.perf_counter() - began
            elif parts.path.startswith("/_control/"):
                self.answer(robots.control(parts.path.removeprefix("/_control/"), query))
            else:
                self.answer({"errcode": 93000, "errmsg": "invalid webhook url"}, 404)

        do_GET = do_POST

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed sender's socket
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


class Control:
    """The bench's side of the server's /_control/ calls."""

    def __init__(self, port: int):
        import httpx

        self.port = port
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{port}/_control/", timeout=30)

    def call(self, name: str, **query) -> dict:
        response = self.client.post(name, params=query)
        response.raise_for_status()
        return response.json()

    def offset(self) -> float:
        return self.call("clock")["offset"]

    def skip(self, seconds: float) -> float:
        return self.call("skip", seconds=seconds)["offset"]


def start_server() -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    port = int(process.stdout.readline())
    return process, port


# --- Django side -------------------------------------------------------------------------------


def configure(db: str, sqlite_path: str | None = None, migrate: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    os.environ.setdefault("DUBAN_HTTPS", "false")
    os.environ.setdefault("DUBAN_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DUBAN_DATA_DIR", str(BENCH_DIR / "data"))
    # httpx logs every request at INFO: 10,000 lines on the console (set it to measure them too)
    os.environ.setdefault("DUBAN_LOG_LEVEL", "WARNING")
    data_dir = Path(os.environ["DUBAN_DATA_DIR"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        os.environ.setdefault("DUBAN_DATABASE_URL", POSTGRES_URL)
        if migrate:
            from generate_supervision import create_postgres_database

            create_postgres_database(os.environ["DUBAN_DATABASE_URL"])
    elif db == "sqlite":
        path = Path(sqlite_path).resolve() if sqlite_path else data_dir / SQLITE_NAME
        os.environ["DUBAN_DATABASE_URL"] = f"sqlite:///{path}"
    # db == "env": DUBAN_DATABASE_URL as given

    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)


class Timer:
    """Where a sender round's time goes: fan-out, the channel's send (payload, POST, answer)
    and, within it, the HTTP POST alone; and the SQL statements issued."""

    def __init__(self):
        self.fan_out = self.send = self.post = 0.0
        self.queries = 0

    def values(self) -> dict:
        return {
            "fan_out_s": self.fan_out,
            "send_s": self.send,
            "post_s": self.post,
            "queries": self.queries,
        }


def instrument(timer: Timer):
    """Time fan_out, WeComRobot.send and the shared httpx client's post; undo with the result."""
    from duban.notify import channels, services

    original_fan_out, original_client = services.fan_out, channels.http_client

    def fan_out(**kwargs):
        began = time.perf_counter()
        try:
            return original_fan_out(**kwargs)
        finally:
            timer.fan_out += time.perf_counter() - began

    class TimedClient:
        def post(self, *args, **kwargs):
            began = time.perf_counter()
            try:
                return original_client.post(*args, **kwargs)
            finally:
                timer.post += time.perf_counter() - began

    services.fan_out, channels.http_client = fan_out, TimedClient()

    def undo():
        services.fan_out, channels.http_client = original_fan_out, original_client

    return undo


def local_channels(port: int, timer: Timer | None = None):
    """``channel_for`` for the sender: the stored address is checked as the real channel_for
    checks it, then the robot is built on the local server with the same key."""
    from duban.notify import channels

    class Robot(channels.WeComRobot):
        def send(self, card, *, key):
            began = time.perf_counter()
            try:
                return super().send(card, key=key)
            finally:
                if timer is not None:
                    timer.send += time.perf_counter() - began

    def channel_for(kind: str, address: str, secret: str = ""):
        channels.validate_address(kind, address)  # what production does (raises on a bad one)
        key = dict(parse_qsl(urlsplit(address).query))["key"]
        return Robot(f"http://127.0.0.1:{port}{URL_PATH}?key={key}")

    return channel_for


def work_left() -> bool:
    from duban.notify.models import Delivery, DeliveryStatus, OutboxMessage

    return (
        Delivery.objects.filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).exists()
        or OutboxMessage.objects.filter(fanned_out=False).exists()
    )


def send_rounds(
    port: int, *, timer: Timer | None = None, max_rounds: int = 200, log=None, on_start=None
):
    """Run the sender round after round on the virtual clock until nothing is left to send."""
    from django.db import connection
    from django.utils import timezone

    from duban.notify import services

    control = Control(port)
    channel_for = local_channels(port, timer)
    rounds = []

    def count(execute, sql, params, many, context):
        if timer is not None:
            timer.queries += 1
        return execute(sql, params, many, context)

    while len(rounds) < max_rounds:
        now = timezone.now() + dt.timedelta(seconds=control.offset())
        if on_start:
            on_start(now)
        before = timer.values() if timer else {}
        began = time.perf_counter()
        with connection.execute_wrapper(count):
            report = services.messages_send(now=now, channel_for=channel_for)
        entry = {**report, "seconds": time.perf_counter() - began, "now": now.isoformat()}
        if timer:
            entry |= {name: value - before[name] for name, value in timer.values().items()}
        rounds.append(entry)
        if log:
            log(entry)
        if not work_left():
            break
        control.skip(SKIP)
    return rounds


def clean() -> None:
    """Empty the notification tables (and the tasks the enqueues queued for a worker)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from duban.notify.models import Choice, Delivery, Endpoint, OutboxMessage, Profile

    with connection.cursor() as cursor:
        for model in (Delivery, Choice, Profile, OutboxMessage, Endpoint, DBTaskResult):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        if connection.vendor == "postgresql":
            for model in (Delivery, OutboxMessage, Endpoint, DBTaskResult):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("VACUUM")


def bench_users(count: int) -> list[int]:
    from duban.org.models import User

    names = [f"nb{i:04d}" for i in range(1, count + 1)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=name, name=f"通知测试{name[2:]}", password="!")
            for name in names
            if name not in have
        ]
    )
    pks = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    return [pks[name] for name in names]


def robot_key(prefix: str, robot: int) -> str:
    return f"{prefix}-robot-{robot:05d}"


def token_of(prefix: str, number: int) -> str:
    return f"NB-{prefix}-{number:06d}"


def set_up(prefix: str, robots: int, per_robot: int) -> dict:
    """One personal WeCom robot each for ``robots`` people, and ``per_robot`` messages to each
    (a robot's messages together, as an escalation run writes them); returns the enqueue's
    time and the expected (token -> robot key)."""
    from duban.notify.models import Endpoint, MessageKind
    from duban.notify.services import Message, outbox_enqueue

    users = bench_users(robots)
    Endpoint.objects.bulk_create(
        [
            Endpoint(
                kind="wecom",
                label=f"机器人 {robot}",
                address=f"https://qyapi.weixin.qq.com{URL_PATH}?key={robot_key(prefix, robot)}",
                user_id=users[robot - 1],
            )
            for robot in range(1, robots + 1)
        ]
    )
    messages, expected = [], {}
    number = 0
    for robot in range(1, robots + 1):
        for j in range(1, per_robot + 1):
            number += 1
            token = token_of(prefix, number)
            expected[token] = robot_key(prefix, robot)
            messages.append(
                Message(
                    recipient_id=users[robot - 1],
                    reason=f"方案逾期未提交：华东{robot % 40 + 1}组第{j}项整改",
                    link=f"/supervision/plans/{number}/",
                    dedupe_key=token,
                    kind=MessageKind.PLAN_DEMANDED,
                    lines=(
                        ("事项", f"整改方案 {token}"),
                        ("团队", f"华东{robot % 40 + 1}组"),
                        ("期限", "2026-12-03"),
                        ("负责人", f"通知测试{robot:04d}"),
                    ),
                )
            )
    began = time.perf_counter()
    new = outbox_enqueue(messages=messages)
    seconds = time.perf_counter() - began
    assert new == len(messages), (new, len(messages))
    return {"enqueue_s": seconds, "expected": expected}


def bodies(prefix: str, robots: int, per_robot: int) -> list[list[tuple[str, bytes]]]:
    """The JSON bodies the sender will POST, built as it builds them (card_for, the robot's
    payload), in batches of at most the limit per robot: batch j holds each robot's j-th 20."""
    from duban.notify import channels, services
    from duban.notify.models import Endpoint, OutboxMessage

    endpoints = {e.user_id: e for e in Endpoint.objects.filter(address__contains=f"={prefix}-")}
    batches = defaultdict(list)
    seen = Counter()
    for message in OutboxMessage.objects.select_related("recipient").order_by("pk"):
        endpoint = endpoints[message.recipient_id]
        key = dict(parse_qsl(urlsplit(endpoint.address).query))["key"]
        payload = channels.WeComRobot(endpoint.address).payload(
            services.card_for(message, endpoint)
        )
        batches[seen[key] // WECOM_LIMIT].append((key, channels._dumps(payload)))
        seen[key] += 1
    return [batches[j] for j in sorted(batches)]


def baseline(port: int, batches, tag: str, warm_up: int = 0) -> dict:
    """The same bodies POSTed by a bare httpx client (as channels.http_client is set up) to the
    same server, under other keys (``<tag>-robot-…``), one batch a window; the answer's JSON is
    read and its errcode checked."""
    import httpx

    control = Control(port)
    client = httpx.Client(
        timeout=10.0, follow_redirects=False, headers={"User-Agent": "duban-notify/1"}
    )
    planned = [
        [
            (f"http://127.0.0.1:{port}{URL_PATH}?key={tag}-{key.split('-', 1)[1]}", body)
            for key, body in batch
        ]
        for batch in batches
    ]
    for key, body in batches[0][:warm_up]:  # a connection and warm caches, not timed
        client.post(
            f"http://127.0.0.1:{port}{URL_PATH}?key={tag}_warm-{key.split('-', 1)[1]}",
            content=body,
            headers=JSON_HEADERS,
        )
    seconds, refused, posts = 0.0, 0, 0
    for j, batch in enumerate(planned):
        if j:
            control.skip(SKIP)
        began = time.perf_counter()
        for url, body in batch:
            response = client.post(url, content=body, headers=JSON_HEADERS)
            if response.status_code != 200 or response.json().get("errcode") != 0:
                refused += 1
        seconds += time.perf_counter() - began
        posts += len(batch)
    client.close()
    control.skip(SKIP)
    server = control.call("stats", prefix=tag)
    return {
        "tag": tag,
        "posts": posts,
        "seconds": seconds,
        "refused": refused,
        "server_handling_s": server["handling_s"],
        "bytes": server["bytes"],
    }


def verify(port: int, prefix: str, expected: dict[str, str]) -> dict:
    """What the server received for ``prefix`` against what was queued, and the database's view."""
    from duban.notify.models import Delivery, DeliveryStatus, OutboxMessage, OutboxStatus

    server = Control(port).call("stats", prefix=prefix)
    received = Counter()
    misrouted = 0
    for key, token, n in server["pairs"]:
        received[token] += n
        if expected.get(token) != key:
            misrouted += n
    once = sum(1 for token in expected if received[token] == 1)
    doubles = {token: n for token, n in received.items() if n > 1}
    missing = [token for token in expected if not received[token]]
    unknown = sum(n for token, n in received.items() if token not in expected)
    statuses = Counter(Delivery.objects.values_list("status", flat=True))
    message_statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    # a message whose deliveries are all sent but which is not marked sent
    unsummed = list(
        OutboxMessage.objects.exclude(status=OutboxStatus.SENT)
        .exclude(deliveries__status__in=[s for s in DeliveryStatus.values if s != "sent"])
        .filter(deliveries__isnull=False)
        .distinct()
        .values_list("dedupe_key", flat=True)
    )
    attempts = Counter(Delivery.objects.values_list("attempts", flat=True))
    return {
        "messages": len(expected),
        "received": sum(received.values()),
        "delivered_once": once,
        "doubles": doubles,
        "missing": len(missing),
        "missing_examples": missing[:5],
        "misrouted": misrouted,
        "unknown": unknown,
        "rate_limit_refusals": server["rejected"],
        "rate_limit_refusals_by_key": server["rejected_keys"],
        "invalid_bodies": server["invalid"],
        "requests": server["requests"],
        "bytes": server["bytes"],
        "server_handling_s": server["handling_s"],
        "deliveries_by_status": dict(statuses),
        "messages_by_status": dict(message_statuses),
        "messages_delivered_not_marked_sent": unsummed,
        "delivery_attempts": {str(k): v for k, v in sorted(attempts.items())},
        "exactly_once": (
            once == len(expected)
            and not doubles
            and not missing
            and not misrouted
            and not unknown
            and statuses == Counter({DeliveryStatus.SENT: len(expected)})
            and message_statuses == Counter({OutboxStatus.SENT: len(expected)})
        ),
    }


def scenario(port: int, name: str) -> dict:
    """Queue the scenario's messages, then: baseline, the sender's rounds, baseline again."""
    prefix, robots, per_robot = SCENARIOS[name]
    clean()
    began = time.perf_counter()
    setup = set_up(prefix, robots, per_robot)
    batches = bodies(prefix, robots, per_robot)
    print(f"[{name}] {len(setup['expected'])} messages queued in {setup['enqueue_s']:.2f} s")
    first = baseline(port, batches, f"{prefix}_base1", warm_up=WARM_UP)
    print(f"[{name}] baseline before: {first['seconds']:.2f} s")
    timer = Timer()
    undo = instrument(timer)
    try:
        rounds = send_rounds(
            port,
            timer=timer,
            log=lambda r: print(
                f"[{name}] round: fanned {r['fanned_out']}, sent {r['sent']}, postponed "
                f"{r['postponed']}, retried {r['retried']}, failed {r['failed']}, "
                f"{r['seconds']:.2f} s",
                flush=True,
            ),
        )
    finally:
        undo()
    second = baseline(port, batches, f"{prefix}_base2")
    print(f"[{name}] baseline after: {second['seconds']:.2f} s")
    check = verify(port, prefix, setup["expected"])
    order = queue_order(rounds)
    sender = sum(r["seconds"] for r in rounds)
    base = (first["seconds"] + second["seconds"]) / 2
    messages = len(setup["expected"])
    totals = {
        key: sum(r[key] for r in rounds)
        for key in ("fanned_out", "sent", "postponed", "retried", "failed", "recovered")
    }
    return {
        "name": name,
        "prefix": prefix,
        "robots": robots,
        "per_robot": per_robot,
        "messages": messages,
        "enqueue_s": setup["enqueue_s"],
        "rounds": len(rounds),
        "round_log": rounds,
        "totals": totals,
        "sender_s": sender,
        "total_s": setup["enqueue_s"] + sender,
        "messages_per_s": messages / sender,
        "baseline": [first, second],
        "baseline_s": base,
        "overhead_ms_per_message": (sender - base) / messages * 1000,
        "ratio_to_baseline": sender / base,
        "breakdown_ms_per_message": {
            "fan_out": sum(r["fan_out_s"] for r in rounds) / messages * 1000,
            "send (payload, POST, answer)": sum(r["send_s"] for r in rounds) / messages * 1000,
            "of which HTTP POST": sum(r["post_s"] for r in rounds) / messages * 1000,
            "bookkeeping (claims, rate checks, marks)": sum(
                r["seconds"] - r["fan_out_s"] - r["send_s"] for r in rounds
            )
            / messages
            * 1000,
        },
        "queries_per_message": sum(r["queries"] for r in rounds) / messages,
        "server_handling_ms": {
            "sender": check["server_handling_s"] / max(check["requests"], 1) * 1000,
            "baseline": (first["server_handling_s"] + second["server_handling_s"])
            / max(first["posts"] + second["posts"], 1)
            * 1000,
        },
        "same_bodies": first["bytes"] == second["bytes"] == check["bytes"],
        "queue_order": order,
        "wall_s": time.perf_counter() - began,
        "check": check,
    }


def queue_order(rounds: list[dict]) -> dict:
    """In which round the messages were sent, by the order they were queued in."""
    from bisect import bisect_right

    from duban.notify import services
    from duban.notify.models import Delivery

    starts = [dt.datetime.fromisoformat(r["now"]) for r in rounds]
    rows = list(Delivery.objects.order_by("message_id").values_list("sent_at", flat=True))
    by_time = sorted(range(len(rows)), key=lambda i: rows[i])
    position = {i: p + 1 for p, i in enumerate(by_time)}
    sent_round = [bisect_right(starts, at) for at in rows]
    chunk = min(services.BATCH, len(rows))
    head, tail = sent_round[:chunk], sent_round[-chunk:]
    return {
        "first_queued_sent_as": position[0],
        "last_queued_sent_as": position[len(rows) - 1],
        "messages": len(rows),
        "chunk": chunk,
        "first_chunk_rounds": [min(head), max(head)],
        "last_chunk_rounds": [min(tail), max(tail)],
    }


# --- the crash scenario ------------------------------------------------------------------------


def sender_process(port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, __file__, "--sender", "--port", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def rounds_in(log: Path) -> int:
    """The rounds a sender started (a killed one's last round included)."""
    return sum(1 for line in log.read_text().splitlines() if line.startswith("start "))


def in_flight(port: int, prefix: str) -> list[dict]:
    """The deliveries a killed sender held (SENDING), and whether the server had accepted them."""
    from duban.notify.models import Delivery, DeliveryStatus

    accepted = Counter()
    for _key, token, n in Control(port).call("stats", prefix=prefix)["pairs"]:
        accepted[token] += n
    return [
        {"token": token, "accepted_by_server": accepted[token]}
        for token in Delivery.objects.filter(status=DeliveryStatus.SENDING).values_list(
            "message__dedupe_key", flat=True
        )
    ]


def crash(port: int, kills: int, seed: int) -> dict:
    from duban.notify import services

    prefix, robots, per_robot = SCENARIOS["crash"]
    clean()
    began = time.perf_counter()
    setup = set_up(prefix, robots, per_robot)
    control = Control(port)
    rng = random.Random(seed)
    lease = services.LEASE.total_seconds() + 1
    events, rounds = [], 0
    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))

    def run_until(process, stop, kill: bool = True) -> bool:
        """Wait until ``stop()`` (then kill -9 the sender, unless told not to) or the sender
        ends; True if ``stop()`` came first."""
        while process.poll() is None:
            if stop():
                if kill:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
                return True
            time.sleep(0.002)
        return False

    def accepted() -> int:
        return control.call("count", prefix=prefix)["accepted"]

    for k in range(kills):
        start = accepted()
        # a moment drawn in time, not on an acceptance (a kill triggered by the server's count
        # would fall right after a message was accepted: on the edge, more often than chance);
        # counted from the sender's first accepted message, past its start-up
        delay = rng.uniform(0.1, 1.5)
        log = folder / f"sender-{k}.log"
        process = sender_process(port, log)
        killed = run_until(process, lambda since=start: accepted() > since, kill=False)
        if killed:
            deadline = time.perf_counter() + delay
            killed = run_until(process, lambda: time.perf_counter() >= deadline)  # noqa: B023
        rounds += rounds_in(log)
        held = in_flight(port, prefix)
        events.append(
            {
                "kill": k + 1,
                "how": f"{delay:.2f} s after its first message was accepted",
                "killed": killed,
                "accepted_before": control.call("count", prefix=prefix)["accepted"],
                "in_flight": held,
                "exit": process.returncode,
            }
        )
        print(f"[crash] kill {k + 1}: {events[-1]['accepted_before']} accepted, in flight {held}")
        control.skip(lease)  # the next sender starts after the dead claim's lease
        if not killed:
            break
    # the documented edge, on purpose: the server accepts a message and holds its answer
    control.call("hold", prefix=prefix)
    log = folder / "sender-edge.log"
    process = sender_process(port, log)
    killed = run_until(process, lambda: control.call("held")["held"] is not None)
    control.call("release")
    rounds += rounds_in(log)
    held = in_flight(port, prefix)
    events.append(
        {
            "kill": len(events) + 1,
            "how": "the server accepted its first message and held the answer",
            "killed": killed,
            "accepted_before": control.call("count", prefix=prefix)["accepted"],
            "in_flight": held,
            "exit": process.returncode,
        }
    )
    print(f"[crash] edge kill: in flight {held}")
    control.skip(lease)
    log = folder / "sender-last.log"
    process = sender_process(port, log)
    process.wait()
    rounds += rounds_in(log)
    final_exit = process.returncode
    check = verify(port, prefix, setup["expected"])
    expected_doubles = sorted(
        entry["token"]
        for event in events
        for entry in event["in_flight"]
        if entry["accepted_by_server"]
    )
    return {
        "name": "crash",
        "prefix": prefix,
        "robots": robots,
        "per_robot": per_robot,
        "messages": len(setup["expected"]),
        "enqueue_s": setup["enqueue_s"],
        "kills": events,
        "senders": len(events) + 1,
        "final_sender_exit": final_exit,
        "rounds": rounds,
        "wall_s": time.perf_counter() - began,
        "expected_doubles": expected_doubles,
        "doubles_as_expected": sorted(check["doubles"]) == expected_doubles,
        "exactly_once_but_the_edge": (
            sorted(check["doubles"]) == expected_doubles
            and all(n == 2 for n in check["doubles"].values())
            and not check["missing"]
            and not check["misrouted"]
            and not check["unknown"]
            and check["deliveries_by_status"] == {"sent": check["messages"]}
        ),
        "logs": str(folder),
        "check": check,
    }


def sender_main(port: int) -> int:
    """A sender process of the crash scenario: rounds until nothing is left (or killed)."""
    configure("env", migrate=False)
    send_rounds(
        port,
        log=lambda r: print(json.dumps(r), flush=True),
        on_start=lambda now: print(f"start {now.isoformat()}", flush=True),
    )
    return 0


# --- report ------------------------------------------------------------------------------------


def code_info(label: str | None) -> dict:
    """Which duban ran: the folder it was imported from, the repository's commit and whether the
    working tree is dirty (and whether the notify package itself differs from that commit)."""
    import duban.notify

    folder = Path(duban.notify.__file__).resolve().parent
    info = {"duban_path": str(folder.parent)}
    info["sha256"] = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()[:12]
        for name in ("services.py", "channels.py", "models.py")
    }
    if label:
        info["git"] = label
        return info

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
        ).stdout.rstrip()  # not strip(): "git status --porcelain" lines begin with a space

    try:
        root = git("rev-parse", "--show-toplevel")
        head = git("rev-parse", "--short", "HEAD")
        changed = [line[3:] for line in git("status", "--porcelain").splitlines()]
        notify = git("status", "--porcelain", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        info["git"] = "not a git checkout (e.g. a git archive snapshot on PYTHONPATH)"
        return info
    info |= {
        "root": root,
        "head": head,
        "dirty": bool(changed),
        "changed": changed,
        "notify_changed": bool(notify),
    }
    if changed:
        source = [path for path in changed if path.startswith("src/")]
        info["git"] = (
            f"{head}, working tree dirty ({len(changed)} paths changed or untracked; under src/: "
            f"{', '.join(source) or 'none'}); "
            + (
                f"**src/duban/notify differs from {head}**"
                if notify
                else f"src/duban/notify as committed in {head}"
            )
        )
    else:
        info["git"] = f"{head}, working tree clean"
    return info


def run(args) -> dict:
    from bench_receivables import machine
    from bench_supervision import database_info
    from django.utils import timezone

    from duban.notify import channels, services

    report = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "load_before": os.getloadavg(),
        "code": code_info(args.code_label),
        "database": database_info(),
        "sender": {
            "limit_per_round": services.BATCH,
            "fan_out_per_round": services.BATCH,
            "lease_s": services.LEASE.total_seconds(),
            "rates": channels.RATES["wecom"],
            "skip_s": SKIP,
            "server_limit": [WECOM_LIMIT, WECOM_WINDOW],
        },
        "scenarios": [],
    }
    server, port = start_server()
    try:
        for name in args.only:
            load = os.getloadavg()[0]
            if name == "crash":
                result = crash(port, args.kills, args.seed)
            else:
                result = scenario(port, name)
            result["load"] = [load, os.getloadavg()[0]]
            report["scenarios"].append(result)
    finally:
        server.terminate()
        server.wait()
    report["load_after"] = os.getloadavg()
    report["database"] = database_info() | {"at_start": report["database"]}
    return report


def yes_no(flag: bool) -> str:
    return "yes" if flag else "**NO**"


def markdown(report: dict) -> str:
    m, code, db = report["machine"], report["code"], report["database"]
    sender = report["sender"]
    out = [
        f"# Notifications benchmark — {db['vendor']}",
        "",
        f"- Run: {report['at']}",
        f"- Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory']} RAM, {m['platform']}, Python "
        f"{m['python']}, Django {m['django']}; load average {report['load_before'][0]:.2f} before, "
        f"{report['load_after'][0]:.2f} after (1-minute; per scenario below). **The CPUs were "
        "shared**: the test suite ran on the same machine at the same time, so the seconds are "
        "noisy; the baseline was measured in the same minutes, before and after the sender.",
        f"- Code: duban imported from {code['duban_path']} — {code['git']}; notify "
        + ", ".join(f"{n} {h}" for n, h in code["sha256"].items())
        + " (sha256)",
        f"- Database: {db['version']} ({db['name']})",
        f"- Sender: `messages_send(now=…, channel_for=…)` with its defaults (fans out "
        f"{sender['fan_out_per_round']} messages and sends at most {sender['limit_per_round']} "
        f"deliveries a round), RATES wecom {sender['rates'][0]} per {sender['rates'][1]:g} s, "
        f"LEASE {sender['lease_s']:g} s; the virtual clock advances {sender['skip_s']:g} s between "
        "rounds",
        "- Fake robot: http.server.ThreadingHTTPServer (HTTP/1.1 keep-alive) in another process "
        f'on 127.0.0.1, answering `{{"errcode":0,"errmsg":"ok"}}`, or errcode 45009 beyond '
        f"{WECOM_LIMIT} messages per {WECOM_WINDOW:g} s per key (sliding window, on the virtual "
        "clock); it counts each accepted message by key and by the token in its text",
        "",
        "## Summary",
        "",
        "| scenario | messages | robots × each | rounds | sender s | messages/s | baseline s "
        "(before / after) | sender / baseline | overhead ms/message | exactly once | 45009 "
        "refusals |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    for s in report["scenarios"]:
        c = s["check"]
        once = f"{yes_no(c['exactly_once'])} ({c['delivered_once']:,} / {c['messages']:,})"
        if s["name"] == "crash":
            once = (
                f"{yes_no(s['exactly_once_but_the_edge'])} but the at-least-once edge: "
                f"{c['delivered_once']:,} once, {len(c['doubles'])} twice (expected "
                f"{len(s['expected_doubles'])}), {c['missing']} missing"
            )
            unsummed = c["messages_delivered_not_marked_sent"]
            if unsummed:
                once += f"; **{len(unsummed)} delivered but left `pending`**"
            out.append(
                f"| crash ({len(s['kills'])} kills) | {s['messages']:,} | {s['robots']} × "
                f"{s['per_robot']} | {s['rounds']} | — | — | — | — | — | {once} | "
                f"{c['rate_limit_refusals']} |"
            )
            continue
        b = s["baseline"]
        out.append(
            f"| {s['name']} | {s['messages']:,} | {s['robots']} × {s['per_robot']} | "
            f"{s['rounds']} | {s['sender_s']:.2f} | {s['messages_per_s']:.0f} | "
            f"{s['baseline_s']:.2f} ({b[0]['seconds']:.2f} / {b[1]['seconds']:.2f}) | "
            f"{s['ratio_to_baseline']:.1f}× | **{s['overhead_ms_per_message']:.2f}** | {once} | "
            f"{c['rate_limit_refusals']} |"
        )
    out += [
        "",
        "sender s: the sum of the `messages_send` rounds (fan-out included; the enqueue apart); "
        "overhead = (sender s − baseline s) / messages; baseline: the same JSON bodies POSTed by a "
        "bare httpx client to the same server (other keys), the answer's errcode read — the mean "
        "of the runs before and after the sender.",
        "",
    ]
    for s in report["scenarios"]:
        out += scenario_section(s) if s["name"] != "crash" else crash_section(s)
    return "\n".join(out) + "\n"


def scenario_section(s: dict) -> list[str]:
    c, b, q = s["check"], s["baseline"], s["queue_order"]
    lines = [
        f"## {s['name']}: {s['messages']:,} messages, {s['robots']} robots × {s['per_robot']}",
        "",
        f"- Load average (1 minute) {s['load'][0]:.2f} at the start, {s['load'][1]:.2f} at the end",
        f"- Enqueue (`outbox_enqueue`, one call): {s['enqueue_s']:.2f} s",
        f"- Sender: {s['rounds']} rounds, {s['sender_s']:.2f} s, {s['messages_per_s']:.0f} "
        f"messages/s; totals {s['totals']}",
        f"- Baseline: {b[0]['posts']:,} POSTs {b[0]['seconds']:.2f} s before, "
        f"{b[1]['seconds']:.2f} s after ({b[0]['refused']} + {b[1]['refused']} refused); "
        "bodies identical to the sender's: "
        f"{yes_no(s['same_bodies'])} ({c['bytes']:,} bytes)",
        f"- Server's own handling per request: {s['server_handling_ms']['sender']:.3f} ms for the "
        f"sender's, {s['server_handling_ms']['baseline']:.3f} ms for the baseline's",
        f"- Delivered exactly once: {yes_no(c['exactly_once'])} — {c['delivered_once']:,} of "
        f"{c['messages']:,} once, {len(c['doubles'])} twice or more, {c['missing']} missing, "
        f"{c['misrouted']} to the wrong robot; deliveries {c['deliveries_by_status']}, messages "
        f"{c['messages_by_status']}, attempts {c['delivery_attempts']}",
        f"- Rate-limit refusals (45009): {c['rate_limit_refusals']}",
        f"- Order: of the {q['messages']:,} messages in the order they were queued, the first was "
        f"sent as number {q['first_queued_sent_as']:,} and the last as number "
        f"{q['last_queued_sent_as']:,}; the first {q['chunk']} queued went out in rounds "
        f"{q['first_chunk_rounds'][0]}–{q['first_chunk_rounds'][1]}, the last {q['chunk']} in "
        f"rounds {q['last_chunk_rounds'][0]}–{q['last_chunk_rounds'][1]}",
        "",
        "Per message (ms):",
        "",
        "| part | ms |",
        "|---|--:|",
    ]
    for part, value in s["breakdown_ms_per_message"].items():
        lines.append(f"| {part} | {value:.3f} |")
    lines += [
        f"| **sender, all** | **{s['sender_s'] / s['messages'] * 1000:.3f}** |",
        f"| baseline (bare POST) | {s['baseline_s'] / s['messages'] * 1000:.3f} |",
        "",
        f"SQL statements per message: {s['queries_per_message']:.1f}.",
        "",
        "| round | fanned out | sent | postponed | retried | failed | s | fan-out s | send s | "
        "SQL |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for i, r in enumerate(s["round_log"], 1):
        lines.append(
            f"| {i} | {r['fanned_out']} | {r['sent']} | {r['postponed']} | {r['retried']} | "
            f"{r['failed']} | {r['seconds']:.2f} | {r['fan_out_s']:.2f} | {r['send_s']:.2f} | "
            f"{r['queries']} |"
        )
    return lines + [""]


def crash_section(s: dict) -> list[str]:
    c = s["check"]
    lines = [
        f"## crash: {s['messages']:,} messages, {s['robots']} robots × {s['per_robot']}, senders "
        "killed with SIGKILL",
        "",
        f"{s['senders']} sender processes in turn (each `messages_send` round after round, 61 s "
        "apart on the virtual clock); each of the first was killed (`kill -9`) at a random moment "
        "0.1–1.5 s after the server accepted its first message, the last but one while the "
        "server held the answer of a message it had accepted; after each kill the clock "
        "advanced LEASE + 1 s, so "
        f"the next sender's first round recovered the dead claim. {s['rounds']} rounds in all, "
        f"{s['wall_s']:.1f} s (process starts included).",
        "",
        "| kill | how | accepted by the server so far | held (SENDING) at the kill | the server "
        "had accepted it |",
        "|--:|---|--:|---|---|",
    ]
    for e in s["kills"]:
        held = ", ".join(x["token"] for x in e["in_flight"]) or "none"
        accepted = ", ".join("yes" if x["accepted_by_server"] else "no" for x in e["in_flight"])
        how = e["how"] + ("" if e["killed"] else " (ended before the kill)")
        lines.append(
            f"| {e['kill']} | {how} | {e['accepted_before']:,} | {held} | {accepted or '—'} |"
        )
    lines += [
        "",
        f"- Every message delivered: {yes_no(not c['missing'])} ({c['missing']} missing); once: "
        f"{c['delivered_once']:,}; **twice: {len(c['doubles'])}** "
        f"({', '.join(c['doubles']) or 'none'}) — expected (held when killed and already "
        f"accepted by the server): {', '.join(s['expected_doubles']) or 'none'}: "
        f"{yes_no(s['doubles_as_expected'])}",
        f"- Rate-limit refusals (45009): {c['rate_limit_refusals']}; wrong robot: "
        f"{c['misrouted']}; deliveries {c['deliveries_by_status']}; messages "
        f"{c['messages_by_status']}; attempts {c['delivery_attempts']}",
        f"- Messages whose deliveries were all sent but that are not marked sent: "
        f"{len(c['messages_delivered_not_marked_sent'])}"
        + (
            f" ({', '.join(c['messages_delivered_not_marked_sent'][:5])})"
            if c["messages_delivered_not_marked_sent"]
            else ""
        )
        + (
            " — **a sender killed after marking the delivery sent and before `_sum_up` updated "
            "its message: nothing sums it up again, so the message stays `pending`**"
            if c["messages_delivered_not_marked_sent"]
            else ""
        ),
        f"- The last sender's exit status: {s['final_sender_exit']}",
        f"- Load average (1 minute) {s['load'][0]:.2f} at the start, {s['load'][1]:.2f} at the end",
        "",
    ]
    return lines


def print_summary(report: dict) -> None:
    for s in report["scenarios"]:
        c = s["check"]
        if s["name"] == "crash":
            print(
                f"crash: exactly once except the edge: missing {c['missing']}, doubles "
                f"{len(c['doubles'])} (expected {len(s['expected_doubles'])}), 45009 "
                f"{c['rate_limit_refusals']}"
            )
        else:
            print(
                f"{s['name']}: {s['messages']} messages, {s['rounds']} rounds, sender "
                f"{s['sender_s']:.2f} s ({s['messages_per_s']:.0f}/s), baseline "
                f"{s['baseline_s']:.2f} s, overhead {s['overhead_ms_per_message']:.2f} ms/message, "
                f"exactly once {c['exactly_once']}, 45009 {c['rate_limit_refusals']}"
            )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "env"], default="sqlite")
    parser.add_argument("--sqlite-path", help="another SQLite file")
    parser.add_argument("--only", default="spread,wait,crash")
    parser.add_argument("--kills", type=int, default=8, help="random kills in the crash scenario")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--code-label", help="what code ran, when not a git checkout")
    parser.add_argument("--out", default=str(BENCH_DIR / "results"), help="results folder")
    parser.add_argument(
        "--suffix", default="", help="appended to the results' names (notify-<vendor><suffix>.md)"
    )
    parser.add_argument("--render", metavar="JSON", help="write the .md of a results .json again")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sender", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve()
        return 0
    if args.sender:
        return sender_main(args.port)
    if args.render:
        path = Path(args.render)
        path.with_suffix(".md").write_text(markdown(json.loads(path.read_text())))
        return 0
    args.only = [name for name in args.only.split(",") if name]
    unknown = set(args.only) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")

    began = time.perf_counter()
    configure(args.db, args.sqlite_path)
    report = run(args)
    report["seconds"] = round(time.perf_counter() - began, 1)

    from django.db import connection

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"notify-{connection.vendor}{args.suffix}"
    stem.with_suffix(".json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    stem.with_suffix(".md").write_text(markdown(report))
    print_summary(report)
    print(f"Written {stem}.md/.json in {report['seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
