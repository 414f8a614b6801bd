from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404, "member_a": 404}
READ_ONLY = {"executive": 403}


def pk(name):
    return lambda c: {"pk": getattr(c, name).pk}


def batch(c):
    from duban.core.models import ImportBatch

    found = ImportBatch.objects.filter(uploaded_by=c.admin).first()
    return {"pk": found.pk if found else 0}


EXPECTATIONS = [
    Expect("receivables:receivable_list", signed_in(member_a=403)),
    Expect("receivables:aging", signed_in(member_a=403)),
    Expect("receivables:version_list", signed_in(member_a=403)),
    Expect("receivables:version_detail", signed_in(404, member_a=403), kwargs=lambda c: {"pk": 0}),
    Expect(
        "receivables:receivable_detail",
        signed_in(**HIDDEN),
        kwargs=pk("receivable_a"),
    ),
    Expect(
        "receivables:receivable_edit",
        signed_in(**HIDDEN, **READ_ONLY),
        kwargs=pk("receivable_a"),
    ),
    *[
        Expect(
            f"receivables:{name}",
            signed_in(302, **HIDDEN, **READ_ONLY),
            kwargs=pk("receivable_a"),
            method="post",
        )
        for name in ["payment_add", "plan_line_add", "action_add"]
    ],
    Expect("receivables:import", signed_in(**READ_ONLY, member_a=403)),
    Expect("receivables:import_template", signed_in(**READ_ONLY, member_a=403)),
    Expect("receivables:import_preview", signed_in(404, **READ_ONLY, member_a=403), kwargs=batch),
    Expect("receivables:import_progress", signed_in(404, **READ_ONLY, member_a=403), kwargs=batch),
    Expect(
        "receivables:import_commit",
        signed_in(404, **READ_ONLY, member_a=403),
        kwargs=batch,
        method="post",
    ),
    Expect("receivables:import_errors", signed_in(404), kwargs=batch),
]
