"""The channel clients: provider formats, signatures, error classes, limits; no network."""

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import time
from urllib.parse import quote_plus

import httpx
import pytest
import respx
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend

from duban.notify import channels
from duban.notify.channels import (
    RATES,
    Card,
    DingTalkRobot,
    EmailChannel,
    FeishuBot,
    WeComRobot,
    channel_for,
    masked,
    validate_address,
)

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
WECOM = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={WECOM_KEY}"
DING_TOKEN = "b3f1c0ffee9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e"
DINGTALK = f"https://oapi.dingtalk.com/robot/send?access_token={DING_TOKEN}"
DING_SECRET = "SECa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2"
FEISHU_HOOK = "2a1b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
FEISHU = f"https://open.feishu.cn/open-apis/bot/v2/hook/{FEISHU_HOOK}"
FEISHU_SECRET = "fs3cr3tValue0123456789"
LINK = "https://duban.example.cn/projects/42/"

CARD = Card(
    title="方案逾期未提交",
    lines=(("事项", "华东一区宽带方案"), ("原因", "超过期限 2 天"), ("期限", "2026-12-03")),
    link=LINK,
)
INJECT = '<@all> @all <at user_id="all">所有人</at> <at id=all></at> [点我](https://evil.example)'


@pytest.fixture
def http():
    with respx.mock(assert_all_called=False) as router:
        yield router


def sent_json(route) -> dict:
    return json.loads(route.calls.last.request.content.decode("utf-8"))


def ok_wecom():
    return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})


# --- WeCom --------------------------------------------------------------------------------------


class TestWeCom:
    def test_success_sends_markdown(self, http):
        route = http.post(WECOM).mock(return_value=ok_wecom())
        delivery = WeComRobot(WECOM).send(CARD, key="k1")
        assert delivery.ok and not delivery.retry
        body = sent_json(route)
        assert body["msgtype"] == "markdown"
        content = body["markdown"]["content"]
        assert content.splitlines() == [
            "### 方案逾期未提交",
            "**事项**：华东一区宽带方案",
            "**原因**：超过期限 2 天",
            "**期限**：2026-12-03",
            f"[打开督办]({LINK})",
        ]
        assert route.calls.last.request.headers["content-type"].startswith("application/json")

    def test_errcode_is_a_permanent_failure(self, http):
        http.post(WECOM).mock(
            return_value=httpx.Response(200, json={"errcode": 93000, "errmsg": "invalid webhook"})
        )
        delivery = WeComRobot(WECOM).send(CARD, key="k1")
        assert not delivery.ok and not delivery.retry
        assert "93000" in delivery.answer

    def test_http_500_is_retried(self, http):
        http.post(WECOM).mock(return_value=httpx.Response(500, text="upstream error"))
        delivery = WeComRobot(WECOM).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry
        assert "500" in delivery.answer

    def test_http_429_is_retried_after_its_header(self, http):
        http.post(WECOM).mock(return_value=httpx.Response(429, headers={"Retry-After": "7"}))
        delivery = WeComRobot(WECOM).send(CARD, key="k1")
        assert delivery.retry and delivery.retry_after == 7.0

    def test_timeout_is_retried(self, http):
        http.post(WECOM).mock(side_effect=httpx.ReadTimeout("timed out"))
        delivery = WeComRobot(WECOM).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry
        assert "timeout" in delivery.answer

    def test_connection_error_is_retried(self, http):
        http.post(WECOM).mock(side_effect=httpx.ConnectError("connection refused"))
        assert WeComRobot(WECOM).send(CARD, key="k1").retry

    def test_rate_limit_is_retried(self, http):
        http.post(WECOM).mock(
            return_value=httpx.Response(
                200, json={"errcode": 45009, "errmsg": "api freq out of limit"}
            )
        )
        delivery = WeComRobot(WECOM).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry and delivery.retry_after == 60.0

    def test_invalid_json_answer_is_permanent(self, http):
        http.post(WECOM).mock(return_value=httpx.Response(200, text="<html>gateway</html>"))
        delivery = WeComRobot(WECOM).send(CARD, key="k1")
        assert not delivery.ok and not delivery.retry

    def test_mentions_go_in_one_text_message_by_mobile(self, http):
        route = http.post(WECOM).mock(return_value=ok_wecom())
        card = Card(CARD.title, CARD.lines, LINK, mentions=("13800001111", "@all", "13900002222"))
        assert WeComRobot(WECOM).send(card, key="k1").ok
        assert len(route.calls) == 1
        body = sent_json(route)
        assert body["msgtype"] == "text"
        assert body["text"]["mentioned_mobile_list"] == ["13800001111", "13900002222"]
        assert "mentioned_list" not in body["text"]
        content = body["text"]["content"]
        assert content.startswith("【方案逾期未提交】\n事项：华东一区宽带方案")
        assert content.endswith(f"打开督办：{LINK}")

    def test_a_value_cannot_inject_a_mention_or_link(self, http):
        route = http.post(WECOM).mock(return_value=ok_wecom())
        card = Card("标题 <@all>", (("原因", INJECT + "\n### 假标题"),), LINK)
        WeComRobot(WECOM).send(card, key="k1")
        content = sent_json(route)["markdown"]["content"]
        for bad in ("<@all>", "@all", "<at", "](https://evil", "\n### 假标题"):
            assert bad not in content
        assert content.count("](") == 1  # only our own link

    def test_an_over_long_message_is_cut_on_a_utf8_boundary(self, http):
        route = http.post(WECOM).mock(return_value=ok_wecom())
        card = Card(CARD.title, (("事项", "a督办" * 2000),), LINK)
        WeComRobot(WECOM).send(card, key="k1")
        raw = route.calls.last.request.content
        content = json.loads(raw.decode("utf-8", "strict"))["markdown"]["content"]
        assert 4000 < len(content.encode()) <= 4096
        assert "\ufffd" not in content
        assert content.endswith(f"…\n[打开督办]({LINK})")
        assert content.startswith("### 方案逾期未提交\n**事项**：a督办")

    def test_an_over_long_text_message_is_cut_too(self, http):
        route = http.post(WECOM).mock(return_value=ok_wecom())
        card = Card(CARD.title, (("事项", "督" * 3000),), LINK, mentions=("13800001111",))
        WeComRobot(WECOM).send(card, key="k1")
        content = sent_json(route)["text"]["content"]
        assert 2000 < len(content.encode()) <= 2048
        assert content.endswith(f"…\n打开督办：{LINK}")


