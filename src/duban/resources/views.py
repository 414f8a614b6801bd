from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core.access import get_object_for_user
from duban.core.exporting import xlsx_response
from duban.core.history import history_of
from duban.core.paging import keyset_page
from duban.core.parsing import mask_phone
from duban.core.transitions import TransitionError
from duban.org.choices import Role
from duban.org.models import Team
from duban.org.scoping import SEES_ALL
from duban.resources import selectors, services
from duban.resources.choices import WORKABLE
from duban.resources.filters import ResourceFilterSet
from duban.resources.forms import ArrangementForm, HandoverForm
from duban.resources.models import Handover, Numbers, Resource, Settings
from duban.resources.supervised import RESOURCE_TABLE
from duban.resources.tables import EXPORT_COLUMNS
from duban.supervision.models import TableVersion

PAGE = 50
SHOWN = 200  # resources a hand-over's page lists
FOLLOWERS = {Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD}  # of teams, not members
PLANNERS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}  # who plan hand-overs and import tables


def _followers_only(user) -> None:
    if user.role not in FOLLOWERS:
        raise PermissionDenied


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset = ResourceFilterSet(
        request.GET,
        queryset=selectors.resources_for(request.user),
        user=request.user,
        today=today,
        settings=Settings.current(),
    )
    numbers = Numbers(request.user)
    if request.GET.get("export") == "xlsx":
        return _export(request, filterset, numbers, today)
    page = keyset_page(filterset.qs, request.GET.get("after"), PAGE, split=_split(filterset))
    context = {
        "filter": filterset,
        "rows": [(resource, numbers.shown(resource)) for resource in page.rows],
        "page": page,
        "can_export": True,
        "can_export_full": numbers.any_full,
        "can_import": request.user.role in PLANNERS,
        "can_plan": request.user.role in PLANNERS,
    }
    return render(request, "resources/resource_list.html", context)


def _split(filterset):
    """Page a supervisor's or lead's teams each by its own index (core.paging), unless the
    filter already names one team or the user sees every team (the key's index serves)."""
    user = filterset.request_user
    if user.role == Role.MEMBER or user.role in SEES_ALL:
        return None
    cleaned = filterset.form.cleaned_data if filterset.is_valid() else {}
    if cleaned.get("team") is not None or cleaned.get("q"):
        return None
    return ("team", list(Team.objects.visible_to(user).values_list("pk", flat=True)))


def _export(request, filterset, numbers, today) -> HttpResponse:
    """The filtered rows, numbers masked; in full where the reader may see them when asked
    (``full=1``), which is logged (个人信息保护法)."""
    full = request.GET.get("full") == "1" and numbers.any_full
    exported = selectors.resources_for_export(request.user, full=full)
    rows = exported.filter(pk__in=filterset.qs.values("pk")).order_by("pk")
    response = xlsx_response(
        rows, EXPORT_COLUMNS, filename=f"资源-{today:%Y%m%d}.xlsx", sheet="资源"
    )
    if full:
        query = request.GET.copy()
        for key in ("export", "full", "after"):
            query.pop(key, None)
        services.export_record(
            user=request.user, rows=rows, count=rows.count(), query=query.urlencode()
        )
    return response


@login_required
def resource_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_for_user(selectors.resources_for(request.user), request.user, pk=pk)
    numbers = Numbers(request.user)
    full = numbers.full(resource)
    context = {
        "resource": resource,
        "full": full,
        "phone": numbers.shown(resource),
        "phone2": numbers.shown(resource, "phone2"),
        "may_work": resource.status in WORKABLE
        and (full or request.user.role in PLANNERS)
        and request.user.role != Role.EXECUTIVE,
        "handovers": resource.handovers.select_related("from_employee", "to_employee").order_by(
            "-planned_on", "-pk"
        ),
        "history": _masked(history_of(resource), full),
    }
    return render(request, "resources/resource_detail.html", context)


PHONE_LABELS = {str(Resource._meta.get_field(name).verbose_name) for name in ("phone", "phone2")}


