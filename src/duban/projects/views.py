"""The project pages: the list with counts by class, a project's page, the new projects'
indicator board."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core import calendar
from duban.core.access import get_object_for_user, posted_id
from duban.core.history import history_of
from duban.core.services import StaleEditError
from duban.org.choices import Role, TeamKind
from duban.org.models import Team
from duban.projects import selectors, services
from duban.projects.choices import CycleClass, Period, ProjectStatus, Stage
from duban.projects.forms import (
    HandoverForm,
    IndicatorForm,
    MilestoneForm,
    ProjectForm,
    ReceiveForm,
    ReviewForm,
    SummaryForm,
)
from duban.projects.models import Project, ProjectHandover, ProjectMilestone
from duban.projects.supervised import PROJECT_TABLE
from duban.supervision.choices import ACTIVE_RISK_STATUSES
from duban.supervision.models import Risk, TableVersion

FOLLOWERS = {Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD}
ROWS = 300


def _followers_only(user) -> None:
    if user.role not in FOLLOWERS:
        raise PermissionDenied


def _writers_only(user) -> None:
    if user.role not in services.WRITERS:
        raise PermissionDenied


def _refused(request, error) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


def _form_errors(form) -> str:
    return "；".join(" ".join(str(e) for e in errors) for errors in form.errors.values())


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """Projects by team with "how many, of which cycles" (S-PRJ-1); filters by class, stage,
    team and open risk."""
    _followers_only(request.user)
    projects = Project.objects.visible_to(request.user).select_related("team", "partner", "lead")
    rows = projects
    cycle, stage, status = (
        request.GET.get("cycle", ""),
        request.GET.get("stage", ""),
        request.GET.get("status", "active"),
    )
    if cycle in CycleClass.values:
        rows = rows.filter(cycle=cycle)
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    if status in ProjectStatus.values:
        rows = rows.filter(status=status)
    team_id = request.GET.get("team", "")
    if team_id.isdigit():
        rows = rows.filter(team=int(team_id))
    at_risk = set(
        Risk.objects.filter(
            status__in=ACTIVE_RISK_STATUSES, subject_type__model="project", subject_id__isnull=False
        ).values_list("subject_id", flat=True)
    )
    if request.GET.get("risk") == "1":
        rows = rows.filter(pk__in=at_risk)
    if request.GET.get("new") == "1":  # new on today (the cockpit's "of which new")
        rows = selectors.new_projects(rows, timezone.localdate())
    counts = selectors.counts_by_class(projects)
    teams = Team.objects.visible_to(request.user).filter(pk__in=counts.keys())
    today = timezone.localdate()
    context = {
        "rows": [
            (p, p.pk in at_risk, p.is_new(today))
            for p in rows.order_by("team__name", "ends_on")[:ROWS]
        ],
        "counts": [(team, counts[team.pk]) for team in teams],
        "cycles": CycleClass.choices,
        "stages": Stage.choices,
        "statuses": ProjectStatus.choices,
        "teams": Team.objects.visible_to(request.user).filter(kind=TeamKind.FRONT, is_active=True),
        "chosen": {
            "cycle": cycle,
            "stage": stage,
            "status": status,
            "team": team_id,
            "risk": request.GET.get("risk", ""),
        },
        "can_add": request.user.role in services.WRITERS,
        "shown": ROWS,
    }
    return render(request, "projects/project_list.html", context)


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    _writers_only(request.user)
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            project = services.project_create(by=request.user, **data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error if isinstance(error, ValidationError) else _("您不能为这个团队建项目")
            )
        else:
            services.replan(today=timezone.localdate())
            messages.success(
                request,
                _("项目已建立：%(cycle)s，按周期跟进。") % {"cycle": project.get_cycle_display()},
            )
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form})


def _project(request, pk) -> Project:
    _followers_only(request.user)
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "team", "partner", "lead", "back_team"
        ),
        pk=pk,
    )


def _may_write(user, project) -> bool:
    visible = set(Team.objects.visible_to(user).values_list("pk", flat=True))
    return user.role in services.WRITERS and project.team_id in visible


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    today = timezone.localdate()
    writer = _may_write(request.user, project)
    form = (
        ProjectForm(request.POST or None, instance=project, user=request.user) if writer else None
    )
    if request.method == "POST":
        if not writer:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "team")}
            try:
                updated = services.project_update(
                    project=Project.objects.get(pk=project.pk),
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                    **data,
                )
            except StaleEditError as error:
                form.add_error(None, str(error))
            except (ValidationError, PermissionDenied) as error:
                form.add_error(
                    None,
                    error if isinstance(error, ValidationError) else _("长周期跟进间隔由督办设定"),
                )
            else:
                services.replan(today=today)
                messages.success(
                    request, _("已保存：%(cycle)s。") % {"cycle": updated.get_cycle_display()}
                )
                return redirect(project)
    visible = set(Team.objects.visible_to(request.user).values_list("pk", flat=True))
    last = calendar.previous_workday(today)  # the last day with its actuals in
    indicators = [
        (
            indicator,
            [selectors.forecast(indicator, period, last) for period in Period.values],
            _indicator_chart(indicator, last),
            f"indicator-data-{indicator.pk}",
        )
        for indicator in project.indicators.all()
    ]
    context = {
        "project": project,
        "form": form,
        "writer": writer,
        "is_new": project.is_new(today),
        "follow_days": selectors.follow_up_days(project, today, today + dt.timedelta(days=28)),
        "milestones": project.milestones.all(),
        "summaries": project.summaries.select_related("written_by")[:30],
        "handovers": [
            (h, h.to_team_id in visible and request.user.role in services.WRITERS)
            for h in project.handovers.select_related("to_team", "received_by")
        ],
        "indicators": indicators,
        "today": today,
        "last": last,
        "summary_form": SummaryForm(),
        "milestone_form": MilestoneForm(),
        "handover_form": HandoverForm(),
        "receive_form": ReceiveForm(),
        "review_form": ReviewForm(),
        "indicator_form": IndicatorForm(),
        "reviewer": request.user.role in {Role.ADMIN, Role.SUPERVISOR},
        "history": history_of(project),
    }
    return render(request, "projects/project_detail.html", context)


def _indicator_chart(indicator, last) -> dict:
    """The month of ``last`` on its working days, cumulated: actual so far, the target pro
    rata, and where the pace so far leads to the month's end (S-PRJ-5)."""
    found = selectors.forecast(indicator, Period.MONTH, last)
    days = [d for d in calendar.workdays_between(found.start, found.end)]
    days = [d for d in days if d >= indicator.project.starts_on] or days
    values = dict(selectors.actuals_series(indicator, days[0], min(last, days[-1])))
    actual, done, cumulated = Decimal(0), [], []
    for day in days:
        if day <= last:
            actual += values.get(day) or 0
            done.append(float(actual))
        else:
            done.append(None)
    pace = (actual / found.elapsed) if found.elapsed else Decimal(0)
    for number, day in enumerate(days, start=1):
        elapsed_after = number - found.elapsed
        cumulated.append(float(actual + pace * elapsed_after) if day > last else None)
    target = found.target
    return {
        "categories": [f"{day:%m-%d}" for day in days],
        "unit": indicator.unit,
        "series": [
            {"name": _("累计实际"), "type": "bar", "data": done},
            {
                "name": _("月目标（按进度）"),
                "type": "line",
                "data": [
                    float(target * n / len(days)) if target else None
                    for n in range(1, len(days) + 1)
                ],
            },
            {"name": _("预计"), "type": "line", "data": cumulated},
        ],
        "links": [[], [], []],
    }


