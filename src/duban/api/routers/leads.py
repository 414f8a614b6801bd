"""Sales leads: the back end's lead requests with their milestones, and the sales leads."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from duban.api.filters import DateRange, Id, choice, in_range, team_in_scope
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, LocalDateTime, Ref
from duban.core.access import get_object_for_user
from duban.leads.choices import RequestStatus, Stage
from duban.leads.models import LeadRequest, SalesLead
from duban.org.models import Team

router = Router(tags=[gettext_lazy("销线")])
OPEN = "open"


class RequestMilestoneOut(Schema):
    title: str
    due_on: dt.date
    quantity: int | None
    done_on: dt.date | None


class LeadRequestOut(Schema):
    id: int
    version: int
    back_team: Ref
    team: Ref
    kind: str
    quantity: int
    quality: str
    deadline: dt.date
    partner: Ref | None
    note: str
    status: str
    raised_on: dt.date
    accepted: int | None
    starts_on: dt.date | None
    target_on: dt.date | None
    agreed_at: LocalDateTime | None
    declined_reason: str
    milestones: list[RequestMilestoneOut]


class RequestFilters(DateRange):
    """``date_from``/``date_to`` are the day it was raised."""

    team: Id | None = Field(None, description=gettext_lazy("提出或承接的团队"))
    status: choice(RequestStatus) | None = Field(None, description=gettext_lazy("状态"))


class SalesLeadOut(Schema):
    id: int
    version: int
    team: Ref
    request_id: int | None
    partner: Ref | None
    prospect: str
    owner: Ref
    stage: str
    value: Decimal | None
    probability: int
    probability_on: dt.date
    next_step: str
    next_on: dt.date | None
    delivered_on: dt.date
    closed_on: dt.date | None
    lost_reason: str


class LeadFilters(DateRange):
    """``date_from``/``date_to`` are the day it was delivered to the back end."""

    team: Id | None = Field(None, description=gettext_lazy("团队"))
    stage: choice([OPEN, *Stage.values]) | None = Field(
        None, description=gettext_lazy("阶段（open：未结束的）")
    )
    request: Id | None = Field(None, description=gettext_lazy("对应需求"))


def _requests():
    return LeadRequest.objects.select_related("back_team", "team", "partner").prefetch_related(
        "milestones"
    )


@router.get(
    "/lead-requests",
    response=list[LeadRequestOut],
    summary=gettext_lazy("销线需求列表"),
    url_name="lead_request_list",
)
@paginate(Pages)
def lead_request_list(request, filters: Query[RequestFilters]):
    user = request.auth_user
    rows = _requests().visible_to(user)
    team = team_in_scope(Team.objects.visible_to(user), filters.team)
    if team is not None:
        rows = rows.filter(team=team) | rows.filter(back_team=team)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return in_range(rows, "raised_on", filters).order_by("-raised_on", "-pk")


@router.get(
    "/lead-requests/{id}",
    response={200: LeadRequestOut, **READ_ERRORS},
    summary=gettext_lazy("销线需求"),
    url_name="lead_request",
)
def lead_request_detail(request, id: Id):
    return get_object_for_user(_requests(), request.auth_user, pk=id)


def _leads():
    return SalesLead.objects.select_related("team", "partner", "owner")


@router.get(
    "/sales-leads",
    response=list[SalesLeadOut],
    summary=gettext_lazy("销线列表"),
    url_name="sales_lead_list",
)
@paginate(Pages)
def sales_lead_list(request, filters: Query[LeadFilters]):
    user = request.auth_user
    rows = _leads().visible_to(user)
    team = team_in_scope(Team.objects.visible_to(user), filters.team)
    if team is not None:
        rows = rows.filter(team=team)
    if filters.stage == OPEN:
        rows = rows.open()
    elif filters.stage:
        rows = rows.filter(stage=filters.stage)
    if filters.request is not None:
        rows = rows.filter(request=filters.request)
    return in_range(rows, "delivered_on", filters).order_by("-delivered_on", "-pk")


@router.get(
    "/sales-leads/{id}",
    response={200: SalesLeadOut, **READ_ERRORS},
    summary=gettext_lazy("销线"),
    url_name="sales_lead",
)
def sales_lead_detail(request, id: Id):
    return get_object_for_user(_leads(), request.auth_user, pk=id)