def _masked(history, full: bool):
    """A number's old and new values in the history, masked for who may not see them."""
    if full:
        return history
    for entry in history:
        for change in entry.changes:
            if change.field in PHONE_LABELS:
                change.old, change.new = mask_phone(change.old), mask_phone(change.new)
    return history


# --- hand-overs ------------------------------------------------------------------------------


@login_required
def handover_board(request: HttpRequest) -> HttpResponse:
    """Today's hand-overs: late, planned, sent and waiting, received (S-RES-2, S-RES-7)."""
    _followers_only(request.user)
    today = timezone.localdate()
    teams = Team.objects.visible_to(request.user).order_by("name")
    team = _chosen_team(request, teams)
    board = selectors.handover_board(request.user, today=today, team=team)
    context = {
        "board": board,
        "today": today,
        "teams": teams,
        "team": team,
        "can_plan": request.user.role in PLANNERS,
        "columns": [
            ("late", _("逾期未接收"), "danger"),
            ("requested", _("调换待同意"), "info"),
            ("planned", _("今日计划"), "secondary"),
            ("sent", _("已交出待接收"), "warning"),
            ("received", _("今日已接收"), "success"),
        ],
    }
    return render(request, "resources/handover_board.html", context)


def _chosen_team(request, teams):
    value = request.GET.get("team", "")
    return teams.filter(pk=int(value)).first() if value.isdigit() and len(value) < 10 else None


@login_required
def handover_new(request: HttpRequest) -> HttpResponse:
    if request.user.role not in PLANNERS:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    initial = {"resources": request.GET.getlist("resources")[:1000]}
    form = HandoverForm(data, user=request.user, initial=initial)
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        try:
            handover = services.handover_plan(
                by=request.user,
                from_employee=cleaned["from_employee"],
                to_employee=cleaned["to_employee"],
                planned_on=cleaned["planned_on"],
                resources=cleaned["resources"],
                count=cleaned["count"],
                reason=cleaned["reason"],
            )
        except (TransitionError, PermissionDenied) as exc:
            form.add_error(None, str(exc) or _("您无权安排这两位员工之间的流转。"))
        else:
            messages.success(request, _("已安排流转。"))
            return redirect(handover)
    chosen = form["resources"].value() or []
    return render(request, "resources/handover_form.html", {"form": form, "chosen": len(chosen)})


@login_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_for_user(selectors.handovers_for(request.user), request.user, pk=pk)
    user, numbers = request.user, Numbers(request.user)
    context = {
        "handover": handover,
        "resources": [(r, numbers.shown(r)) for r in handover.resources.all()[:SHOWN]],
        "more_resources": max(handover.resources.count() - SHOWN, 0),
        "due_by": selectors.handover_due_by(handover),
        "may": services.handover_actions(handover, user),
        "arrangement_form": ArrangementForm(
            initial={"arrangement": handover.arrangement, "result": handover.arrangement_result}
        ),
        "history": history_of(handover),
    }
    return render(request, "resources/handover_detail.html", context)


ACTIONS = {
    "approve": (services.handover_approve, _("已同意调换。")),
    "send": (services.handover_send, _("已标记为交出，等待接收人确认。")),
    "receive": (services.handover_receive, _("已确认接收。")),
    "cancel": (services.handover_cancel, _("已取消流转。")),
}


@login_required
@require_POST
def handover_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handover = get_object_for_user(Handover.objects.all(), request.user, pk=pk)
    do, success = ACTIONS[action]
    extra = {"today": timezone.localdate()} if action == "receive" else {}
    try:
        do(handover=handover, by=request.user, **extra)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(success))
    return redirect(request.POST.get("next") or handover.get_absolute_url())


@login_required
@require_POST
def handover_arrange(request: HttpRequest, pk: int) -> HttpResponse:
    handover = get_object_for_user(Handover.objects.all(), request.user, pk=pk)
    if not services.may_arrange(handover, request.user):
        raise PermissionDenied
    form = ArrangementForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(handover)
    try:
        services.handover_arrange(
            handover=handover,
            by=request.user,
            arrangement=form.cleaned_data["arrangement"],
            result=form.cleaned_data["result"],
        )
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已记录工作安排。"))
    return redirect(handover)


