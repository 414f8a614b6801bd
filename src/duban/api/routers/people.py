"""People: staff changes, and trainings with each attendee's result."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from duban.api.filters import DateRange, Id, choice, in_range, team_in_scope
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, LocalDateTime, Ref, UserRef
from duban.core.access import get_object_for_user
from duban.org.models import Employee, Team
from duban.people.choices import ChangeKind, TrainingKind
from duban.people.models import StaffChange, Training, TrainingResult

router = Router(tags=[gettext_lazy("人力资源")])


class StaffChangeOut(Schema):
    id: int
    employee: Ref
    kind: str
    date: dt.date
    team: Ref
    from_team: Ref | None
    post: str
    from_post: str
    reason: str
    note: str
    until: dt.date | None
    staffing_matter_id: int | None
    training_matter_id: int | None
    created_at: LocalDateTime


class ChangeFilters(DateRange):
    team: Id | None = Field(None, description=gettext_lazy("团队（变动后或原来的团队）"))
    kind: choice(ChangeKind) | None = Field(None, description=gettext_lazy("变动"))


class ResultOut(Schema):
    employee: Ref
    score: Decimal | None
    passed: bool | None
    uptake: int | None
    note: str


class TrainingOut(Schema):
    id: int
    version: int
    team: Ref
    topic: str
    kind: str
    held_on: dt.date
    trainer: str
    lead: UserRef
    project: str
    content: str
    retraining_of_id: int | None
    results: list[ResultOut] = Field(description=gettext_lazy("员工只看到自己的成绩"))


class TrainingFilters(DateRange):
    """``date_from``/``date_to`` are the day it was held."""

    team: Id | None = Field(None, description=gettext_lazy("团队"))
    kind: choice(TrainingKind) | None = Field(None, description=gettext_lazy("类型"))


@router.get(
    "/staff-changes",
    response=list[StaffChangeOut],
    summary=gettext_lazy("人员变动列表"),
    url_name="staff_change_list",
)
@paginate(Pages)
def staff_change_list(request, filters: Query[ChangeFilters]):
    user = request.auth_user
    changes = StaffChange.objects.visible_to(user).select_related("employee", "team", "from_team")
    team = team_in_scope(Team.objects.visible_to(user), filters.team)
    if team is not None:
        changes = changes.filter(team=team) | changes.filter(from_team=team)
    if filters.kind:
        changes = changes.filter(kind=filters.kind)
    return in_range(changes, "date", filters).order_by("-date", "-pk")


@router.get(
    "/staff-changes/{id}",
    response={200: StaffChangeOut, **READ_ERRORS},
    summary=gettext_lazy("人员变动"),
    url_name="staff_change",
)
def staff_change_detail(request, id: Id):
    changes = StaffChange.objects.select_related("employee", "team", "from_team")
    return get_object_for_user(changes, request.auth_user, pk=id)


def _trainings(user):
    """Trainings with the results ``user`` may see: a member only their own (as the page)."""
    results = TrainingResult.objects.filter(employee__in=Employee.objects.visible_to(user))
    results = results.select_related("employee").order_by("employee__name", "pk")
    return Training.objects.select_related("team", "lead").prefetch_related(
        Prefetch("results", queryset=results)
    )


@router.get(
    "/trainings",
    response=list[TrainingOut],
    summary=gettext_lazy("培训列表"),
    url_name="training_list",
)
@paginate(Pages)
def training_list(request, filters: Query[TrainingFilters]):
    user = request.auth_user
    trainings = _trainings(user).visible_to(user)
    team = team_in_scope(Team.objects.visible_to(user), filters.team)
    if team is not None:
        trainings = trainings.filter(team=team)
    if filters.kind:
        trainings = trainings.filter(kind=filters.kind)
    return in_range(trainings, "held_on", filters).order_by("-held_on", "-pk")


@router.get(
    "/trainings/{id}",
    response={200: TrainingOut, **READ_ERRORS},
    summary=gettext_lazy("培训"),
    url_name="training",
)
def training_detail(request, id: Id):
    return get_object_for_user(_trainings(request.auth_user), request.auth_user, pk=id)
