from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404}
FOLLOWERS_ONLY = {"member_a": 403}
WRITERS_ONLY = {"executive": 403, "member_a": 403}


def a_project(c):
    import datetime as dt

    from duban.projects.models import Project

    project = Project.objects.create(
        name=f"宽带推广{Project.objects.count()}",
        team=c.team_a,
        lead=c.lead_a,
        starts_on=dt.date(2026, 11, 2),
        ends_on=dt.date(2027, 1, 29),
    )
    return {"pk": project.pk}


ACTION_DATA = {
    "summary": {"progress": "进展", "next_goal": "目标", "next_milestone": "节点"},
    "milestone": {"title": "首批", "due_on": "2026-12-15"},
    "milestone_done": {"milestone": "0"},
    "handover": {"what": "名单"},
    "receive": {"handover": "0", "next_goal": "x"},
    "review": {"handover": "0", "ok": "1"},
    "indicator": {"name": "外呼量", "daily": "100"},
    "actuals": {"date": "2026-11-30"},
}
# a milestone, a hand-over that does not exist: the project is found (or not) first
MISSING = {"milestone_done", "receive", "review"}

EXPECTATIONS = [
    Expect("projects:project_list", signed_in(**FOLLOWERS_ONLY)),
    Expect("projects:project_new", signed_in(**WRITERS_ONLY)),
    Expect("projects:indicator_board", signed_in(**FOLLOWERS_ONLY)),
    Expect("projects:project_detail", signed_in(**HIDDEN, **FOLLOWERS_ONLY), kwargs=a_project),
    *[
        Expect(
            f"projects:project_{action}",
            signed_in(404 if action in MISSING else 302, **HIDDEN, **WRITERS_ONLY),
            kwargs=a_project,
            method="post",
            data=data,
        )
        for action, data in ACTION_DATA.items()
    ],
]


def a_version(c):
    """A dated version of team A's project table."""
    import datetime as dt

    from duban.supervision.models import TableVersion

    version = TableVersion.objects.create(
        kind="project_table", team=c.team_a, as_of=dt.date(2026, 11, 20), rows=1
    )
    return {"pk": version.pk}


def batch(kind):
    def found(c):
        from duban.core.models import ImportBatch

        batch = ImportBatch.objects.filter(uploaded_by=c.admin, kind=kind).first()
        return {"pk": batch.pk if batch else 0}

    return found


EXPECTATIONS += [
    # the project table's versions: seen by those who follow the team
    Expect("projects:version_list", signed_in(**FOLLOWERS_ONLY)),
    Expect("projects:version_detail", signed_in(**HIDDEN, **FOLLOWERS_ONLY), kwargs=a_version),
    # the project table and the daily indicator sheet: leads, supervisors and admins import;
    # a batch is its uploader's
    *(
        expect
        for prefix, kind in (("table_", "project_table"), ("actuals_", "project_actuals"))
        for expect in (
            Expect(f"projects:{prefix}import", signed_in(**WRITERS_ONLY)),
            Expect(f"projects:{prefix}import_template", signed_in(**WRITERS_ONLY)),
            Expect(
                f"projects:{prefix}import_preview",
                signed_in(404, **WRITERS_ONLY),
                kwargs=batch(kind),
            ),
            Expect(
                f"projects:{prefix}import_progress",
                signed_in(404, **WRITERS_ONLY),
                kwargs=batch(kind),
            ),
            Expect(
                f"projects:{prefix}import_commit",
                signed_in(404, **WRITERS_ONLY),
                kwargs=batch(kind),
                method="post",
            ),
            Expect(f"projects:{prefix}import_errors", signed_in(404), kwargs=batch(kind)),
        )
    ),
]
