"""The sales-lead pages: requests, the day's tasks, leads, summaries, partner cycles and the
calibration of probabilities."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core import calendar
from duban.core.access import posted_id
from duban.core.history import history_of
from duban.core.months import month_end, month_param
from duban.core.services import StaleEditError
from duban.core.transitions import TransitionError
from duban.leads import selectors, services
from duban.leads.choices import CLOSED_STAGES, OPEN_REQUESTS, RequestStatus, Stage
from duban.leads.forms import (
    AgreeForm,
    CycleForm,
    DeclineForm,
    LeadForm,
    RequestForm,
    ResultForm,
    SummaryForm,
    TaskForm,
)
from duban.leads.models import (
    LeadRequest,
    LeadSummary,
    LeadTask,
    PartnerCycle,
    SalesLead,
    Settings,
)
from duban.org.choices import Role, TeamKind
from duban.org.models import Team
from duban.supervision.models import CheckIn

FOLLOWERS = {Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD}
WRITERS = services.WRITERS
ROWS = 200
CYCLE_DAYS = 60  # how far ahead the cycles' calendar looks


def _followers_only(user) -> None:
    if user.role not in FOLLOWERS:
        raise PermissionDenied


def _writers_only(user) -> None:
    if user.role not in WRITERS:
        raise PermissionDenied


def _team(request, user, kind=None) -> Team | None:
    text = request.GET.get("team", "")
    if not text.isdigit():
        return None
    teams = Team.objects.visible_to(user)
    if kind:
        teams = teams.filter(kind=kind)
    return teams.filter(pk=int(text)).first()


def _front_teams(user):
    return (
        Team.objects.visible_to(user)
        .filter(kind=TeamKind.FRONT, is_active=True)
        .select_related("line")
    )


def _refused(request, error) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


# --- requests (S-LEAD-1, S-LEAD-3) -----------------------------------------------------------


def _team_param(request, name: str) -> Team | None:
    """A team the reader sees, named by ``?name=<id>``; anything else is ignored."""
    text = request.GET.get(name, "")
    if not text.isdigit():
        return None
    return Team.objects.visible_to(request.user).filter(pk=int(text)).first()


@login_required
def request_board(request: HttpRequest) -> HttpResponse:
    """Open requests by back-end team, each with its progress against the target."""
    _followers_only(request.user)
    today = timezone.localdate()
    rows = LeadRequest.objects.visible_to(request.user).select_related(
        "team", "back_team", "partner"
    )
    show = request.GET.get("show", "open")
    if show == "open":
        rows = rows.filter(status__in=OPEN_REQUESTS)
    team = _team_param(request, "team")
    if team:  # the requests a (front) team took
        rows = rows.filter(team=team)
    groups = {}
    for lead_request in rows.order_by("back_team__name", "status", "-raised_on")[:ROWS]:
        found = selectors.projection(lead_request, today)
        groups.setdefault(lead_request.back_team, []).append((lead_request, found))
    context = {
        "groups": groups,
        "show": show,
        "team": team,
        "can_raise": request.user.role in WRITERS
        and Team.objects.visible_to(request.user).filter(kind=TeamKind.BACK).exists(),
        "margin": Settings.current().shortfall_margin,
    }
    return render(request, "leads/request_board.html", context)


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    _writers_only(request.user)
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            created = services.request_raise(
                by=request.user,
                back_team=data.pop("back_team"),
                team=data.pop("team"),
                today=timezone.localdate(),
                **data,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error if isinstance(error, ValidationError) else _("您不能为这个团队提需求")
            )
        else:
            messages.success(request, _("需求已提出，请与前端主管协商目标。"))
            return redirect(created)
    return render(request, "leads/request_form.html", {"form": form})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _followers_only(request.user)
    lead_request = get_object_or_404(
        LeadRequest.objects.visible_to(request.user).select_related(
            "team", "back_team", "partner", "raised_by", "agreed_front", "agreed_back"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    found = selectors.projection(lead_request, today, points=True)
    visible = set(Team.objects.visible_to(request.user).values_list("pk", flat=True))
    writer = request.user.role in WRITERS
    context = {
        "request_": lead_request,
        "projection": found,
        "chart": _projection_chart(found) if found else None,
        "milestones": lead_request.milestones.all(),
        "leads": lead_request.leads.select_related("owner", "partner")[:ROWS],
        "may_agree": writer
        and lead_request.team_id in visible
        and lead_request.status in OPEN_REQUESTS,
        "may_confirm": writer
        and lead_request.back_team_id in visible
        and lead_request.status == RequestStatus.AGREED
        and lead_request.agreed_back_id is None,
        "may_close": writer
        and lead_request.back_team_id in visible
        and lead_request.status in OPEN_REQUESTS,
        "agree_form": AgreeForm(initial=_agree_initial(lead_request, today)),
        "decline_form": DeclineForm(),
        "history": history_of(lead_request),
    }
    return render(request, "leads/request_detail.html", context)


def _agree_initial(lead_request, today) -> dict:
    lines = "\n".join(
        f"{m.due_on} {m.title}" + (f" {m.quantity}" if m.quantity else "")
        for m in lead_request.milestones.all()
    )
    return {
        "accepted": lead_request.accepted or lead_request.quantity,
        "starts_on": lead_request.starts_on or today,
        "target_on": lead_request.target_on or lead_request.deadline,
        "milestones": lines,
    }


def _projection_chart(found) -> dict:
    link = reverse("leads:lead_list") + f"?request={found.request.pk}"
    return {
        "categories": [f"{day:%m-%d}" for day, _done, _due in found.points],
        "unit": _("条"),
        "series": [
            {
                "name": _("已交付"),
                "type": "line",
                "data": [done for _d, done, _due in found.points],
            },
            {
                "name": _("按进度应交付"),
                "type": "line",
                "data": [due for _d, _done, due in found.points],
            },
        ],
        "links": [[link] * len(found.points), [link] * len(found.points)],
    }


@login_required
@require_POST
def request_agree(request: HttpRequest, pk: int) -> HttpResponse:
    _writers_only(request.user)
    lead_request = get_object_or_404(LeadRequest.objects.visible_to(request.user), pk=pk)
    form = AgreeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(lead_request)
    data = form.cleaned_data
    try:
        services.request_agree(
            request=lead_request,
            by=request.user,
            accepted=data["accepted"],
            starts_on=data["starts_on"],
            target_on=data["target_on"],
            milestones=data["milestone_rows"],
        )
    except (ValidationError, TransitionError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("目标已确定，等待后端确认。"))
    return redirect(lead_request)


@login_required
@require_POST
def request_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _writers_only(request.user)
    lead_request = get_object_or_404(LeadRequest.objects.visible_to(request.user), pk=pk)
    try:
        services.request_confirm(request=lead_request, by=request.user)
    except TransitionError as error:
        _refused(request, error)
    else:
        messages.success(request, _("后端已确认目标。"))
    return redirect(lead_request)


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    _writers_only(request.user)
    lead_request = get_object_or_404(LeadRequest.objects.visible_to(request.user), pk=pk)
    form = DeclineForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请写明拒绝的原因"))
        services.request_decline(
            request=lead_request, by=request.user, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, TransitionError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("已拒绝这条需求。"))
    return redirect(lead_request)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    _writers_only(request.user)
    lead_request = get_object_or_404(LeadRequest.objects.visible_to(request.user), pk=pk)
    try:
        services.request_close(
            request=lead_request, by=request.user, done=request.POST.get("done") == "1"
        )
    except TransitionError as error:
        _refused(request, error)
    else:
        messages.success(request, _("需求已结束。"))
    return redirect(lead_request)


# --- the day's tasks (S-LEAD-2, S-LEAD-7) ----------------------------------------------------


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """A team's lead tasks of a day: arranged by the lead, results collected; for a supervisor,
    every team's, with the results still missing."""
    _followers_only(request.user)
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    if abs((day - today).days) > 366:
        day = today
    team = _team(request, request.user, TeamKind.FRONT)
    teams = [team] if team else list(_front_teams(request.user))
    rows = LeadTask.objects.filter(team__in=teams, date=day).select_related(
        "assignee", "team", "request"
    )
    writer = request.user.role in WRITERS
    if request.method == "POST":
        return _task_post(request, team, day)
    context = {
        "day": day,
        "previous": calendar.previous_workday(day),
        "next": calendar.next_workday(day),
        "team": team,
        "teams": _front_teams(request.user),
        "rows": [
            (task, ResultForm(prefix=f"t{task.pk}", initial=_result_initial(task))) for task in rows
        ],
        "missing": sum(1 for task in rows if not task.outcome),
        "task_form": TaskForm(team=team) if team and writer else None,
        "writer": writer,
    }
    return render(request, "leads/tasks.html", context)


