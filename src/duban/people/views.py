"""The people pages: structure, changes, trainings, talks and the employee's page."""

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
from duban.core.history import history_of
from duban.core.months import month_param
from duban.core.transitions import TransitionError
from duban.org.choices import Post, Role
from duban.org.models import Employee, Team
from duban.people import selectors, services
from duban.people.choices import ChangeKind
from duban.people.forms import (
    BestEmployeeForm,
    BudgetForm,
    ChangeForm,
    HeadcountPlanForm,
    NoteForm,
    ResultForm,
    ReviewForm,
    TalkForm,
    TrainingForm,
    TrainingPlanForm,
)
from duban.people.models import (
    FOLLOWERS,
    RelationNote,
    Settings,
    StaffChange,
    StructureReview,
    Talk,
    Training,
)
from duban.supervision.models import Plan

EDITORS = services.EDITORS
TREND_WEEKS = 26
LIST_ROWS = 200


def _followers_only(user) -> None:
    if user.role not in FOLLOWERS:
        raise PermissionDenied


def _editors_only(user) -> None:
    if user.role not in EDITORS:
        raise PermissionDenied


def _month(request, today: dt.date) -> dt.date:
    return month_param(request.GET.get("month"), today)


def _team(request, user) -> Team | None:
    text = request.GET.get("team", "")
    if not text.isdigit():
        return None
    return Team.objects.visible_to(user).filter(pk=int(text)).first()


def _teams(user):
    return Team.objects.visible_to(user).filter(is_active=True).select_related("line")


def _write(request, action, success: str, target):
    """Run a service; its refusals become messages (or the form's errors)."""
    try:
        action()
    except (ValidationError, TransitionError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return None
    messages.success(request, success)
    return redirect(target)


# --- home and structure (S-HR-1/2/3) -------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.MEMBER:
        return redirect("people:mine")
    return redirect("people:structure")


@login_required
def structure(request: HttpRequest) -> HttpResponse:
    """Plan against actual by post for every team the user follows; one team's over time,
    its reviews, its budget and cost."""
    _followers_only(request.user)
    today = timezone.localdate()
    team = _team(request, request.user)
    teams = [team] if team else list(_teams(request.user))
    rows = selectors.structure(teams, today)
    costs = {row.team.pk: row for row in selectors.staff_cost(teams, today, today=today)}
    context = {
        "rows": [(row, costs.get(row.team.pk)) for row in rows],
        "posts": Post.choices,
        "team": team,
        "today": today,
        "can_plan": request.user.role in services.PLANNERS,
        "can_edit": request.user.role in EDITORS,
    }
    if team:
        weeks = [calendar.subtract_workdays(today, 5 * n) for n in range(TREND_WEEKS - 1, -1, -1)]
        trend = selectors.structure_trend(team, weeks)
        context.update(
            chart=_structure_chart(team, trend),
            trend=trend,
            reviews=StructureReview.objects.filter(team=team)[:20],
            changes=StaffChange.objects.filter(team=team).select_related("employee")[:10],
            placements=sorted(
                selectors.placements([team.pk], today), key=lambda p: (p.post, p.employee.name)
            ),
            plan_form=HeadcountPlanForm(),
            review_form=ReviewForm(),
            budget_form=BudgetForm(),
        )
    return render(request, "people/structure.html", context)


def _structure_chart(team, trend) -> dict:
    link = reverse("people:change_list") + f"?team={team.pk}"
    return {
        "categories": [f"{day:%m-%d}" for day, _n, _p in trend],
        "unit": _("人"),
        "series": [
            {"name": _("实有人数"), "type": "line", "data": [n for _d, n, _p in trend]},
            {"name": _("编制"), "type": "line", "data": [p for _d, _n, p in trend]},
        ],
        "links": [[link] * len(trend), [link] * len(trend)],
    }


@login_required
@require_POST
def structure_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _structure_post(
        request,
        pk,
        HeadcountPlanForm,
        services.headcount_plan_set,
        services.PLANNERS,
        _("编制已保存。"),
        _("编制没有保存：%(e)s"),
    )


@login_required
@require_POST
def structure_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _structure_post(
        request,
        pk,
        ReviewForm,
        services.structure_review_record,
        EDITORS,
        _("已记录编制讨论。"),
        _("讨论记录没有保存：%(e)s"),
    )


@login_required
@require_POST
def structure_budget(request: HttpRequest, pk: int) -> HttpResponse:
    return _structure_post(
        request,
        pk,
        BudgetForm,
        services.budget_set,
        services.PLANNERS,
        _("预算已保存。"),
        _("预算没有保存：%(e)s"),
    )


def _structure_post(request, pk, form_class, service, roles, saved: str, refused: str):
    """A form of a team's structure page, posted: checked, written by ``service``, and back
    to the page with what became of it."""
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    if request.user.role not in roles:
        raise PermissionDenied
    form = form_class(request.POST)
    target = reverse("people:structure") + f"?team={team.pk}"
    if not form.is_valid():
        messages.error(request, refused % {"e": _errors(form)})
        return redirect(target)
    done = _write(
        request,
        lambda: service(by=request.user, team=team, **form.cleaned_data),
        saved,
        target,
    )
    return done or redirect(target)


def _errors(form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}{' '.join(errs)}"
        for name, errs in form.errors.items()
    )


