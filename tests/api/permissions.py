"""The API's URLs in the role × URL matrix (tests/test_permission_matrix.py).

The matrix signs in with a session: the API answers every operation with a 401 whoever asks,
since it accepts only a personal token (tests/api/test_scoping.py and test_writes.py check
each role with their token). The schema and the docs page are for signed-in users."""

from tests.matrix import ANONYMOUS, Expect, signed_in

NS = "api-v1"
UNAUTHORIZED = {ANONYMOUS: 401}  # and every role alike: a session is not a token


def _token_of_lead_a(cast) -> dict:
    from duban.api.services import token_create

    record, _token = token_create(user=cast.lead_a, name="矩阵")
    return {"pk": record.pk}


def operation(name: str, kwargs=None, method: str = "get") -> Expect:
    return Expect(
        f"{NS}:{name}",
        UNAUTHORIZED,
        default=401,
        kwargs=kwargs or (lambda cast: {}),
        method=method,
    )


def detail(name: str, attribute: str, method: str = "get") -> Expect:
    return operation(name, lambda cast: {"id": getattr(cast, attribute).pk}, method)


EXPECTATIONS = [
    Expect("api:token_list", signed_in()),
    Expect(
        "api:token_revoke",
        signed_in(404, lead_a=302),  # one's own token only
        kwargs=_token_of_lead_a,
        method="post",
    ),
    Expect(f"{NS}:openapi-json", signed_in()),
    Expect(f"{NS}:openapi-view", signed_in()),
    Expect(f"{NS}:api-root", {}, default=404),  # django-ninja's root: nothing there
    operation("me"),
    operation("team_list"),
    detail("team", "team_a"),
    operation("employee_list"),
    detail("employee", "worker_a"),
    operation("partner_list"),
    detail("partner", "customer_a"),
    operation("checkin_list"),
    detail("checkin", "checkin_a"),
    detail("checkin_record", "checkin_a", method="post"),
    operation("matter_list"),
    detail("matter", "matter_a"),
    operation("risk_list"),
    detail("risk", "risk_a"),
    operation("plan_list"),
    detail("plan", "plan_a"),
    detail("plan_submit", "plan_a", method="post"),
    operation("agenda"),
    operation("todo"),
    operation("resource_list"),
    detail("resource", "resource_a"),
    operation("handover_list"),
    detail("handover", "handover_a"),
    detail("handover_receive", "handover_a", method="post"),
    operation("staff_change_list"),
    operation("staff_change", lambda cast: {"id": 1}),
    operation("training_list"),
    detail("training", "training_a"),
    operation("lead_request_list"),
    operation("lead_request", lambda cast: {"id": 1}),
    operation("sales_lead_list"),
    operation("sales_lead", lambda cast: {"id": 1}),
    operation("project_list"),
    operation("project", lambda cast: {"id": 1}),
    operation("receivable_list"),
    detail("receivable", "receivable_a"),
    operation("case_list"),
    operation("case", lambda cast: {"id": 1}),
    operation("import_kinds"),
    operation("import_list"),  # GET lists, POST uploads: both the same URL name
    operation("import", lambda cast: {"id": 1}),
    operation("import_check", lambda cast: {"id": 1}, method="post"),
    operation("import_commit", lambda cast: {"id": 1}, method="post"),
]