def _result_initial(task) -> dict:
    return {
        "outcome": task.outcome or "done",
        "achieved": task.achieved,
        "next_step": task.next_step,
        "explained": task.explained,
    }


def _task_post(request, team, day):
    _writers_only(request.user)
    target = reverse("leads:tasks") + f"?day={day}" + (f"&team={team.pk}" if team else "")
    if "arrange" in request.POST:
        if team is None:
            raise PermissionDenied
        form = TaskForm(request.POST, team=team)
        if form.is_valid():
            try:
                services.task_arrange(by=request.user, team=team, date=day, **form.cleaned_data)
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, _("已安排。"))
        else:
            messages.error(
                request, " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
        return redirect(target)
    task = get_object_or_404(
        LeadTask.objects.visible_to(request.user), pk=posted_id(request, "task")
    )
    form = ResultForm(request.POST, prefix=f"t{task.pk}")
    if form.is_valid():
        try:
            services.task_result(task=task, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("结果已回收：%(who)s。") % {"who": task.assignee.name})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(target)


# --- sales leads and calibration (S-LEAD-4) --------------------------------------------------


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    _followers_only(request.user)
    rows = SalesLead.objects.visible_to(request.user).select_related(
        "team", "owner", "partner", "request"
    )
    team = _team(request, request.user)
    if team:
        rows = rows.filter(team=team)
    stage = request.GET.get("stage", "")
    if stage == "open":
        rows = rows.open()
    elif stage in Stage.values:
        rows = rows.filter(stage=stage)
    if request.GET.get("request", "").isdigit():
        rows = rows.filter(request=int(request.GET["request"]))
    month = None
    if request.GET.get("month"):  # the cockpit's "delivered this month" opens its leads
        month = month_param(request.GET["month"], timezone.localdate())
        rows = rows.filter(delivered_on__range=(month, month_end(month)))
    for_team = _team_param(request, "for_team")
    if for_team:  # … delivered for that team's requests with an agreed target
        rows = rows.filter(request__in=selectors.targeted_requests([for_team.pk]))
    low, _dash, high = request.GET.get("band", "").partition("-")
    if low.isdigit() and high.isdigit():  # a band of the calibration: its closed leads
        rows = rows.filter(
            probability__gte=int(low), probability__lt=int(high), stage__in=CLOSED_STAGES
        )
    context = {
        "rows": rows.order_by("-delivered_on", "-pk")[:ROWS],
        "team": team,
        "teams": _front_teams(request.user),
        "stage": stage,
        "stages": Stage.choices,
        "month": month,
        "for_team": for_team,
        "shown": ROWS,
        "can_add": request.user.role in WRITERS,
        "today": timezone.localdate(),
    }
    return render(request, "leads/lead_list.html", context)


@login_required
def lead_new(request: HttpRequest) -> HttpResponse:
    _writers_only(request.user)
    form = LeadForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            lead = services.lead_record(by=request.user, today=timezone.localdate(), **data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error if isinstance(error, ValidationError) else _("您不能为这个团队登记销线")
            )
        else:
            messages.success(request, _("销线已登记。"))
            return redirect(lead)
    return render(request, "leads/lead_form.html", {"form": form, "lead": None})


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _followers_only(request.user)
    lead = get_object_or_404(
        SalesLead.objects.visible_to(request.user).select_related(
            "team", "owner", "partner", "request"
        ),
        pk=pk,
    )
    visible = set(Team.objects.visible_to(request.user).values_list("pk", flat=True))
    may_edit = request.user.role in WRITERS and lead.team_id in visible
    form = LeadForm(request.POST or None, instance=lead, user=request.user) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "team")}
            try:
                services.lead_update(
                    lead=SalesLead.objects.get(pk=lead.pk),
                    by=request.user,
                    today=timezone.localdate(),
                    expected_version=form.cleaned_data["version"],
                    **data,
                )
            except StaleEditError as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("已保存。"))
                return redirect(lead)
    context = {"lead": lead, "form": form, "history": history_of(lead)}
    return render(request, "leads/lead_detail.html", context)