# --- DingTalk -----------------------------------------------------------------------------------


def ok_ding():
    return httpx.Response(200, json={"errcode": 0, "errmsg": "ok"})


def ding_route(http):
    return http.post(url__startswith="https://oapi.dingtalk.com/robot/send")


class TestDingTalk:
    def test_success_sends_markdown_unsigned(self, http):
        route = ding_route(http).mock(return_value=ok_ding())
        delivery = DingTalkRobot(DINGTALK).send(CARD, key="k1")
        assert delivery.ok
        request = route.calls.last.request
        assert dict(request.url.params) == {"access_token": DING_TOKEN}
        body = json.loads(request.content)
        assert body["msgtype"] == "markdown"
        assert body["markdown"]["title"] == "方案逾期未提交"
        assert body["markdown"]["text"].split("\n\n") == [
            "### 方案逾期未提交",
            "**事项**：华东一区宽带方案",
            "**原因**：超过期限 2 天",
            "**期限**：2026-12-03",
            f"[打开督办]({LINK})",
        ]
        assert body["at"] == {"atMobiles": [], "isAtAll": False}

    def test_signature_in_the_query(self, http):
        route = ding_route(http).mock(return_value=ok_ding())
        assert DingTalkRobot(DINGTALK, DING_SECRET).send(CARD, key="k1").ok
        url = route.calls.last.request.url
        timestamp, sign = url.params["timestamp"], url.params["sign"]
        assert abs(int(timestamp) - time.time() * 1000) < 60_000
        expected = base64.b64encode(
            hmac.new(
                DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(), hashlib.sha256
            ).digest()
        ).decode()
        assert sign == expected
        assert url.params["access_token"] == DING_TOKEN
        # encoded once, exactly as the doc's quote_plus (twice would be "sign not match")
        assert f"sign={quote_plus(expected)}" in url.query.decode()

    def test_the_token_stays_out_of_the_logs(self, http, caplog):
        ding_route(http).mock(return_value=httpx.Response(200, json={"errcode": 300001}))
        with caplog.at_level(logging.INFO):
            DingTalkRobot(DINGTALK, DING_SECRET).send(CARD, key="k1")
        assert "access_token=b3f1…4d3e" in caplog.text
        assert DING_TOKEN not in caplog.text and "300001" in caplog.text

    def test_sign_not_match_is_permanent_and_hides_secrets(self, http):
        answer = {"errcode": 310000, "errmsg": f"sign not match, token {DING_TOKEN}"}
        ding_route(http).mock(return_value=httpx.Response(200, json=answer))
        delivery = DingTalkRobot(DINGTALK, DING_SECRET).send(CARD, key="k1")
        assert not delivery.ok and not delivery.retry
        assert "310000" in delivery.answer
        assert DING_TOKEN not in delivery.answer and DING_SECRET not in delivery.answer

    def test_http_500_is_retried(self, http):
        ding_route(http).mock(return_value=httpx.Response(502))
        delivery = DingTalkRobot(DINGTALK).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry

    def test_timeout_is_retried(self, http):
        ding_route(http).mock(side_effect=httpx.ConnectTimeout("timed out"))
        delivery = DingTalkRobot(DINGTALK).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry
        assert DING_TOKEN not in delivery.answer

    def test_send_too_fast_waits_ten_minutes(self, http):
        ding_route(http).mock(
            return_value=httpx.Response(
                200,
                json={"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"},
            )
        )
        delivery = DingTalkRobot(DINGTALK).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry and delivery.retry_after == 600.0

    def test_mentions_in_at_and_in_the_text(self, http):
        route = ding_route(http).mock(return_value=ok_ding())
        card = Card(CARD.title, CARD.lines, LINK, mentions=("13800001111", "all", "@all"))
        DingTalkRobot(DINGTALK).send(card, key="k1")
        body = sent_json(route)
        assert body["at"] == {"atMobiles": ["13800001111"], "isAtAll": False}
        assert body["markdown"]["text"].endswith(f"[打开督办]({LINK})\n\n@13800001111")

    def test_a_value_cannot_inject_a_mention_or_link(self, http):
        route = ding_route(http).mock(return_value=ok_ding())
        card = Card("<@all>", (("原因", INJECT + " @13800001111"),), LINK)
        DingTalkRobot(DINGTALK).send(card, key="k1")
        body = sent_json(route)
        text = body["markdown"]["text"] + body["markdown"]["title"]
        for bad in ("<@all>", "@all", "<at", "](https://evil", "@138"):
            assert bad not in text
        assert body["at"] == {"atMobiles": [], "isAtAll": False}

    def test_an_over_long_message_is_cut_on_a_utf8_boundary(self, http):
        route = ding_route(http).mock(return_value=ok_ding())
        card = Card(CARD.title, (("事项", "ab督" * 5000),), LINK, mentions=("13800001111",))
        DingTalkRobot(DINGTALK).send(card, key="k1")
        text = sent_json(route)["markdown"]["text"]
        assert 19900 < len(text.encode()) <= 20000
        assert "\ufffd" not in text
        assert text.endswith(f"…\n\n[打开督办]({LINK})\n\n@13800001111")


