"""Clients for the channels a message goes out on: e-mail and the WeCom, DingTalk, Feishu robots.

Each channel turns a :class:`Card` into the provider's format, sends it once and says what
happened in a :class:`Delivery`; it never retries (the sender does, honouring ``retry`` and
``retry_after``) and never puts a webhook key, token or signing secret in an answer or a log.

The robots answer HTTP 200 even when they refuse a message: success is ``errcode == 0`` (WeCom,
DingTalk) or ``code == 0`` (Feishu). Formats, limits and codes: ecosystem notes §1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import parseaddr, parsedate_to_datetime
from typing import Protocol
from urllib.parse import parse_qsl, quote, urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.core.validators import validate_email
from django.utils.html import escape
from django.utils.timezone import now
from django.utils.translation import gettext

log = logging.getLogger(__name__)

#: (messages, per seconds) a robot accepts; the sender spaces its sends by these. E-mail: none.
RATES = {"wecom": (20, 60.0), "dingtalk": (20, 60.0), "feishu": (5, 1.0)}

ANSWER_LIMIT = 500
ELLIPSIS = "…"
WECOM_MARKDOWN_LIMIT = 4096  # bytes of markdown.content
WECOM_TEXT_LIMIT = 2048  # bytes of text.content
DINGTALK_TEXT_LIMIT = 20000  # bytes of markdown.text
FEISHU_BODY_LIMIT = 20000  # bytes of the whole JSON body ("20 KB": the smaller reading)
TITLE_LIMIT = 100  # characters
MENTION_LIMIT = 50  # mentions per message


class _MaskedWebhooks(logging.Filter):
    """httpx logs each request's full URL at INFO: a webhook's key or token shows its ends only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                masked(str(arg)) if isinstance(arg, httpx.URL) else arg for arg in record.args
            )
        return True


_httpx_log = logging.getLogger("httpx")
if not any(isinstance(f, _MaskedWebhooks) for f in _httpx_log.filters):
    _httpx_log.addFilter(_MaskedWebhooks())

#: One client for every robot send: connections are reused, nothing retries inside (the sender
#: does), redirects are not followed (a webhook that redirects is a wrong webhook).
http_client = httpx.Client(
    timeout=10.0,
    follow_redirects=False,
    headers={"User-Agent": "duban-notify/1"},
)


@dataclass(frozen=True)
class Card:
    """A message as the robots and e-mail show it."""

    title: str  # e.g. "方案逾期未提交"
    lines: tuple[tuple[str, str], ...]  # (label, value): ("事项", "…"), ("期限", "2026-12-03")
    link: str = ""  # absolute URL of the page to open
    mentions: tuple[str, ...] = ()  # mobiles for WeCom/DingTalk; open_id or e-mail for Feishu


@dataclass(frozen=True)
class Delivery:
    ok: bool
    retry: bool  # a failure worth retrying (timeout, connection, HTTP 5xx/429, rate-limit codes)
    answer: str  # the provider's answer or the error, ≤ 500 characters, secrets never included
    retry_after: float | None = None  # seconds, when known


class Channel(Protocol):
    kind: str  # "email" | "wecom" | "dingtalk" | "feishu"

    def send(self, card: Card, *, key: str) -> Delivery: ...  # key: the idempotency key


# --- text helpers -------------------------------------------------------------------------------

# Markdown and mention syntax in user text is swapped for its full-width look-alike, which every
# client shows as plain text: "[x](url)" cannot become a link, "<@all>", "@all" or
# "<at user_id="all">" cannot ping anyone, "<font>" and HTML entities cannot style or smuggle tags.
_NEUTRAL = str.maketrans(
    {
        "\\": "＼",
        "*": "＊",
        "`": "｀",
        "~": "～",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "@": "＠",
        "&": "＆",
        "|": "｜",
    }
)
_PLAIN_NEUTRAL = str.maketrans({"@": "＠", "<": "＜", ">": "＞"})
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_MOBILE = re.compile(r"\+?\d[\d-]{4,19}")
_FEISHU_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _one_line(text: object) -> str:
    """The text on one line: no line breaks (no headings, quotes, lists), no control characters."""
    return _SPACES.sub(" ", _CONTROL.sub("", str(text))).strip()