@login_required
def to_confirm(request: HttpRequest) -> HttpResponse:
    """The receiver's hand-overs to confirm, one tap each or all at once (on the phone)."""
    waiting = selectors.to_confirm(request.user)
    if request.method == "POST":
        posted = request.POST.getlist("handover")
        chosen = [v for v in posted if v.isascii() and v.isdigit() and len(v) < 19]
        done = services.handovers_receive(
            handovers=waiting.filter(pk__in=chosen), by=request.user, today=timezone.localdate()
        )
        if done:
            messages.success(request, _("已确认接收 %(n)d 笔流转。") % {"n": done})
        else:
            messages.error(request, _("没有确认任何流转：请先勾选要确认的流转。"))
        return redirect("resources:to_confirm")
    return render(request, "resources/to_confirm.html", {"waiting": waiting})


# --- days of cover ---------------------------------------------------------------------------


@login_required
def cover(request: HttpRequest) -> HttpResponse:
    """Days of cover per team now, each bar opening its workable rows; the weekly trend; the
    people of one team (S-RES-7)."""
    _followers_only(request.user)
    today = timezone.localdate()
    settings = Settings.current()
    teams = selectors.calling_teams().filter(
        pk__in=Team.objects.visible_to(request.user).values("pk")
    )
    teams = teams.select_related("line").order_by("line__name", "pk")
    team = _chosen_team(request, teams)
    rows = selectors.cover(teams, today=today, settings=settings)
    trend = selectors.cover_trend([row.team.pk for row in rows], today=today)
    context = {
        "rows": rows,
        "settings": settings,
        "team": team,
        "people": selectors.cover_people(team, today=today, settings=settings) if team else [],
        "chart": _cover_chart(rows, settings),
        "trend": _trend_table(rows, trend),
        "totals": {
            "workable": sum(row.workable for row in rows),
            "capacity": sum(row.capacity for row in rows),
        },
    }
    return render(request, "resources/cover.html", context)


def _workable_url(team_id) -> str:
    return f"{reverse('resources:resource_list')}?team={team_id}&workable=true"


def _cover_chart(rows, settings) -> dict:
    shown = [row for row in rows if row.days is not None]
    return {
        "unit": str(_("工作日")),
        "categories": [row.team.name for row in shown],
        "series": [
            {"name": str(_("现在")), "data": [row.days for row in shown]},
            {
                "name": str(_("%(n)d 个工作日后") % {"n": settings.projection_days}),
                "data": [row.projected for row in shown],
            },
        ],
        "links": [
            [_workable_url(row.team.pk) for row in shown],
            [f"{reverse('resources:handover_board')}?team={row.team.pk}" for row in shown],
        ],
        "mark": {
            "value": settings.min_days_cover,
            "label": str(_("最少 %(n)d 天") % {"n": settings.min_days_cover}),
        },
    }


def _trend_table(rows, trend) -> dict:
    """Weeks across, teams down: each cell the cover recorded on the week's last working day."""
    mondays = sorted({monday for weeks in trend.values() for monday in weeks})
    return {
        "weeks": mondays,
        "rows": [
            (row.team, [trend[row.team.pk].get(monday) for monday in mondays])
            for row in rows
            if row.team.pk in trend
        ],
    }


# --- big-table versions ----------------------------------------------------------------------


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    _followers_only(request.user)
    versions = (
        TableVersion.objects.visible_to(request.user)
        .filter(kind=RESOURCE_TABLE.name)
        .select_related("team", "batch__uploaded_by")
    )
    context = {"versions": versions[:100], "can_import": request.user.role in PLANNERS}
    return render(request, "resources/version_list.html", context)


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _followers_only(request.user)
    version = get_object_for_user(
        TableVersion.objects.filter(kind=RESOURCE_TABLE.name).select_related(
            "team", "previous", "batch__uploaded_by"
        ),
        request.user,
        pk=pk,
    )
    return render(request, "resources/version_detail.html", {"version": version})


@login_required
@require_POST
def resource_worked(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_for_user(Resource.objects.all(), request.user, pk=pk)
    try:
        services.resource_worked(resource=resource, by=request.user, day=timezone.localdate())
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已记录今天跟进。"))
    return redirect(resource)
