from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404}
FOLLOWERS_ONLY = {"member_a": 403}
EDITORS_ONLY = {"executive": 403, "member_a": 403}
NO_EMPLOYEE = 200  # the roles of the cast without an employee record of their own


def pk(name):
    return lambda c: {"pk": getattr(c, name).pk}


def team_a(c):
    return {"pk": c.team_a.pk}


def a_change(c):
    import datetime as dt

    from duban.people.models import StaffChange

    change = StaffChange.objects.create(
        employee=c.worker_a, kind="post", date=dt.date(2026, 11, 2), team=c.team_a, post="senior"
    )
    return {"pk": change.pk}


def a_training(c):
    """A training of team A that 横洲 (member_a) attended."""
    import datetime as dt

    from duban.people.models import Training, TrainingResult

    training = Training.objects.create(
        team=c.team_a,
        topic="话术",
        kind="product",
        held_on=dt.date(2026, 11, 20),
        trainer="维盛",
        lead=c.lead_a,
    )
    TrainingResult.objects.create(training=training, employee=c.member_a_employee)
    return {"pk": training.pk}


def batch(c):
    from duban.core.models import ImportBatch

    found = ImportBatch.objects.filter(uploaded_by=c.admin, kind="roster").first()
    return {"pk": found.pk if found else 0}


NOTE = {"noted_on": "2026-11-30", "kind": "interaction", "sentiment": "neutral", "note": "沟通"}

EXPECTATIONS = [
    Expect("people:home", signed_in(302)),
    Expect("people:mine", signed_in(NO_EMPLOYEE, lead_a=302, member_a=302)),
    Expect("people:structure", signed_in(**FOLLOWERS_ONLY)),
    Expect(
        "people:structure_plan",
        signed_in(403, admin=302, supervisor=302, **HIDDEN),
        kwargs=team_a,
        method="post",
        data={"post": "junior", "count": 5, "effective_from": "2026-11-01"},
    ),
    Expect(
        "people:structure_budget",
        signed_in(403, admin=302, supervisor=302, **HIDDEN),
        kwargs=team_a,
        method="post",
        data={"month": "2026-12-01", "amount": "50000"},
    ),
    Expect(
        "people:structure_review",
        signed_in(302, **HIDDEN, **EDITORS_ONLY),
        kwargs=team_a,
        method="post",
        data={"held_on": "2026-11-30", "proposal": "扩编", "decision": "keep"},
    ),
    Expect("people:change_list", signed_in(**FOLLOWERS_ONLY)),
    Expect("people:change_new", signed_in(**EDITORS_ONLY)),
    Expect("people:change_detail", signed_in(**HIDDEN, **FOLLOWERS_ONLY), kwargs=a_change),
    Expect("people:training_list", signed_in(**FOLLOWERS_ONLY)),
    Expect("people:training_new", signed_in(**EDITORS_ONLY)),
    Expect("people:training_plan_new", signed_in(**EDITORS_ONLY)),
    Expect("people:training_detail", signed_in(**HIDDEN), kwargs=a_training),
    Expect("people:talks", signed_in(**FOLLOWERS_ONLY)),
    Expect("people:talk_new", signed_in(**EDITORS_ONLY)),
    Expect("people:best_new", signed_in(**EDITORS_ONLY)),
    # 小祁 (worker_a) of team A: not visible to a peer (横洲, member_a)
    Expect("people:employee", signed_in(**HIDDEN, member_a=404), kwargs=pk("worker_a")),
    Expect(
        "people:note_new",
        signed_in(302, **HIDDEN, executive=403, member_a=404),
        kwargs=pk("worker_a"),
        method="post",
        data=NOTE,
    ),
    # the roster import: leads, supervisors and admins; a batch is its uploader's
    Expect("people:import", signed_in(**EDITORS_ONLY)),
    Expect("people:import_template", signed_in(**EDITORS_ONLY)),
    Expect("people:import_preview", signed_in(404, **EDITORS_ONLY), kwargs=batch),
    Expect("people:import_progress", signed_in(404, **EDITORS_ONLY), kwargs=batch),
    Expect("people:import_commit", signed_in(404, **EDITORS_ONLY), kwargs=batch, method="post"),
    Expect("people:import_errors", signed_in(404), kwargs=batch),
]
EXPECTATIONS += [
    # a training's sign-in / score sheet: as the roster
    Expect("people:attendance_import", signed_in(**EDITORS_ONLY)),
    Expect("people:attendance_import_template", signed_in(**EDITORS_ONLY)),
    Expect("people:attendance_import_preview", signed_in(404, **EDITORS_ONLY), kwargs=batch),
    Expect("people:attendance_import_progress", signed_in(404, **EDITORS_ONLY), kwargs=batch),
    Expect(
        "people:attendance_import_commit",
        signed_in(404, **EDITORS_ONLY),
        kwargs=batch,
        method="post",
    ),
    Expect("people:attendance_import_errors", signed_in(404), kwargs=batch),
]
