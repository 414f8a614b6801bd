from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404}
NOT_MEMBERS = {"member_a": 403}


def lead_a(c):
    return {"lead": c.lead_a.pk}


ADJUST = {"dimension": "execution", "points": 5, "reason": "临时支援", "month": "2026-11"}

EXPECTATIONS = [
    Expect("cockpit:dashboard", signed_in(**NOT_MEMBERS)),
    # a lead goes straight to their own scorecard
    Expect("cockpit:scorecards", signed_in(**NOT_MEMBERS, lead_a=302, lead_b=302)),
    # everyone who sees scorecards reads the formula; the admin edits it
    Expect("cockpit:weights", signed_in(**NOT_MEMBERS)),
    Expect("cockpit:scorecard", signed_in(**NOT_MEMBERS, **HIDDEN), kwargs=lead_a),
    # the supervisor (and the admin) adjust and comment; the executive and the lead only read
    Expect(
        "cockpit:adjust",
        signed_in(302, **NOT_MEMBERS, **HIDDEN, executive=403, lead_a=403),
        kwargs=lead_a,
        method="post",
        data=ADJUST,
    ),
    Expect(
        "cockpit:comment",
        signed_in(302, **NOT_MEMBERS, **HIDDEN, executive=403, lead_a=403),
        kwargs=lead_a,
        method="post",
        data={"text": "节奏好", "month": "2026-11"},
    ),
]

NOT_LEADS = {"member_a": 403, "lead_a": 403, "lead_b": 403}
EXPECTATIONS += [
    # the supervision report: supervisors, the executive and the admin read it
    Expect("cockpit:report", signed_in(**NOT_LEADS)),
    # a supervisor (or the admin) sends it to the executives; the executive only reads
    Expect(
        "cockpit:report_send",
        signed_in(302, **NOT_LEADS, executive=403),
        method="post",
        data={"kind": "weekly"},
    ),
]