# --- Feishu -------------------------------------------------------------------------------------


def ok_feishu():
    return httpx.Response(200, json={"code": 0, "msg": "success", "data": {}})


def feishu_content(body: dict) -> str:
    (element,) = body["card"]["elements"]
    assert element["text"]["tag"] == "lark_md"
    return element["text"]["content"]


class TestFeishu:
    def test_success_sends_a_card(self, http):
        route = http.post(FEISHU).mock(return_value=ok_feishu())
        assert FeishuBot(FEISHU).send(CARD, key="k1").ok
        body = sent_json(route)
        assert body["msg_type"] == "interactive"
        assert "sign" not in body and "timestamp" not in body
        assert body["card"]["header"]["title"] == {"tag": "plain_text", "content": "方案逾期未提交"}
        assert feishu_content(body).splitlines() == [
            "**事项**：华东一区宽带方案",
            "**原因**：超过期限 2 天",
            "**期限**：2026-12-03",
            f"[打开督办]({LINK})",
        ]

    def test_an_old_style_success_answer(self, http):
        http.post(FEISHU).mock(
            return_value=httpx.Response(200, json={"StatusCode": 0, "StatusMessage": "success"})
        )
        assert FeishuBot(FEISHU).send(CARD, key="k1").ok

    def test_signature_in_the_body(self, http):
        route = http.post(FEISHU).mock(return_value=ok_feishu())
        assert FeishuBot(FEISHU, FEISHU_SECRET).send(CARD, key="k1").ok
        body = sent_json(route)
        timestamp = body["timestamp"]
        assert isinstance(timestamp, str) and abs(int(timestamp) - time.time()) < 60
        expected = base64.b64encode(
            hmac.new(f"{timestamp}\n{FEISHU_SECRET}".encode(), b"", hashlib.sha256).digest()
        ).decode()
        assert body["sign"] == expected
        assert not route.calls.last.request.url.query

    def test_code_is_a_permanent_failure(self, http):
        http.post(FEISHU).mock(
            return_value=httpx.Response(
                200, json={"code": 19021, "msg": "sign match fail or timestamp is not within"}
            )
        )
        delivery = FeishuBot(FEISHU, FEISHU_SECRET).send(CARD, key="k1")
        assert not delivery.ok and not delivery.retry
        assert "19021" in delivery.answer

    def test_bad_request_is_permanent(self, http):
        http.post(FEISHU).mock(
            return_value=httpx.Response(400, json={"code": 9499, "msg": "Bad Request"})
        )
        delivery = FeishuBot(FEISHU).send(CARD, key="k1")
        assert not delivery.ok and not delivery.retry

    def test_http_500_is_retried(self, http):
        http.post(FEISHU).mock(return_value=httpx.Response(503, text=f"down {FEISHU_HOOK}"))
        delivery = FeishuBot(FEISHU).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry
        assert FEISHU_HOOK not in delivery.answer

    def test_timeout_is_retried(self, http):
        http.post(FEISHU).mock(side_effect=httpx.ReadTimeout("timed out"))
        assert FeishuBot(FEISHU).send(CARD, key="k1").retry

    def test_frequency_limit_is_retried(self, http):
        http.post(FEISHU).mock(
            return_value=httpx.Response(200, json={"code": 11232, "msg": "frequency limited"})
        )
        delivery = FeishuBot(FEISHU).send(CARD, key="k1")
        assert not delivery.ok and delivery.retry

    def test_mentions_by_open_id_or_email(self, http):
        route = http.post(FEISHU).mock(return_value=ok_feishu())
        mentions = ("ou_7d8a6e6df7621556ce0d21922b676706", "zhang.san@example.cn", "all", "x y")
        FeishuBot(FEISHU).send(Card(CARD.title, CARD.lines, LINK, mentions), key="k1")
        content = feishu_content(sent_json(route))
        assert content.endswith(
            f"[打开督办]({LINK})\n<at id=ou_7d8a6e6df7621556ce0d21922b676706></at> "
            "<at email=zhang.san@example.cn></at>"
        )
        assert "id=all" not in content

    def test_a_value_cannot_inject_a_mention_or_link(self, http):
        route = http.post(FEISHU).mock(return_value=ok_feishu())
        card = Card("标题", (("原因", INJECT), ("颜色", "<font color='red'>x</font>")), LINK)
        FeishuBot(FEISHU).send(card, key="k1")
        content = feishu_content(sent_json(route))
        for bad in ("<at", "@all", "](https://evil", "<font"):
            assert bad not in content

    def test_an_over_long_message_keeps_the_body_within_20k(self, http):
        route = http.post(FEISHU).mock(return_value=ok_feishu())
        card = Card(CARD.title, (("事项", 'x"督' * 6000),), LINK, mentions=("ou_abc12345",))
        FeishuBot(FEISHU, FEISHU_SECRET).send(card, key="k1")
        raw = route.calls.last.request.content
        assert 19900 < len(raw) <= 20000
        content = feishu_content(json.loads(raw.decode("utf-8", "strict")))
        assert "\ufffd" not in content
        assert content.endswith(f"…\n[打开督办]({LINK})\n<at id=ou_abc12345></at>")