def _back(project, anchor=""):
    return redirect(project.get_absolute_url() + anchor)


@login_required
@require_POST
def project_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The forms of a project's page: a summary, a milestone, a hand-over and its receipt and
    review, an indicator and the day's actuals."""
    _writers_only(request.user)
    project = _project(request, pk)
    handlers = {
        "summary": _summary,
        "milestone": _milestone,
        "milestone_done": _milestone_done,
        "handover": _handover,
        "receive": _receive,
        "review": _review,
        "indicator": _indicator,
        "actuals": _actuals,
    }
    try:
        return handlers[action](request, project)
    except ValidationError as error:
        _refused(request, error)
        return _back(project)


def _summary(request, project):
    form = SummaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        services.summary_write(
            by=request.user, project=project, date=timezone.localdate(), **form.cleaned_data
        )
        messages.success(request, _("综述已保存。"))
    return _back(project, "#summaries")


def _milestone(request, project):
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        services.project_milestone_add(by=request.user, project=project, **form.cleaned_data)
        messages.success(request, _("节点已添加。"))
    return _back(project, "#milestones")


def _milestone_done(request, project):
    milestone = get_object_or_404(
        ProjectMilestone, project=project, pk=posted_id(request, "milestone")
    )
    services.milestone_done(milestone=milestone, by=request.user, done_on=timezone.localdate())
    messages.success(request, _("节点已完成：%(t)s。") % {"t": milestone.title})
    return _back(project, "#milestones")


