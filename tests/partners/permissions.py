from tests.matrix import Expect, signed_in


def pk(name):
    return lambda c: {"pk": getattr(c, name).pk}


EXPECTATIONS = [
    Expect("partners:partner_list", signed_in(member_a=403)),
    Expect(
        "partners:partner_detail",
        signed_in(other_supervisor=404, lead_b=404, member_a=404),
        kwargs=pk("customer_a"),
    ),
    Expect(
        "partners:condition_note_add",
        signed_in(302, other_supervisor=404, lead_b=404, member_a=404),
        kwargs=pk("customer_a"),
        method="post",
    ),
]