# --- e-mail -------------------------------------------------------------------------------------


class FailingBackend(BaseEmailBackend):
    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, email_messages):
        raise self.error


class TestEmail:
    def test_sends_text_and_html_with_a_message_id_from_the_key(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        settings.DEFAULT_FROM_EMAIL = "督办 <duban@corp.example.cn>"
        delivery = EmailChannel("zhang@corp.example.cn").send(CARD, key="escalate:42:2026-12-03")
        assert delivery.ok and not delivery.retry
        (message,) = mail.outbox
        assert message.subject == "方案逾期未提交"
        assert message.to == ["zhang@corp.example.cn"]
        assert "事项：华东一区宽带方案" in message.body
        assert f"打开督办：{LINK}" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert f'<a href="{LINK}">打开督办</a>' in html
        digest = hashlib.sha256(b"escalate:42:2026-12-03").hexdigest()[:40]
        message_id = f"<duban.{digest}@corp.example.cn>"
        assert message.message()["Message-ID"] == message_id
        assert message_id in delivery.answer

    def test_a_resend_has_the_same_message_id(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        channel = EmailChannel("zhang@corp.example.cn")
        channel.send(CARD, key="k-same")
        channel.send(CARD, key="k-same")
        channel.send(CARD, key="k-other")
        ids = [m.message()["Message-ID"] for m in mail.outbox]
        assert ids[0] == ids[1] != ids[2]

    def test_html_escapes_values(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        card = Card("标题\n注入: x", (("原因", "<script>x</script>"),), LINK)
        EmailChannel("zhang@corp.example.cn").send(card, key="k1")
        (message,) = mail.outbox
        assert "\n" not in message.subject
        assert "<script>" not in message.alternatives[0][0]

    def test_an_smtp_failure_is_retried(self, settings):
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        delivery = EmailChannel("zhang@corp.example.cn").send(CARD, key="k1")
        assert not delivery.ok and delivery.retry
        assert "SMTPServerDisconnected" in delivery.answer

    def test_a_refused_recipient_is_permanent(self, settings, monkeypatch):
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        refused = smtplib.SMTPRecipientsRefused({"x@corp.example.cn": (550, b"no such user")})
        monkeypatch.setattr(FailingBackend, "error", refused)
        delivery = EmailChannel("x@corp.example.cn").send(CARD, key="k1")
        assert not delivery.ok and not delivery.retry

    def test_a_temporary_smtp_answer_is_retried(self, settings, monkeypatch):
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        monkeypatch.setattr(FailingBackend, "error", smtplib.SMTPDataError(451, b"rate limited"))
        assert EmailChannel("x@corp.example.cn").send(CARD, key="k1").retry


# --- addresses, factory, masking ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        ("wecom", WECOM),
        ("dingtalk", DINGTALK),
        ("feishu", FEISHU),
        ("feishu", f"https://open.larksuite.com/open-apis/bot/v2/hook/{FEISHU_HOOK}"),
        ("email", "zhang.san@corp.example.cn"),
    ],
)
def test_valid_addresses(kind, address):
    validate_address(kind, address)


@pytest.mark.parametrize(
    ("kind", "address"),
    [
        ("wecom", WECOM.replace("https://", "http://")),
        ("wecom", WECOM.replace("qyapi.weixin.qq.com", "qyapi.weixin.qq.com.evil.cn")),
        ("wecom", WECOM.replace("https://", "https://qyapi.weixin.qq.com@evil.cn/x?")),
        ("wecom", WECOM.replace("qq.com", "qq.com:8443")),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="),
        ("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
        ("wecom", WECOM + "&debug=1"),
        ("wecom", DINGTALK),
        ("dingtalk", "https://oapi.dingtalk.com/robot/send?token=abcdefabcdef"),
        ("dingtalk", DINGTALK.replace("/robot/send", "/robot/sendx")),
        ("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/"),
        ("feishu", FEISHU.replace("open.feishu.cn", "open.feishu.com")),
        ("feishu", FEISHU + "?x=1"),
        ("email", "not-an-address"),
        ("email", WECOM),
    ],
)
def test_invalid_addresses(kind, address):
    with pytest.raises(ValidationError) as caught:
        validate_address(kind, address)
    assert any("地址" in m for m in caught.value.messages)


def test_unknown_kind_is_invalid():
    with pytest.raises(ValidationError):
        validate_address("sms", "13800001111")


def test_channel_for():
    assert isinstance(channel_for("wecom", f" {WECOM} "), WeComRobot)
    robot = channel_for("dingtalk", DINGTALK, DING_SECRET)
    assert isinstance(robot, DingTalkRobot) and robot.secret == DING_SECRET
    assert isinstance(channel_for("feishu", FEISHU, FEISHU_SECRET), FeishuBot)
    email = channel_for("email", "zhang@corp.example.cn")
    assert isinstance(email, EmailChannel) and email.kind == "email"
    assert {c.kind for c in (WeComRobot, DingTalkRobot, FeishuBot)} == set(RATES)


def test_channel_for_refuses_in_chinese():
    with pytest.raises(ValueError, match="未知的通知渠道"):
        channel_for("sms", "13800001111")
    with pytest.raises(ValueError, match="钉钉机器人地址"):
        channel_for("dingtalk", WECOM)


def test_masked():
    assert masked(WECOM) == ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…5aaa")
    assert masked(DINGTALK) == "https://oapi.dingtalk.com/robot/send?access_token=b3f1…4d3e"
    assert masked(FEISHU) == "https://open.feishu.cn/open-apis/bot/v2/hook/2a1b…4c5d"
    assert masked("zhang@corp.example.cn") == "zhang@corp.example.cn"
    assert masked("short") == "****"
    for address in (WECOM, DINGTALK, FEISHU):
        assert WECOM_KEY not in masked(address) and DING_TOKEN not in masked(address)
        assert FEISHU_HOOK not in masked(address)


def test_one_client_with_a_ten_second_timeout():
    assert isinstance(channels.http_client, httpx.Client)
    assert channels.http_client.timeout == httpx.Timeout(10.0)
