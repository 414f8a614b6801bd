from tests.matrix import Expect, signed_in

HIDDEN = {"other_supervisor": 404, "lead_b": 404}
FOLLOWERS_ONLY = {"member_a": 403}
WRITERS_ONLY = {"executive": 403, "member_a": 403}


def a_request(c):
    """A request of a back-end team of line 1 to team A, agreed."""
    import datetime as dt

    from duban.leads.models import LeadRequest
    from tests.factories import TeamFactory

    back = TeamFactory(kind="back", line=c.line_1)
    request = LeadRequest.objects.create(
        back_team=back,
        team=c.team_a,
        kind="企业宽带",
        quantity=10,
        deadline=dt.date(2026, 12, 31),
        raised_on=dt.date(2026, 11, 2),
        status="agreed",
        accepted=10,
        starts_on=dt.date(2026, 11, 2),
        target_on=dt.date(2026, 12, 31),
    )
    return {"pk": request.pk}


def a_lead(c):
    import datetime as dt

    from duban.leads.models import SalesLead

    lead = SalesLead.objects.create(
        team=c.team_a,
        prospect="丙公司",
        owner=c.worker_a,
        probability=40,
        probability_on=dt.date(2026, 11, 20),
        delivered_on=dt.date(2026, 11, 20),
    )
    return {"pk": lead.pk}


AGREE = {
    "accepted": 8,
    "starts_on": "2026-11-02",
    "target_on": "2026-12-31",
    "milestones": "2026-12-15 首批 4",
}

EXPECTATIONS = [
    Expect("leads:request_board", signed_in(**FOLLOWERS_ONLY)),
    Expect("leads:request_new", signed_in(**WRITERS_ONLY)),
    Expect("leads:request_detail", signed_in(**HIDDEN, **FOLLOWERS_ONLY), kwargs=a_request),
    # the front team's lead (team A) agrees; the back team's confirms; roles first, then records
    Expect(
        "leads:request_agree",
        signed_in(302, **HIDDEN, **WRITERS_ONLY),
        kwargs=a_request,
        method="post",
        data=AGREE,
    ),
    Expect(
        "leads:request_confirm",
        signed_in(302, **HIDDEN, **WRITERS_ONLY, lead_a=403),
        kwargs=a_request,
        method="post",
    ),
    Expect(
        "leads:request_decline",
        signed_in(302, **HIDDEN, **WRITERS_ONLY),
        kwargs=a_request,
        method="post",
        data={"reason": "人手不够"},
    ),
    Expect(
        "leads:request_close",
        signed_in(302, **HIDDEN, **WRITERS_ONLY, lead_a=403),
        kwargs=a_request,
        method="post",
    ),
    Expect("leads:tasks", signed_in(**FOLLOWERS_ONLY)),
    Expect("leads:lead_list", signed_in(**FOLLOWERS_ONLY)),
    Expect("leads:lead_new", signed_in(**WRITERS_ONLY)),
    Expect("leads:lead_detail", signed_in(**HIDDEN, **FOLLOWERS_ONLY), kwargs=a_lead),
    Expect("leads:calibration", signed_in(**FOLLOWERS_ONLY)),
    Expect("leads:summary", signed_in(**FOLLOWERS_ONLY)),
    Expect("leads:cycles", signed_in(**FOLLOWERS_ONLY)),
]


def batch(kind):
    def found(c):
        from duban.core.models import ImportBatch

        batch = ImportBatch.objects.filter(uploaded_by=c.admin, kind=kind).first()
        return {"pk": batch.pk if batch else 0}

    return found


EXPECTATIONS += [
    # the leads table and the summary sheet: leads, supervisors and admins import; a batch is
    # its uploader's
    *(
        expect
        for prefix, kind in (("leads_", "lead_table"), ("summary_", "lead_summary"))
        for expect in (
            Expect(f"leads:{prefix}import", signed_in(**WRITERS_ONLY)),
            Expect(f"leads:{prefix}import_template", signed_in(**WRITERS_ONLY)),
            Expect(
                f"leads:{prefix}import_preview",
                signed_in(404, **WRITERS_ONLY),
                kwargs=batch(kind),
            ),
            Expect(
                f"leads:{prefix}import_progress",
                signed_in(404, **WRITERS_ONLY),
                kwargs=batch(kind),
            ),
            Expect(
                f"leads:{prefix}import_commit",
                signed_in(404, **WRITERS_ONLY),
                kwargs=batch(kind),
                method="post",
            ),
            Expect(f"leads:{prefix}import_errors", signed_in(404), kwargs=batch(kind)),
        )
    )
]
