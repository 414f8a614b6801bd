"""Teams, employees, partners, and who the token is."""

import datetime as dt

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from duban.api.filters import Id, Text, apply, choice, query_schema
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, Ref, UserRef
from duban.core.access import get_object_for_user
from duban.org.choices import TeamKind
from duban.org.filters import EmployeeFilterSet
from duban.org.models import Employee, Team, User
from duban.partners.models import Partner

router = Router(tags=[_("组织")])


class Me(Schema):
    id: int
    username: str
    name: str
    role: str
    token: str = Field(description=_("本次请求所用令牌的用途和前缀"))


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    is_active: bool
    line: Ref
    leads: list[UserRef]
    note: str


class TeamFilters(Schema):
    line: Id | None = Field(None, description=_("业务条线"))
    kind: choice(TeamKind) | None = Field(None, description=_("类型"))
    is_active: bool | None = Field(None, description=_("启用"))


class EmployeeOut(Schema):
    id: int
    name: str
    number: str
    team: Ref
    position: str
    post: str
    status: str
    hire_date: dt.date
    leave_date: dt.date | None
    user_id: int | None
    version: int


class PartnerOut(Schema):
    id: int
    name: str
    code: str
    credit_days: int
    fixed_partner: bool
    condition: str
    version: int


class PartnerFilters(Schema):
    q: Text | None = Field(None, description=_("名称或编码"))


EmployeeFilters = query_schema(EmployeeFilterSet, "EmployeeFilters")


@router.get("/me", response={200: Me, **READ_ERRORS}, summary=_("当前用户"), url_name="me")
def me(request):
    """The user the token acts for."""
    user, token = request.auth_user, request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "token": str(token),
    }


def _teams():
    leads = Prefetch("leads", queryset=User.objects.order_by("name", "pk"))
    return Team.objects.select_related("line").prefetch_related(leads)


@router.get("/teams", response=list[TeamOut], summary=_("团队列表"), url_name="team_list")
@paginate(Pages)
def team_list(request, filters: Query[TeamFilters]):
    teams = _teams().visible_to(request.auth_user)
    if filters.line is not None:
        teams = teams.filter(line=filters.line)
    if filters.kind:
        teams = teams.filter(kind=filters.kind)
    if filters.is_active is not None:
        teams = teams.filter(is_active=filters.is_active)
    return teams.order_by("line__name", "kind", "name", "pk")


@router.get(
    "/teams/{id}", response={200: TeamOut, **READ_ERRORS}, summary=_("团队"), url_name="team"
)
def team_detail(request, id: Id):
    return get_object_for_user(_teams(), request.auth_user, pk=id)


@router.get(
    "/employees", response=list[EmployeeOut], summary=_("员工列表"), url_name="employee_list"
)
@paginate(Pages)
def employee_list(request, filters: Query[EmployeeFilters]):
    user = request.auth_user
    employees = Employee.objects.visible_to(user).select_related("team")
    return apply(EmployeeFilterSet, employees, filters, user=user).order_by(
        "team__name", "name", "pk"
    )


@router.get(
    "/employees/{id}",
    response={200: EmployeeOut, **READ_ERRORS},
    summary=_("员工"),
    url_name="employee",
)
def employee_detail(request, id: Id):
    employees = Employee.objects.select_related("team")
    return get_object_for_user(employees, request.auth_user, pk=id)


@router.get(
    "/partners", response=list[PartnerOut], summary=_("往来单位列表"), url_name="partner_list"
)
@paginate(Pages)
def partner_list(request, filters: Query[PartnerFilters]):
    partners = Partner.objects.visible_to(request.auth_user)
    if filters.q:
        q = filters.q.strip()
        partners = partners.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return partners.order_by("name", "pk")


@router.get(
    "/partners/{id}",
    response={200: PartnerOut, **READ_ERRORS},
    summary=_("往来单位"),
    url_name="partner",
)
def partner_detail(request, id: Id):
    return get_object_for_user(Partner, request.auth_user, pk=id)