@login_required
def calibration(request: HttpRequest) -> HttpResponse:
    """Predicted against actual win rates by probability band, and each owner's Brier score:
    whose estimates to trust (S-LEAD-4)."""
    _followers_only(request.user)
    leads = SalesLead.objects.visible_to(request.user)
    team = _team(request, request.user)
    if team:
        leads = leads.filter(team=team)
    overall = selectors.calibration(leads)
    context = {
        "overall": overall,
        "owners": selectors.calibration_by_owner(leads),
        "team": team,
        "teams": _front_teams(request.user),
        "chart": _calibration_chart(overall, team),
    }
    return render(request, "leads/calibration.html", context)


def _calibration_chart(overall, team) -> dict:
    base = reverse("leads:lead_list") + (f"?team={team.pk}&" if team else "?")
    links = [f"{base}band={band.low}-{band.high}" for band in overall.bands]
    return {
        "categories": [band.label for band in overall.bands],
        "unit": "%",
        "series": [
            {
                "name": _("预估（平均）"),
                "data": [round(b.predicted * 100) if b.leads else None for b in overall.bands],
            },
            {
                "name": _("实际成交率"),
                "data": [
                    round(b.actual * 100) if b.actual is not None else None for b in overall.bands
                ],
            },
        ],
        "links": [links, links],
    }