def _handover(request, project):
    form = HandoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        services.handover_record(by=request.user, project=project, **form.cleaned_data)
        messages.success(request, _("交接已记录，等待后端确认。"))
    return _back(project, "#handovers")


def _receive(request, project):
    handover = get_object_or_404(
        ProjectHandover, project=project, pk=posted_id(request, "handover")
    )
    form = ReceiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        services.handover_receive(
            by=request.user,
            handover=handover,
            received_on=timezone.localdate(),
            **form.cleaned_data,
        )
        messages.success(request, _("已确认接收。"))
    return _back(project, "#handovers")


def _review(request, project):
    handover = get_object_or_404(
        ProjectHandover, project=project, pk=posted_id(request, "handover")
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        services.handover_review(by=request.user, handover=handover, **form.cleaned_data)
        messages.success(request, _("已记录评估。"))
    return _back(project, "#handovers")


def _indicator(request, project):
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        data = dict(form.cleaned_data)
        services.indicator_set(by=request.user, project=project, name=data.pop("name"), **data)
        messages.success(request, _("指标已保存。"))
    return _back(project, "#indicators")


def _actuals(request, project):
    try:
        day = dt.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        raise ValidationError(_("请填写日期")) from None
    if abs((day - timezone.localdate()).days) > 62:
        raise ValidationError(_("只能录入两个月内的数据"))
    values = {}
    for indicator in project.indicators.all():
        text = request.POST.get(f"i{indicator.pk}", "").strip().replace(",", "")
        if text == "":
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("“%(n)s”不是数字：%(v)s") % {"n": indicator.name, "v": text}
            ) from None
        if not value.is_finite() or value < 0 or value >= Decimal(10) ** 12:
            raise ValidationError(_("“%(n)s”超出范围：%(v)s") % {"n": indicator.name, "v": text})
        values[indicator.pk] = value
    services.actuals_record(by=request.user, project=project, date=day, values=values)
    messages.success(request, _("%(day)s 的指标已保存。") % {"day": day})
    return _back(project, "#indicators")


@login_required
def indicator_board(request: HttpRequest) -> HttpResponse:
    """New projects' indicators as traffic lights: yesterday, this week, this month; every
    cell opens the project's indicators (S-PRJ-5)."""
    _followers_only(request.user)
    today = timezone.localdate()
    projects = selectors.new_projects(
        Project.objects.visible_to(request.user), today
    ).select_related("team")
    team = request.GET.get("team", "")
    if team.isdigit():
        projects = projects.filter(team=int(team))
    context = {"rows": selectors.board(projects, today), "today": today}
    return render(request, "projects/indicator_board.html", context)


# --- project-table versions ------------------------------------------------------------------


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    """The dated versions of the teams' project tables, each with its difference."""
    _followers_only(request.user)
    versions = (
        TableVersion.objects.visible_to(request.user)
        .filter(kind=PROJECT_TABLE.name)
        .select_related("team", "batch__uploaded_by")
    )
    context = {"versions": versions[:100], "can_import": request.user.role in services.WRITERS}
    return render(request, "projects/version_list.html", context)


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _followers_only(request.user)
    version = get_object_for_user(
        TableVersion.objects.filter(kind=PROJECT_TABLE.name).select_related(
            "team", "previous", "batch__uploaded_by"
        ),
        request.user,
        pk=pk,
    )
    return render(request, "projects/version_detail.html", {"version": version})
