from tests.matrix import Expect, signed_in

ADMIN_ONLY = {role: 403 for role in ["supervisor", "other_supervisor", "executive", "lead_a"]} | {
    "member_a": 403,
    "lead_b": 403,
}


def a_message(c):
    from duban.notify.models import OutboxMessage, OutboxStatus

    message, _created = OutboxMessage.objects.get_or_create(
        dedupe_key="matrix:failed",
        defaults={"recipient": c.lead_a, "reason": "测试", "status": OutboxStatus.FAILED},
    )
    return {"pk": message.pk}


def an_endpoint(c):
    from duban.notify.models import Endpoint

    endpoint, _created = Endpoint.objects.get_or_create(
        kind="email", address="weisheng@example.com", user=c.lead_a
    )
    return {"pk": endpoint.pk}


EXPECTATIONS = [
    # 待发消息 and the endpoints are the admin's
    Expect("notify:outbox", signed_in(**ADMIN_ONLY)),
    Expect("notify:resend", signed_in(302, **ADMIN_ONLY), kwargs=a_message, method="post"),
    Expect("notify:endpoints", signed_in(**ADMIN_ONLY)),
    Expect("notify:endpoint_edit", signed_in(**ADMIN_ONLY), kwargs=an_endpoint),
    Expect(
        "notify:endpoint_try",
        signed_in(302, **ADMIN_ONLY),
        kwargs=an_endpoint,
        method="post",
    ),
    Expect(
        "notify:endpoint_delete",
        signed_in(302, **ADMIN_ONLY),
        kwargs=an_endpoint,
        method="post",
    ),
    # everyone keeps their own choices
    Expect("notify:mine", signed_in()),
]
