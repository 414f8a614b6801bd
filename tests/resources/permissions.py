from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404}
FOLLOWERS_ONLY = {"member_a": 403}
NOT_PLANNERS = {"executive": 403, "member_a": 403}


def pk(name):
    return lambda c: {"pk": getattr(c, name).pk}


def fresh_handover(c):
    """A hand-over of its own for each action, so one action's roles do not see another's."""
    import datetime as dt

    from duban.resources.models import Handover

    handover = Handover.objects.create(
        team=c.team_a,
        to_team=c.team_a,
        from_employee=c.member_a_employee,
        to_employee=c.worker_a,
        count=1,
        planned_on=dt.date(2026, 12, 1),
    )
    return {"pk": handover.pk}


def batch(c):
    from duban.core.models import ImportBatch

    found = ImportBatch.objects.filter(uploaded_by=c.admin, kind="resource_table").first()
    return {"pk": found.pk if found else 0}


EXPECTATIONS = [
    Expect("resources:resource_list", signed_in()),
    Expect("resources:resource_detail", signed_in(**HIDDEN), kwargs=pk("resource_a")),
    Expect("resources:cover", signed_in(**FOLLOWERS_ONLY)),
    Expect("resources:handover_board", signed_in(**FOLLOWERS_ONLY)),
    Expect("resources:handover_new", signed_in(**NOT_PLANNERS)),
    Expect("resources:to_confirm", signed_in()),
    Expect("resources:handover_detail", signed_in(**HIDDEN), kwargs=pk("handover_a")),
    Expect("resources:version_list", signed_in(**FOLLOWERS_ONLY)),
    Expect(
        "resources:version_detail", signed_in(404, **FOLLOWERS_ONLY), kwargs=lambda c: {"pk": 0}
    ),
    Expect("resources:import", signed_in(**NOT_PLANNERS)),
    Expect("resources:import_template", signed_in(**NOT_PLANNERS)),
    Expect("resources:import_preview", signed_in(404, **NOT_PLANNERS), kwargs=batch),
    Expect("resources:import_progress", signed_in(404, **NOT_PLANNERS), kwargs=batch),
    Expect("resources:import_commit", signed_in(404, **NOT_PLANNERS), kwargs=batch, method="post"),
    Expect("resources:import_errors", signed_in(404), kwargs=batch),
    # writes: the giver (横洲, member_a) or a lead of the team sends; the receiver (小祁, who
    # has no login) or a lead receives; leads approve swaps; leads and supervisors cancel
    Expect(
        "resources:resource_worked",
        signed_in(302, **HIDDEN, executive=403),
        kwargs=pk("resource_a"),
        method="post",
    ),
    Expect(
        "resources:handover_send",
        signed_in(302, **HIDDEN, executive=403),
        kwargs=fresh_handover,
        method="post",
    ),
    Expect(
        "resources:handover_receive",
        signed_in(302, **HIDDEN, executive=403, member_a=403),
        kwargs=fresh_handover,
        method="post",
    ),
    Expect(
        "resources:handover_approve",
        signed_in(302, **HIDDEN, supervisor=403, executive=403, member_a=403),
        kwargs=fresh_handover,
        method="post",
    ),
    Expect(
        "resources:handover_arrange",
        signed_in(302, **HIDDEN, executive=403, member_a=403),
        kwargs=fresh_handover,
        method="post",
    ),
    Expect(
        "resources:handover_cancel",
        signed_in(302, **HIDDEN, executive=403, member_a=403),
        kwargs=fresh_handover,
        method="post",
    ),
]
