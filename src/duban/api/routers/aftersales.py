"""After-sales cases with their progress log."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from duban.aftersales.filters import CaseFilterSet
from duban.aftersales.models import Case, CaseStep
from duban.api.filters import Id, apply, query_schema
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, LocalDateTime, Ref, UserRef
from duban.core.access import get_object_for_user

router = Router(tags=[gettext_lazy("售后")])


class CaseOut(Schema):
    id: int
    version: int
    number: str
    partner: Ref | None
    project: str
    team: Ref
    lead: UserRef
    handler: Ref | None
    reported_at: LocalDateTime
    channel: str
    category: Ref | None
    cause: Ref | None
    severity: str
    description: str
    status: str
    respond_by: LocalDateTime
    resolve_by: LocalDateTime
    responded_at: LocalDateTime | None
    resolved_at: LocalDateTime | None
    closed_at: LocalDateTime | None
    resolution: str
    confirmed: bool
    responsibility: str
    responsible_person: str
    decided_at: LocalDateTime | None
    disputed: bool
    escalation: int


class StepOut(Schema):
    at: LocalDateTime
    by: UserRef | None
    what: str


class CaseDetail(CaseOut):
    steps: list[StepOut]


CaseFilters = query_schema(CaseFilterSet, "CaseFilters")


def _cases():
    return Case.objects.select_related("partner", "team", "lead", "handler", "category", "cause")


@router.get(
    "/cases", response=list[CaseOut], summary=gettext_lazy("售后案例列表"), url_name="case_list"
)
@paginate(Pages)
def case_list(request, filters: Query[CaseFilters]):
    user = request.auth_user
    found = apply(CaseFilterSet, _cases().visible_to(user), filters, user=user)
    return found.order_by("-reported_at", "-pk")


@router.get(
    "/cases/{id}",
    response={200: CaseDetail, **READ_ERRORS},
    summary=gettext_lazy("售后案例（含处理记录）"),
    url_name="case",
)
def case_detail(request, id: Id):
    steps = Prefetch("steps", queryset=CaseStep.objects.select_related("by").order_by("at", "pk"))
    return get_object_for_user(_cases().prefetch_related(steps), request.auth_user, pk=id)
