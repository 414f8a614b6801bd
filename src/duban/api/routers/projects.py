"""Projects with their cycle class and milestones."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from duban.api.filters import Id, choice, team_in_scope
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, Ref, UserRef
from duban.core.access import get_object_for_user
from duban.org.models import Team
from duban.projects.choices import CycleClass, ProjectStatus, Stage
from duban.projects.models import Project

router = Router(tags=[gettext_lazy("项目")])


class ProjectMilestoneOut(Schema):
    title: str
    due_on: dt.date
    done_on: dt.date | None


class ProjectOut(Schema):
    id: int
    version: int
    name: str
    partner: Ref | None
    team: Ref
    lead: UserRef
    back_team: Ref | None
    back_contact: str
    starts_on: dt.date
    ends_on: dt.date
    cycle: str
    new_until: dt.date
    review_weeks: int
    stage: str
    target_kind: str
    target: Decimal | None
    status: str
    note: str
    milestones: list[ProjectMilestoneOut]


class ProjectFilters(Schema):
    team: Id | None = Field(None, description=gettext_lazy("团队（前端或后端对接）"))
    cycle: choice(CycleClass) | None = Field(None, description=gettext_lazy("周期类别"))
    stage: choice(Stage) | None = Field(None, description=gettext_lazy("阶段"))
    status: choice(ProjectStatus) | None = Field(None, description=gettext_lazy("状态"))
    ends_from: dt.date | None = Field(None, description=gettext_lazy("计划结束不早于"))
    ends_to: dt.date | None = Field(None, description=gettext_lazy("计划结束不晚于"))


def _projects():
    return Project.objects.select_related("partner", "team", "lead", "back_team").prefetch_related(
        "milestones"
    )


@router.get(
    "/projects",
    response=list[ProjectOut],
    summary=gettext_lazy("项目列表"),
    url_name="project_list",
)
@paginate(Pages)
def project_list(request, filters: Query[ProjectFilters]):
    user = request.auth_user
    rows = _projects().visible_to(user)
    team = team_in_scope(Team.objects.visible_to(user), filters.team)
    if team is not None:
        rows = rows.filter(team=team) | rows.filter(back_team=team)
    for name in ("cycle", "stage", "status"):
        if getattr(filters, name):
            rows = rows.filter(**{name: getattr(filters, name)})
    if filters.ends_from:
        rows = rows.filter(ends_on__gte=filters.ends_from)
    if filters.ends_to:
        rows = rows.filter(ends_on__lte=filters.ends_to)
    return rows.order_by("team__name", "ends_on", "name", "pk")


@router.get(
    "/projects/{id}",
    response={200: ProjectOut, **READ_ERRORS},
    summary=gettext_lazy("项目"),
    url_name="project",
)
def project_detail(request, id: Id):
    return get_object_for_user(_projects(), request.auth_user, pk=id)
