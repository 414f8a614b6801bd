from tests.matrix import Expect, signed_in

HIDDEN_FROM_OTHERS = {"other_supervisor": 404, "lead_b": 404}

EXPECTATIONS = [
    Expect(
        "org:line_detail",
        signed_in(other_supervisor=404),
        kwargs=lambda c: {"pk": c.line_1.pk},
    ),
    Expect("org:team_list", signed_in()),
    Expect(
        "org:team_detail",
        signed_in(**HIDDEN_FROM_OTHERS),
        kwargs=lambda c: {"pk": c.team_a.pk},
    ),
    Expect("org:employee_list", signed_in()),
    Expect("org:employee_create", signed_in(executive=403, member_a=403)),
    Expect(
        "org:employee_detail",
        signed_in(member_a=404, **HIDDEN_FROM_OTHERS),
        kwargs=lambda c: {"pk": c.worker_a.pk},
    ),
    Expect(
        "org:employee_edit",
        signed_in(executive=403, member_a=404, **HIDDEN_FROM_OTHERS),
        kwargs=lambda c: {"pk": c.worker_a.pk},
    ),
]