# --- staff changes (S-HR-3) ----------------------------------------------------------------


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    _followers_only(request.user)
    rows = StaffChange.objects.visible_to(request.user).select_related(
        "employee", "team", "from_team", "staffing_matter", "training_matter"
    )
    team = _team(request, request.user)
    if team:
        rows = rows.filter(team=team) | rows.filter(from_team=team)
    kind = request.GET.get("kind", "")
    if kind in ChangeKind.values:
        rows = rows.filter(kind=kind)
    context = {
        "rows": rows.order_by("-date", "-pk")[:LIST_ROWS],
        "team": team,
        "teams": _teams(request.user),
        "kind": kind,
        "kinds": ChangeKind.choices,
        "can_edit": request.user.role in EDITORS,
        "shown": LIST_ROWS,
    }
    return render(request, "people/change_list.html", context)


@login_required
def change_new(request: HttpRequest) -> HttpResponse:
    _editors_only(request.user)
    form = ChangeForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.change_record(
                by=request.user,
                today=timezone.localdate(),
                kind=data["kind"],
                date=data["date"],
                employee=data["employee"],
                name=data["name"],
                team=data["team"],
                post=data["post"],
                position=data["position"],
                reason=data["reason"],
                note=data["note"],
                until=data["until"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("已记录：%(change)s。已向主管要人员计划。") % {"change": change}
            )
            return redirect(change)
    return render(request, "people/change_form.html", {"form": form})


def _initial(request) -> dict:
    initial = {}
    for name in ("kind", "employee"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    return initial


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _followers_only(request.user)
    change = get_object_or_404(
        StaffChange.objects.visible_to(request.user).select_related(
            "employee", "team", "from_team", "recorded_by"
        ),
        pk=pk,
    )
    matters = [m for m in (change.staffing_matter, change.training_matter) if m is not None]
    plans = Plan.objects.filter(matter__in=matters).select_related("matter", "lead")
    return render(request, "people/change_detail.html", {"change": change, "plans": plans})


# --- trainings (S-HR-4, S-PRJ-6) -----------------------------------------------------------


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    _followers_only(request.user)
    today = timezone.localdate()
    month = _month(request, today)
    teams = list(_teams(request.user))
    team = _team(request, request.user)
    settings = Settings.current()
    trainings = Training.objects.visible_to(request.user).select_related("team", "lead")
    if team:
        trainings = trainings.filter(team=team)
    start, end = month, selectors.month_end(month)
    context = {
        "figures": selectors.training_figures(
            trainings.filter(held_on__range=(start, end)).order_by("-held_on", "-pk"), settings
        ),
        "months": selectors.training_month([team] if team else teams, month, settings),
        "month": month,
        "past": month < selectors.month_start(today),  # a plan missed only once it is over
        "previous": selectors.previous_month(month),
        "next": selectors.month_start(end + dt.timedelta(days=1)),
        "team": team,
        "teams": teams,
        "settings": settings,
        "can_edit": request.user.role in EDITORS,
    }
    return render(request, "people/training_list.html", context)


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    _editors_only(request.user)
    initial = {}
    if request.GET.get("retraining_of", "").isdigit():
        original = (
            Training.objects.visible_to(request.user)
            .filter(pk=int(request.GET["retraining_of"]))
            .first()
        )
        if original:
            initial = {
                "retraining_of": original,
                "team": original.team,
                "kind": original.kind,
                "topic": _("二次培训：%(topic)s") % {"topic": original.topic},
                "attendees": [r.employee_id for r in original.results.all()],
            }
    form = TrainingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team, attendees = data.pop("team"), data.pop("attendees")
        try:
            training = services.training_record(
                by=request.user, team=team, attendees=attendees, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("培训已记录，请录入每人的成绩。"))
            return redirect(training)
    return render(request, "people/training_form.html", {"form": form})


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = get_object_or_404(
        Training.objects.visible_to(request.user).select_related("team", "lead", "retraining_of"),
        pk=pk,
    )
    settings = Settings.current()
    results = list(training.results.select_related("employee"))
    if request.user.role == Role.MEMBER:  # a member sees their own result only
        results = [r for r in results if r.employee.user_id == request.user.pk]
    may_edit = request.user.role in EDITORS
    forms = [
        (row, ResultForm(request.POST or None, prefix=f"r{row.pk}", initial=_result_initial(row)))
        for row in results
    ]
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if all(form.is_valid() for _row, form in forms):
            values = {row.pk: _result_values(form) for row, form in forms}
            try:
                services.results_record(by=request.user, training=training, results=values)
            except (ValidationError, TransitionError) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("成绩已保存。"))
                return redirect(training)
    figures = selectors.training_figures(Training.objects.filter(pk=training.pk), settings)[0]
    context = {
        "training": training,
        "forms": forms,
        "figures": figures,
        "settings": settings,
        "may_edit": may_edit,
        "below_bar": figures.pass_rate is not None and figures.pass_rate < settings.pass_rate_bar,
        "retrainings": training.retrainings.all(),
        "history": history_of(training) if request.user.role in FOLLOWERS else [],
    }
    return render(request, "people/training_detail.html", context)


def _result_initial(row) -> dict:
    passed = {True: "true", False: "false"}.get(row.passed, "unknown")
    return {"score": row.score, "passed": passed, "uptake": row.uptake, "note": row.note}


def _result_values(form) -> dict:
    data = form.cleaned_data
    return {
        "score": data["score"],
        "passed": data["passed"],
        "uptake": data["uptake"],
        "note": data["note"],
    }


@login_required
def training_plan_new(request: HttpRequest) -> HttpResponse:
    _editors_only(request.user)
    form = TrainingPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_plan_set(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("培训计划已保存。"))
            return redirect("people:training_list")
    return render(request, "people/training_plan_form.html", {"form": form})


# --- talks and best employee (S-HR-5/6) ----------------------------------------------------


@login_required
def talks(request: HttpRequest) -> HttpResponse:
    _followers_only(request.user)
    today = timezone.localdate()
    month = _month(request, today)
    team = _team(request, request.user)
    teams = [team] if team else list(_teams(request.user))
    coverage = selectors.talk_coverage(teams, month)
    best = selectors.best_employee_of(teams, month)
    settings = Settings.current()
    deadline = selectors.month_start(month + dt.timedelta(days=32)).replace(
        day=settings.best_employee_by
    )
    context = {
        "rows": [(row, best.get(row.team.pk)) for row in coverage],
        "month": month,
        "previous": selectors.previous_month(month),
        "next": selectors.month_start(selectors.month_end(month) + dt.timedelta(days=1)),
        "team": team,
        "teams": _teams(request.user),
        "deadline": deadline,
        "past": month < selectors.month_start(today),
        "can_edit": request.user.role in EDITORS,
    }
    return render(request, "people/talks.html", context)


@login_required
def talk_new(request: HttpRequest) -> HttpResponse:
    _editors_only(request.user)
    form = TalkForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            talk = services.talk_record(by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已记录 %(talk)s 的绩效谈话。") % {"talk": talk})
            return redirect(reverse("people:talks") + f"?month={talk.month:%Y-%m}")
    return render(request, "people/talk_form.html", {"form": form})


@login_required
def best_new(request: HttpRequest) -> HttpResponse:
    _editors_only(request.user)
    today = timezone.localdate()
    form = BestEmployeeForm(
        request.POST or None,
        user=request.user,
        initial={"month": selectors.previous_month(today), "announced_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            selection = services.best_employee_record(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已记录最佳员工：%(s)s。") % {"s": selection})
            return redirect(reverse("people:talks") + f"?month={selection.month:%Y-%m}")
    return render(request, "people/best_form.html", {"form": form})


# --- the employee's page and notes (S-HR-7) ------------------------------------------------


@login_required
def employee(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Employee.objects.visible_to(request.user).select_related("team", "team__line", "user"),
        pk=pk,
    )
    follower = request.user.role in FOLLOWERS
    settings = Settings.current()
    results = person.training_results.select_related("training").order_by("-training__held_on")
    context = {
        "person": person,
        "changes": person.changes.select_related("team", "from_team")[:50],
        "results": [(r, r.outcome(settings.pass_mark)) for r in results[:50]],
        "talks": Talk.objects.filter(employee=person).select_related("lead")[:24],
        "notes": RelationNote.objects.visible_to(request.user).filter(employee=person)[:50],
        "sees_notes": request.user.role in EDITORS,
        "follower": follower,
        "can_edit": request.user.role in EDITORS,
        "note_form": NoteForm(),
        "history": history_of(person) if follower else [],
    }
    return render(request, "people/employee.html", context)


@login_required
def note_new(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Employee.objects.visible_to(request.user), pk=pk)
    _editors_only(request.user)
    if request.method != "POST":
        raise PermissionDenied
    form = NoteForm(request.POST)
    target = reverse("people:employee", args=[person.pk]) + "#notes"
    if not form.is_valid():
        messages.error(request, _("记录没有保存：%(e)s") % {"e": _errors(form)})
        return redirect(target)
    done = _write(
        request,
        lambda: services.note_record(by=request.user, employee=person, **form.cleaned_data),
        _("已记录。"),
        target,
    )
    return done or redirect(target)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """A member's own trainings with their results, and their talks."""
    person = Employee.objects.filter(user=request.user).select_related("team").first()
    if person is None:
        return render(request, "people/mine.html", {"person": None})
    return redirect("people:employee", pk=person.pk)