# --- summaries (S-LEAD-5) --------------------------------------------------------------------


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """Each front team's latest summary; one team's history, and today's to write."""
    _followers_only(request.user)
    today = timezone.localdate()
    team = _team(request, request.user, TeamKind.FRONT)
    context = {"team": team, "today": today, "teams": _front_teams(request.user)}
    if team is None:
        latest = selectors.latest_summaries(context["teams"])
        context["rows"] = [(t, latest.get(t.pk)) for t in context["teams"]]
        return render(request, "leads/summary.html", context)
    history = list(LeadSummary.objects.filter(team=team).select_related("written_by")[:60])
    todays = next((s for s in history if s.date == today), None)
    writer = request.user.role in WRITERS
    form = SummaryForm(
        request.POST or None,
        initial={
            "text": todays.text,
            "next_target": todays.next_target,
            "next_milestone": todays.next_milestone,
        }
        if todays
        else None,
    )
    if request.method == "POST":
        _writers_only(request.user)
        if form.is_valid():
            services.summary_write(
                by=request.user,
                team=team,
                date=today,
                figures=selectors.day_figures(team, today),
                **form.cleaned_data,
            )
            messages.success(request, _("今天的销线综述已保存。"))
            return redirect(reverse("leads:summary") + f"?team={team.pk}")
    unchanged = {
        s.pk for s, older in zip(history, history[1:], strict=False) if s.text == older.text
    }
    context.update(
        history=history,
        unchanged=unchanged,
        form=form if writer else None,
        figures=selectors.day_figures(team, today),
    )
    return render(request, "leads/summary.html", context)


# --- partner cycles (S-LEAD-6) ---------------------------------------------------------------


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    """The cooperating partners' reporting days of the next weeks, with the follow-up due
    before each and whether it was done."""
    _followers_only(request.user)
    today = timezone.localdate()
    end = today + dt.timedelta(days=CYCLE_DAYS)
    rows = []
    followed = (
        PartnerCycle.objects.visible_to(request.user)
        .filter(is_active=True)
        .select_related("partner", "team")
    )
    done = set(
        CheckIn.objects.filter(
            subject_type__model="partnercycle",
            status="done",
            date__gte=today - dt.timedelta(days=30),
        ).values_list("subject_id", "date")
    )
    for cycle in followed:
        for day in cycle.reporting_days(today, end):
            follow = calendar.subtract_workdays(day, cycle.lead_days)
            was_done = any(
                pk == cycle.pk and follow - dt.timedelta(days=10) <= d <= day for pk, d in done
            )
            rows.append((day, follow, cycle, was_done))
    rows.sort(key=lambda row: (row[0], row[2].partner.name))
    form = CycleForm(
        request.POST or None,
        user=request.user,
        initial={"lead_days": Settings.current().cycle_lead_days},
    )
    if request.method == "POST":
        _writers_only(request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.cycle_set(
                    by=request.user, partner=data.pop("partner"), team=data.pop("team"), **data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("报计划周期已保存。"))
                return redirect("leads:cycles")
    context = {
        "rows": rows,
        "cycles": followed,
        "form": form if request.user.role in WRITERS else None,
        "today": today,
        "days": CYCLE_DAYS,
    }
    return render(request, "leads/cycles.html", context)
