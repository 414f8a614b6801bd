"""Resources (phone numbers masked as the resource pages mask them for the caller), and
hand-overs with the receiver's confirmation."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from duban.api.access import editing
from duban.api.filters import DateRange, Id, apply, choice, in_range, query_schema, team_in_scope
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, WRITE_ERRORS, LocalDateTime, Ref, UserRef
from duban.core.access import get_object_for_user
from duban.org.models import Team
from duban.resources import services
from duban.resources.choices import HandoverKind, HandoverStatus
from duban.resources.filters import ResourceFilterSet
from duban.resources.models import Handover, Numbers, Resource, Settings
from duban.resources.selectors import resources_for

router = Router(tags=[gettext_lazy("资源")])
SHOWN = 200  # resources a hand-over lists, as its page does


class ResourceOut(Schema):
    id: int
    version: int
    number: str
    contact_name: str
    company: str
    phone: str = Field(description=gettext_lazy("无权查看完整号码时打码，如 138****5678"))
    phone2: str
    phone_in_full: bool = Field(description=gettext_lazy("号码是否完整显示"))
    source: Ref | None
    category: Ref | None
    grade: str
    team: Ref
    owner: Ref | None
    status: str
    outcome: str
    received_on: dt.date | None
    last_worked_on: dt.date | None
    note: str

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return _numbers(context).shown(obj)

    @staticmethod
    def resolve_phone2(obj, context) -> str:
        return _numbers(context).shown(obj, "phone2")

    @staticmethod
    def resolve_phone_in_full(obj, context) -> bool:
        return _numbers(context).full(obj)


def _numbers(context) -> Numbers:
    """Who may see which numbers in full, worked out once per request."""
    request = context["request"]
    if not hasattr(request, "_duban_numbers"):
        request._duban_numbers = Numbers(request.auth_user)
    return request._duban_numbers


class HandoverOut(Schema):
    id: int
    version: int
    kind: str
    team: Ref
    to_team: Ref
    from_employee: Ref
    to_employee: Ref
    count: int
    planned_on: dt.date
    reason: str
    status: str
    sent_at: LocalDateTime | None
    received_at: LocalDateTime | None
    received_by: UserRef | None
    arrangement: str
    arrangement_result: str
    created_at: LocalDateTime


class HandoverDetail(HandoverOut):
    resources: list[ResourceOut] = Field(description=gettext_lazy("流转的资源（最多列出 200 条）"))

    @staticmethod
    def resolve_resources(obj):
        rows = obj.resources.select_related("source", "category", "team", "owner")
        return list(rows.order_by("-pk")[:SHOWN])


class HandoverFilters(DateRange):
    """``date_from``/``date_to`` are the planned date."""

    team: Id | None = Field(None, description=gettext_lazy("交出或接收的团队"))
    status: choice(HandoverStatus) | None = Field(None, description=gettext_lazy("状态"))
    kind: choice(HandoverKind) | None = Field(None, description=gettext_lazy("类型"))


class ReceiveIn(Schema):
    version: int = Field(
        ge=1, description=gettext_lazy("读取流转时的版本号（version）：此后有人改过则拒绝（409）")
    )


ResourceFilters = query_schema(ResourceFilterSet, "ResourceFilters")


@router.get(
    "/resources",
    response=list[ResourceOut],
    summary=gettext_lazy("资源列表"),
    url_name="resource_list",
)
@paginate(Pages)
def resource_list(request, filters: Query[ResourceFilters]):
    """Newest first. A number is in full for its holder, their team's leads and admins, and
    masked for everyone else, as on the resource pages."""
    user = request.auth_user
    found = apply(
        ResourceFilterSet,
        resources_for(user),
        filters,
        user=user,
        today=timezone.localdate(),
        settings=Settings.current(),
    )
    return found.order_by("-pk")


@router.get(
    "/resources/{id}",
    response={200: ResourceOut, **READ_ERRORS},
    summary=gettext_lazy("资源"),
    url_name="resource",
)
def resource_detail(request, id: Id):
    rows = Resource.objects.select_related("source", "category", "team", "owner")
    return get_object_for_user(rows, request.auth_user, pk=id)


def _handovers():
    return Handover.objects.select_related(
        "team", "to_team", "from_employee", "to_employee", "received_by"
    )


@router.get(
    "/handovers",
    response=list[HandoverOut],
    summary=gettext_lazy("资源流转列表"),
    url_name="handover_list",
)
@paginate(Pages)
def handover_list(request, filters: Query[HandoverFilters]):
    user = request.auth_user
    handovers = _handovers().visible_to(user)
    team = team_in_scope(Team.objects.visible_to(user), filters.team)
    if team is not None:
        handovers = handovers.filter(team=team) | handovers.filter(to_team=team)
    if filters.status:
        handovers = handovers.filter(status=filters.status)
    if filters.kind:
        handovers = handovers.filter(kind=filters.kind)
    return in_range(handovers, "planned_on", filters).order_by("-planned_on", "-pk")


@router.get(
    "/handovers/{id}",
    response={200: HandoverDetail, **READ_ERRORS},
    summary=gettext_lazy("资源流转"),
    url_name="handover",
)
def handover_detail(request, id: Id):
    return get_object_for_user(_handovers(), request.auth_user, pk=id)


@router.post(
    "/handovers/{id}/receive",
    response={200: HandoverDetail, **WRITE_ERRORS},
    summary=gettext_lazy("确认接收"),
    url_name="handover_receive",
)
def handover_receive(request, id: Id, payload: ReceiveIn):
    """The receiver (or the receiving team's lead) confirms: only now are the resources
    theirs (S-RES-7)."""
    user = request.auth_user
    handover = get_object_for_user(_handovers(), user, pk=id)
    with editing(handover, payload.version):
        services.handover_receive(handover=handover, by=user, today=timezone.localdate())
    return _handovers().get(pk=handover.pk)
