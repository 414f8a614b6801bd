from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404, "member_a": 404}
SUPERVISORS_ONLY = {"executive": 403, "lead_a": 403, "lead_b": 403, "member_a": 403}
OTHERS_404_NON_SUPERVISORS_403 = {**HIDDEN, "executive": 403, "lead_a": 403}


def pk(name):
    return lambda c: {"pk": getattr(c, name).pk}


EXPECTATIONS = [
    Expect("supervision:agenda", signed_in(lead_a=302, lead_b=302, member_a=403)),
    Expect("supervision:todo", signed_in()),
    Expect("supervision:risk_board", signed_in(member_a=403)),
    Expect("supervision:calendar", signed_in()),
    Expect(
        "supervision:calendar_feed",
        {},
        default=200,
        kwargs=lambda c: {"token": c.feed_lead_a.token},
    ),
    # after the feed: a lead's reset replaces their token
    Expect("supervision:calendar_reset", signed_in(302), method="post"),
    Expect("supervision:rule_list", signed_in(member_a=403)),
    Expect("supervision:rule_create", signed_in(**SUPERVISORS_ONLY)),
    Expect("supervision:rule_detail", signed_in(**HIDDEN), kwargs=pk("rule_a")),
    Expect(
        "supervision:rule_edit",
        signed_in(**SUPERVISORS_ONLY, other_supervisor=404),
        kwargs=pk("rule_a"),
    ),
    Expect("supervision:checkin_list", signed_in(member_a=403)),
    Expect("supervision:checkin_create", signed_in(**SUPERVISORS_ONLY)),
    Expect("supervision:checkin_detail", signed_in(**HIDDEN), kwargs=pk("checkin_a")),
    Expect(
        "supervision:checkin_record",
        signed_in(400, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("checkin_a"),
        method="post",
    ),
    Expect(
        "supervision:checkin_waive",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("checkin_a"),
        method="post",
    ),
    Expect(
        "supervision:checkin_reschedule",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("checkin_a"),
        method="post",
        data={"date": "2099-03-04", "agreed_time": "10:00", "reason": "主管出差"},
    ),
    Expect("supervision:matter_list", signed_in()),
    Expect("supervision:matter_create", signed_in(**SUPERVISORS_ONLY)),
    Expect("supervision:matter_detail", signed_in(**HIDDEN), kwargs=pk("matter_a")),
    Expect(
        "supervision:matter_edit",
        signed_in(**SUPERVISORS_ONLY, other_supervisor=404),
        kwargs=pk("matter_a"),
    ),
    Expect(
        "supervision:matter_start",
        signed_in(302, **HIDDEN, executive=403),
        kwargs=pk("matter_a"),
        method="post",
    ),
    Expect(
        "supervision:matter_submit",
        signed_in(302, **HIDDEN, executive=403),
        kwargs=pk("matter_a"),
        method="post",
    ),
    Expect(
        "supervision:matter_verify",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("matter_a"),
        method="post",
        data={"landed": "1", "note": "已核实"},
    ),
    Expect(
        "supervision:matter_chase",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("matter_a"),
        method="post",
        data={"channel": "phone", "note": "请今天内回复"},
    ),
    Expect(
        "supervision:matter_reschedule",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("matter_a"),
        method="post",
        data={"agreed_at": "2099-03-04T10:00", "reason": "主管出差"},
    ),
    Expect(
        "supervision:matter_cancel",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("matter_a"),
        method="post",
        data={"reason": "重复登记"},
    ),
    Expect("supervision:risk_list", signed_in(member_a=403)),
    Expect("supervision:risk_create", signed_in(executive=403, member_a=403)),
    Expect("supervision:risk_detail", signed_in(**HIDDEN), kwargs=pk("risk_a")),
    Expect("supervision:plan_list", signed_in(member_a=403)),
    Expect(
        "supervision:plan_demand",
        signed_in(**SUPERVISORS_ONLY, other_supervisor=404),
        data=lambda c: {"risk": c.risk_a.pk},
    ),
    Expect("supervision:plan_detail", signed_in(**HIDDEN), kwargs=pk("plan_a")),
    Expect(
        "supervision:plan_submit",
        signed_in(403, **HIDDEN, lead_a=200),
        kwargs=pk("plan_a"),
    ),
    Expect(
        "supervision:plan_review",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("plan_a"),
        method="post",
        data={"approve": "0", "comment": ""},
    ),
    Expect(
        "supervision:milestone_done",
        signed_in(302, **HIDDEN, executive=403),
        kwargs=pk("milestone_a"),
        method="post",
        data={"done_on": "2026-03-03", "evidence": "已上线"},
    ),
    Expect(
        "supervision:plan_verify",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("plan_a"),
        method="post",
        data={"landed": "1"},
    ),
    Expect(
        "supervision:plan_cancel",
        signed_in(302, **SUPERVISORS_ONLY, other_supervisor=404),
        kwargs=pk("plan_a"),
        method="post",
        data={"reason": "风险已不存在"},
    ),
    Expect(
        "supervision:risk_close",
        signed_in(302, **OTHERS_404_NON_SUPERVISORS_403),
        kwargs=pk("risk_a"),
        method="post",
    ),
]