def _md(text: object) -> str:
    """User text made safe inside robot markdown (WeCom, DingTalk, Feishu lark_md)."""
    return _one_line(text).translate(_NEUTRAL)


def _plain(text: object) -> str:
    """User text made safe inside a plain-text robot message (mentions come only from lists)."""
    return _one_line(text).translate(_PLAIN_NEUTRAL)


def _short(text: str, limit: int = TITLE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _safe_link(link: str) -> str:
    """An absolute http(s) URL fit for ``[text](url)``, or "" when the link is not one."""
    link = _CONTROL.sub("", link or "").strip()
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc or _SPACES.search(link):
        return ""
    # characters that would end the markdown link or open a tag are percent-encoded
    return quote(link, safe=":/?#[]@!$&'*+,;=%~-._")


def _cut_utf8(text: str, size: int) -> str:
    """The longest prefix of ``text`` that is at most ``size`` bytes of UTF-8."""
    if size <= 0:
        return ""
    return text.encode()[:size].decode("utf-8", "ignore")


def _utf8_size(text: str) -> int:
    return len(text.encode())


def _fit(compose: Callable[[str], str], body: str, limit: int, size=_utf8_size) -> str:
    """``compose(body)``, with ``body`` cut short and marked "…" until ``size`` is within limit.

    Only the body is cut: the heading, the link and the mentions always survive. The cut is
    the longest that fits (a binary search over the body's UTF-8 length: the size a provider
    counts, e.g. escaped JSON, need not grow evenly with it).
    """
    full = compose(body)
    if size(full) <= limit:
        return full

    def cut(n: int) -> str:
        return compose(_cut_utf8(body, n).rstrip() + ELLIPSIS)

    low, high = 0, _utf8_size(body) - 1  # the longest fitting cut is in [low, high]
    if size(cut(low)) > limit:
        return cut(low)  # the heading, link and mentions alone are too long: the provider says
    while low < high:
        middle = (low + high + 1) // 2
        if size(cut(middle)) <= limit:
            low = middle
        else:
            high = middle - 1
    return cut(low)


def _mobiles(mentions: Iterable[str]) -> list[str]:
    """Mentions that are mobile numbers; anything else ("@all", user text) is dropped."""
    found = []
    for mention in mentions:
        mention = str(mention).strip()
        if _MOBILE.fullmatch(mention) and mention not in found:
            found.append(mention)
        elif mention:
            log.warning("notify: mention %r is not a mobile number, dropped", mention[:40])
    return found[:MENTION_LIMIT]


# --- answers ------------------------------------------------------------------------------------


def _answer(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "****")
    return text[:ANSWER_LIMIT]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max((parsedate_to_datetime(value) - now()).total_seconds(), 0.0)
    except (TypeError, ValueError):
        return None


def _dumps(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _post(
    url: str,
    payload: dict,
    *,
    params: dict | None = None,
    code_fields: tuple[str, ...],
    transient: dict[int, float | None],
    secrets: tuple[str, ...],
) -> Delivery:
    """POST ``payload`` as JSON and read the provider's code.

    ``transient`` maps the provider codes worth retrying to their known wait (or None).
    """
    if params:
        # merged here: httpx's params= replaces the URL's query, which holds the access token
        url = str(httpx.URL(url).copy_merge_params(params))
    try:
        response = http_client.post(
            url,
            content=_dumps(payload),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
    except httpx.TimeoutException as exc:
        return Delivery(False, True, _answer(f"timeout: {type(exc).__name__} {exc}", secrets))
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        return Delivery(False, False, _answer(f"{type(exc).__name__}: {exc}", secrets))
    except httpx.TransportError as exc:
        return Delivery(False, True, _answer(f"{type(exc).__name__}: {exc}", secrets))
    except httpx.HTTPError as exc:
        return Delivery(False, False, _answer(f"{type(exc).__name__}: {exc}", secrets))

    status = response.status_code
    text = response.text
    if status == 429 or status >= 500:
        return Delivery(
            False, True, _answer(f"HTTP {status}: {text}", secrets), _retry_after(response)
        )
    try:
        data = response.json()
    except ValueError:
        data = None
    code = None
    if isinstance(data, dict):
        code = next((data[f] for f in code_fields if f in data), None)
    if not isinstance(code, int) or isinstance(code, bool):
        return Delivery(False, False, _answer(f"HTTP {status}, invalid answer: {text}", secrets))
    if code == 0 and status == 200:
        return Delivery(True, False, _answer(text, secrets))
    if code in transient:
        return Delivery(False, True, _answer(text, secrets), transient[code])
    return Delivery(
        False, False, _answer(f"HTTP {status}: {text}" if status != 200 else text, secrets)
    )


def _query_value(url: str, name: str) -> str:
    return dict(parse_qsl(urlsplit(url).query)).get(name, "")


# --- robots -------------------------------------------------------------------------------------


class WeComRobot:
    """企业微信群机器人.

    Mentions: WeCom's ``markdown`` message has no ``mentioned_*`` lists (only ``<@userid>`` in
    the content, and we hold mobiles), while a ``text`` message takes ``mentioned_mobile_list``
    (official 群机器人配置说明). So a card without mentions goes as markdown, and a card with
    mentions goes as ONE ``text`` message carrying the same lines, the link (WeCom makes a bare
    URL clickable) and the mobiles. Not markdown followed by a second text message: two sends
    are not atomic (a retry after the second failed would post the markdown twice) and would
    spend two of the robot's 20 messages a minute.
    """

    kind = "wecom"
    RATE_LIMITED = 45009  # api freq out of limit: 20 messages a minute per robot
    BUSY = -1  # 系统繁忙 (WeCom global error codes: try again later)

    def __init__(self, webhook: str):
        self.webhook = webhook
        self.key = _query_value(webhook, "key")

    def payload(self, card: Card) -> dict:
        mobiles = _mobiles(card.mentions)
        link = _safe_link(card.link)
        if mobiles:
            head = f"【{_short(_plain(card.title))}】"
            body = "\n".join(f"{_plain(label)}：{_plain(value)}" for label, value in card.lines)
            tail = f"{gettext('打开督办')}：{link}" if link else ""
            content = _fit(lambda b: _join("\n", head, b, tail), body, WECOM_TEXT_LIMIT)
            return {
                "msgtype": "text",
                "text": {"content": content, "mentioned_mobile_list": mobiles},
            }
        head = f"### {_short(_md(card.title))}"
        body = "\n".join(f"**{_md(label)}**：{_md(value)}" for label, value in card.lines)
        tail = f"[{gettext('打开督办')}]({link})" if link else ""
        content = _fit(lambda b: _join("\n", head, b, tail), body, WECOM_MARKDOWN_LIMIT)
        return {"msgtype": "markdown", "markdown": {"content": content}}

    def send(self, card: Card, *, key: str) -> Delivery:
        delivery = _post(
            self.webhook,
            self.payload(card),
            code_fields=("errcode",),
            transient={self.RATE_LIMITED: 60.0, self.BUSY: None},
            secrets=(self.webhook, self.key),
        )
        _log(self.kind, self.webhook, key, delivery)
        return delivery


class DingTalkRobot:
    """钉钉自定义机器人: markdown, signed when the robot has 加签, mentions by mobile."""

    kind = "dingtalk"
    TOO_FAST = 130101  # send too fast, exceed 20 times per minute: throttled for 10 minutes
    BUSY = -1  # 系统繁忙 (DingTalk server error codes: try again later)

    def __init__(self, webhook: str, secret: str = ""):
        self.webhook = webhook
        self.secret = secret
        self.token = _query_value(webhook, "access_token")

    @staticmethod
    def sign(secret: str, timestamp_ms: int) -> str:
        """The raw base64 signature; httpx percent-encodes it once, as the doc's quote_plus."""
        digest = hmac.new(
            secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
        ).digest()
        return base64.b64encode(digest).decode()

    def payload(self, card: Card) -> dict:
        mobiles = _mobiles(card.mentions)
        link = _safe_link(card.link)
        title = _short(_md(card.title))
        head = f"### {title}"
        body = "\n\n".join(f"**{_md(label)}**：{_md(value)}" for label, value in card.lines)
        # the "@mobile" must also be in the text, or nobody is reminded
        tail = _join(
            "\n\n",
            f"[{gettext('打开督办')}]({link})" if link else "",
            " ".join(f"@{m}" for m in mobiles),
        )
        text = _fit(lambda b: _join("\n\n", head, b, tail), body, DINGTALK_TEXT_LIMIT)
        return {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": text},
            "at": {"atMobiles": mobiles, "isAtAll": False},
        }

    def send(self, card: Card, *, key: str) -> Delivery:
        params = None
        sign = ""
        if self.secret:
            timestamp = int(time.time() * 1000)
            sign = self.sign(self.secret, timestamp)
            params = {"timestamp": str(timestamp), "sign": sign}
        delivery = _post(
            self.webhook,
            self.payload(card),
            params=params,
            code_fields=("errcode",),
            transient={self.TOO_FAST: 600.0, self.BUSY: None},
            secrets=(self.webhook, self.token, self.secret, sign, quote(sign, safe="")),
        )
        _log(self.kind, self.webhook, key, delivery)
        return delivery


class FeishuBot:
    """飞书/Lark 自定义机器人, as an interactive card.

    A card rather than a ``post``: its header shows the title as a heading, its ``lark_md``
    takes bold labels and links, and only card markdown can mention by e-mail
    (``<at email=…></at>``) as well as by open_id (``<at id=…></at>``); a post's ``at`` tag
    takes a user id only. Signed in the body (timestamp in seconds) when the bot has 签名校验.
    """

    kind = "feishu"
    RATE_LIMITED = 11232  # frequency limit (documented; also near :00 and :30 under load)

    def __init__(self, webhook: str, secret: str = ""):
        self.webhook = webhook
        self.secret = secret
        self.hook_id = urlsplit(webhook).path.rstrip("/").rpartition("/")[2]

    @staticmethod
    def sign(secret: str, timestamp_s: int) -> str:
        """HMAC keyed by "timestamp\\nsecret" over an empty message, base64."""
        digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    @staticmethod
    def mention(mention: str) -> str:
        """The card markdown that mentions an open_id or an e-mail address, or "" for neither."""
        mention = str(mention).strip()
        if "@" in mention:
            try:
                validate_email(mention)
            except ValidationError:
                return ""
            return f"<at email={mention}></at>"
        if _FEISHU_ID.fullmatch(mention) and mention.lower() != "all":
            return f"<at id={mention}></at>"
        return ""

    def payload(self, card: Card, signed: dict | None = None) -> dict:
        link = _safe_link(card.link)
        mentions = []
        for mention in card.mentions:
            tag = self.mention(mention)
            if tag and tag not in mentions:
                mentions.append(tag)
            elif not tag:
                log.warning("notify: Feishu mention %r is no open_id or e-mail", str(mention)[:40])
        tail = _join(
            "\n",
            f"[{gettext('打开督办')}]({link})" if link else "",
            " ".join(mentions[:MENTION_LIMIT]),
        )
        body = "\n".join(f"**{_md(label)}**：{_md(value)}" for label, value in card.lines)
        title = _short(_plain(card.title))  # plain_text, yet no tag or @ either

        def build(content: str) -> dict:
            return {
                **(signed or {}),
                "msg_type": "interactive",
                "card": {
                    "config": {"wide_screen_mode": True},
                    "header": {
                        "template": "orange",
                        "title": {"tag": "plain_text", "content": title},
                    },
                    "elements": [{"tag": "div", "text": {"tag": "lark_md", "content": content}}],
                },
            }

        content = _fit(
            lambda b: _join("\n", b, tail),
            body,
            FEISHU_BODY_LIMIT,
            size=lambda c: len(_dumps(build(c))),
        )
        return build(content)

    def send(self, card: Card, *, key: str) -> Delivery:
        signed = None
        sign = ""
        if self.secret:
            timestamp = int(time.time())
            sign = self.sign(self.secret, timestamp)
            signed = {"timestamp": str(timestamp), "sign": sign}
        delivery = _post(
            self.webhook,
            self.payload(card, signed),
            code_fields=("code", "StatusCode"),
            transient={self.RATE_LIMITED: None},
            secrets=(self.webhook, self.hook_id, self.secret, sign),
        )
        _log(self.kind, self.webhook, key, delivery)
        return delivery


def _join(sep: str, *parts: str) -> str:
    return sep.join(p for p in parts if p)


def _log(kind: str, address: str, key: str, delivery: Delivery) -> None:
    if not delivery.ok:
        log.warning(
            "notify: %s %s refused %s (retry=%s): %s",
            kind,
            masked(address),
            key,
            delivery.retry,
            delivery.answer,
        )


# --- e-mail -------------------------------------------------------------------------------------


class EmailChannel:
    """E-mail through Django's mail backend: plain text with a simple HTML alternative.

    The Message-ID is derived from the message's key, so a resend carries the same Message-ID
    and mail clients that thread or deduplicate by it recognise it as the same message.
    """

    kind = "email"

    def __init__(self, address: str):
        self.address = address

    @staticmethod
    def message_id(key: str) -> str:
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "duban.localhost"
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        return f"<duban.{digest}@{domain}>"

    def message(self, card: Card, *, key: str) -> EmailMultiAlternatives:
        title = _short(_one_line(card.title), 200)
        link = _safe_link(card.link)
        text_lines = [title, ""]
        text_lines += [f"{_one_line(label)}：{_one_line(value)}" for label, value in card.lines]
        if link:
            text_lines += ["", f"{gettext('打开督办')}：{link}"]
        rows = "".join(
            f'<tr><th align="left" style="padding:2px 12px 2px 0">{escape(_one_line(label))}</th>'
            f"<td>{escape(_one_line(value))}</td></tr>"
            for label, value in card.lines
        )
        html = f"<h3>{escape(title)}</h3><table>{rows}</table>"
        if link:
            html += f'<p><a href="{escape(link)}">{escape(gettext("打开督办"))}</a></p>'
        message = EmailMultiAlternatives(
            subject=title,
            body="\n".join(text_lines) + "\n",
            to=[self.address],
            headers={"Message-ID": self.message_id(key)},
        )
        message.attach_alternative(f"<!doctype html><html><body>{html}</body></html>", "text/html")
        return message

    def send(self, card: Card, *, key: str) -> Delivery:
        try:
            message = self.message(card, key=key)
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _msg in exc.recipients.values()]
            retry = not codes or any(code < 500 for code in codes)
            delivery = Delivery(False, retry, _answer(f"SMTPRecipientsRefused: {exc.recipients}"))
        except smtplib.SMTPResponseException as exc:
            # 4xx: try later (greylisting, rate limits); 5xx: refused for good
            delivery = Delivery(False, exc.smtp_code < 500, _answer(f"{type(exc).__name__}: {exc}"))
        except (BadHeaderError, ValueError) as exc:
            delivery = Delivery(False, False, _answer(f"{type(exc).__name__}: {exc}"))
        except (smtplib.SMTPException, OSError) as exc:
            # disconnected, refused connection, timeout, TLS failure: the server may be back
            delivery = Delivery(False, True, _answer(f"{type(exc).__name__}: {exc}"))
        else:
            delivery = Delivery(True, False, _answer(f"sent {message.extra_headers['Message-ID']}"))
        _log(self.kind, self.address, key, delivery)
        return delivery


# --- addresses ----------------------------------------------------------------------------------

_WEBHOOKS = {
    "wecom": ({"qyapi.weixin.qq.com"}, "/cgi-bin/webhook/send", "key"),
    "dingtalk": ({"oapi.dingtalk.com"}, "/robot/send", "access_token"),
}
_FEISHU_HOSTS = {"open.feishu.cn", "open.larksuite.com"}
_FEISHU_PATH = re.compile(r"/open-apis/bot/v2/hook/[A-Za-z0-9-]{8,128}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,256}")
KINDS = ("email", "wecom", "dingtalk", "feishu")


def _address_error(kind: str) -> str:
    return {
        "wecom": gettext(
            "企业微信机器人地址应为 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
        "dingtalk": gettext(
            "钉钉机器人地址应为 https://oapi.dingtalk.com/robot/send?access_token=…"
        ),
        "feishu": gettext(
            "飞书机器人地址应为 https://open.feishu.cn/open-apis/bot/v2/hook/…"
            "（或 open.larksuite.com）"
        ),
        "email": gettext("请输入有效的电子邮件地址。"),
    }[kind]


def _url_ok(address: str) -> bool:
    """An https URL to the provider's default port, without user info or a fragment."""
    try:
        parts = urlsplit(address)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "https"
        and port in (None, 443)
        and "@" not in parts.netloc
        and not parts.fragment
        and not _SPACES.search(address)
    )


def validate_address(kind: str, address: str) -> None:
    """Raise ValidationError (in Chinese) unless ``address`` is a valid address of ``kind``."""
    if kind not in KINDS:
        raise ValidationError(
            gettext("未知的通知渠道：%(kind)s"), code="invalid_kind", params={"kind": kind}
        )
    error = ValidationError(_address_error(kind), code="invalid")
    if kind == "email":
        try:
            validate_email(address)
        except ValidationError:
            raise error from None
        return
    if not _url_ok(address):
        raise error
    parts = urlsplit(address)
    if kind == "feishu":
        if parts.hostname not in _FEISHU_HOSTS or not _FEISHU_PATH.fullmatch(parts.path):
            raise error
        if parts.query:
            raise error
        return
    hosts, path, param = _WEBHOOKS[kind]
    query = parse_qsl(parts.query, keep_blank_values=True)
    if (
        parts.hostname not in hosts
        or parts.path != path
        or len(query) != 1
        or query[0][0] != param
        or not _TOKEN.fullmatch(query[0][1])
    ):
        raise error


def channel_for(kind: str, address: str, secret: str = "") -> Channel:
    """The channel that sends to ``address``; ValueError (in Chinese) when it is not valid."""
    address = (address or "").strip()
    secret = (secret or "").strip()
    try:
        validate_address(kind, address)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from None
    if kind == "email":
        return EmailChannel(address)
    if kind == "wecom":
        return WeComRobot(address)
    if kind == "dingtalk":
        return DingTalkRobot(address, secret)
    return FeishuBot(address, secret)


def _mask(token: str) -> str:
    """First 4 and last 4 characters; a short token is hidden whole."""
    return f"{token[:4]}…{token[-4:]}" if len(token) >= 12 else "****"


def masked(address: str) -> str:
    """The address fit for logs and pages: a webhook's key/token shows its ends only."""
    address = (address or "").strip()
    try:
        parts = urlsplit(address)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return _mask(address)
    if parts.scheme not in ("http", "https") or not host:
        if "@" in address and not _SPACES.search(address) and "/" not in address:
            return address  # an e-mail address is not a secret
        return _mask(address)
    netloc = host if port is None else f"{host}:{port}"
    path = parts.path
    head, sep, last = path.rstrip("/").rpartition("/")
    if "/hook/" in path and last:
        path = f"{head}{sep}{_mask(last)}"
    query = "&".join(
        f"{name}={_mask(value)}" for name, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return f"{parts.scheme}://{netloc}{path}" + (f"?{query}" if query else "")
