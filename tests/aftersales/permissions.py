from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404}
FOLLOWERS_ONLY = {"member_a": 403}
WRITERS_ONLY = {"executive": 403, "member_a": 403}


def a_case(c):
    """A case of team A that 横洲 (member_a) handles."""
    import datetime as dt

    from django.utils import timezone

    from duban.aftersales.models import Case

    at = dt.datetime(2026, 11, 30, 10, 0, tzinfo=timezone.get_current_timezone())
    case = Case.objects.create(
        number=f"SH-T{Case.objects.count() + 1}",
        team=c.team_a,
        lead=c.lead_a,
        handler=c.member_a_employee,
        reported_at=at,
        respond_by=at,
        resolve_by=at,
        description="断网",
    )
    return {"pk": case.pk}


DATA = {
    "step": {"what": "电话回访"},
    "resolve": {"resolution": "已修复"},
    "decide": {"responsibility": "back"},
}

EXPECTATIONS = [
    Expect("aftersales:case_list", signed_in()),
    Expect("aftersales:case_new", signed_in(**WRITERS_ONLY)),
    Expect("aftersales:review", signed_in(**FOLLOWERS_ONLY)),
    Expect("aftersales:tables", signed_in(**FOLLOWERS_ONLY)),
    Expect("aftersales:analysis", signed_in(**FOLLOWERS_ONLY)),
    # the handler (member_a) sees their case; not another team's lead or line
    Expect("aftersales:case_detail", signed_in(**HIDDEN), kwargs=a_case),
    # responsibility is decided by supervisors (and admins), not by the lead
    Expect(
        "aftersales:case_decide",
        signed_in(302, **HIDDEN, **WRITERS_ONLY, lead_a=403),
        kwargs=a_case,
        method="post",
        data=DATA["decide"],
    ),
    *[
        Expect(
            f"aftersales:case_{action}",
            signed_in(302, **HIDDEN, **WRITERS_ONLY),
            kwargs=a_case,
            method="post",
            data=DATA.get(action, {}),
        )
        for action in ["accept", "start", "close", "reopen", "step", "resolve"]
    ],
]


def batch(c):
    """The admin's upload of an after-sales register, if any (a batch is its uploader's)."""
    from duban.core.models import ImportBatch

    found = ImportBatch.objects.filter(uploaded_by=c.admin, kind="case_register").first()
    return {"pk": found.pk if found else 0}


EXPECTATIONS += [
    # the after-sales register: leads, supervisors and admins import
    Expect("aftersales:import", signed_in(**WRITERS_ONLY)),
    Expect("aftersales:import_template", signed_in(**WRITERS_ONLY)),
    Expect("aftersales:import_preview", signed_in(404, **WRITERS_ONLY), kwargs=batch),
    Expect("aftersales:import_progress", signed_in(404, **WRITERS_ONLY), kwargs=batch),
    Expect(
        "aftersales:import_commit",
        signed_in(404, **WRITERS_ONLY),
        kwargs=batch,
        method="post",
    ),
    Expect("aftersales:import_errors", signed_in(404), kwargs=batch),
]
