"""The after-sales pages: the case list, a case, registering one (on a phone), the
twice-weekly review, the monthly tables and the analysis."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.aftersales import selectors, services
from duban.aftersales.choices import OPEN_CASES, CaseStatus, Responsibility, Severity
from duban.aftersales.filters import UNDECIDED, CaseFilterSet
from duban.aftersales.forms import (
    CaseForm,
    DecideForm,
    ResolveForm,
    ReturnForm,
    ReviewForm,
    StepForm,
)
from duban.aftersales.models import Case, Cause, MonthlyTable
from duban.aftersales.tables import EXPORT_COLUMNS, CaseTable
from duban.core.access import posted_id
from duban.core.exporting import xlsx_response
from duban.core.history import history_of
from duban.core.months import month_param
from duban.core.tables import paginate
from duban.core.transitions import TransitionError
from duban.org.choices import Role
from duban.org.models import Team

FOLLOWERS = {Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD}


def _followers_only(user) -> None:
    if user.role not in FOLLOWERS:
        raise PermissionDenied


def _writers_only(user) -> None:
    if user.role not in services.WRITERS:
        raise PermissionDenied


def _month(request, today: dt.date) -> dt.date:
    return month_param(request.GET.get("month"), today)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = CaseFilterSet(
        request.GET,
        queryset=Case.objects.visible_to(request.user).select_related(
            "team", "partner", "cause", "handler"
        ),
        user=request.user,
    )
    if request.GET.get("export") == "xlsx":
        # the register's own format: what the list exports, a writer may import again
        rows = filterset.qs.order_by("reported_at", "pk")
        name = f"售后登记表-{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(rows, EXPORT_COLUMNS, filename=name, sheet="售后登记表")
    table = CaseTable(filterset.qs.order_by("-reported_at", "-pk"))
    paginate(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "can_export": True,
        "can_add": request.user.role in services.WRITERS,
    }
    return render(request, "aftersales/case_list.html", context)


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    _writers_only(request.user)
    form = CaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            case = services.case_register(by=request.user, team=data.pop("team"), **data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error if isinstance(error, ValidationError) else _("您不能为这个团队登记")
            )
        else:
            messages.success(
                request,
                _("已登记 %(n)s，%(by)s 前须响应。")
                % {
                    "n": case.number,
                    "by": timezone.localtime(case.respond_by).strftime("%m-%d %H:%M"),
                },
            )
            return redirect(case)
    return render(request, "aftersales/case_form.html", {"form": form})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "team", "partner", "cause", "category", "handler", "lead", "decided_by"
        ),
        pk=pk,
    )
    visible = set(Team.objects.visible_to(request.user).values_list("pk", flat=True))
    writer = request.user.role in services.WRITERS and case.team_id in visible
    context = {
        "case": case,
        "clock": selectors.clock(case),
        "steps": case.steps.select_related("by"),
        "writer": writer,
        "decider": writer and request.user.role in services.SUPERVISORS,
        "moves": [m for m, (allowed, _to) in services.MOVES.items() if case.status in allowed]
        if writer
        else [],
        "step_form": StepForm(),
        "resolve_form": ResolveForm(),
        "decide_form": DecideForm(
            initial={
                "responsibility": case.responsibility,
                "person": case.responsible_person,
                "disputed": case.disputed,
            }
        ),
        "open": case.status in OPEN_CASES,
        "history": history_of(case),
    }
    return render(request, "aftersales/case_detail.html", context)


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _writers_only(request.user)
    case = get_object_or_404(Case.objects.visible_to(request.user), pk=pk)
    try:
        if action in services.MOVES:
            services.case_move(case=case, by=request.user, move=action)
        elif action == "step":
            form = StepForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请写明处理过程"))
            services.step_record(case=case, by=request.user, **form.cleaned_data)
        elif action == "resolve":
            form = ResolveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请写明处理结果"))
            services.case_resolve(case=case, by=request.user, **form.cleaned_data)
        elif action == "decide":
            form = DecideForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请选择责任方"))
            services.responsibility_decide(case=case, by=request.user, **form.cleaned_data)
    except (ValidationError, TransitionError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("已保存。"))
    return redirect(case)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """New cases of each team since its last review, by cause, with the time each has been open
    and the lead's last update (S-AS-2); recording the review completes the check-in."""
    _followers_only(request.user)
    today = timezone.localdate()
    teams = Team.objects.visible_to(request.user).filter(cases__isnull=False).distinct()
    groups = []
    for team in teams:
        since = selectors.since_last_review(team)
        # new: not yet looked at in a review
        cases = Case.objects.filter(team=team, reviews__isnull=True).select_related(
            "cause", "partner"
        )
        rows = [
            (case, selectors.clock(case), case.steps.order_by("-at").first())
            for case in cases.order_by("cause__name", "reported_at")
        ]
        groups.append((team, since, rows))
    if request.method == "POST":
        if request.user.role not in services.SUPERVISORS:
            raise PermissionDenied
        team = get_object_or_404(teams, pk=posted_id(request, "team"))
        form = ReviewForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请写明对主管的要求"))
            group = next(rows for t, _s, rows in groups if t == team)
            services.review_record(
                by=request.user,
                team=team,
                held_on=today,
                asked=form.cleaned_data["asked"],
                cases=[c for c, _c, _s in group],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已记录 %(team)s 的售后回顾。") % {"team": team.name})
        return redirect("aftersales:review")
    context = {
        "groups": groups,
        "form": ReviewForm(),
        "reviewer": request.user.role in services.SUPERVISORS,
    }
    return render(request, "aftersales/review.html", context)


@login_required
def tables(request: HttpRequest) -> HttpResponse:
    """Each team's tracking table of a month (S-AS-4): generated from its cases, returned by
    its lead."""
    _followers_only(request.user)
    today = timezone.localdate()
    month = _month(request, today)
    start, end = selectors.month_range(month)
    teams = (
        Team.objects.visible_to(request.user)
        .filter(cases__reported_at__gte=start, cases__reported_at__lt=end)
        .distinct()
    )
    visible = set(Team.objects.visible_to(request.user).values_list("pk", flat=True))
    if request.method == "POST":
        _writers_only(request.user)
        table = get_object_or_404(MonthlyTable, pk=posted_id(request, "table"), team__in=visible)
        form = ReturnForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("更正说明太长"))
            services.table_return(table=table, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("已返回 %(team)s 的跟踪表。") % {"team": table.team.name})
        return redirect(reverse("aftersales:tables") + f"?month={month:%Y-%m}")
    rows = [services.table_generate(team=team, month=month) for team in teams]
    context = {
        "tables": rows,
        "month": month,
        "previous": (month - dt.timedelta(days=1)).replace(day=1),
        "next": (month + dt.timedelta(days=32)).replace(day=1),
        "form": ReturnForm(),
        "writer": request.user.role in services.WRITERS,
        "labels": {
            "severity": dict(Severity.choices),
            "status": dict(CaseStatus.choices),
            "responsibility": dict(Responsibility.choices),
        },
    }
    return render(request, "aftersales/tables.html", context)


@login_required
def analysis(request: HttpRequest) -> HttpResponse:
    """Causes' Pareto of a month, time to resolve by severity and team (p50 / p90) and its
    trend over six months, repeat partners, responsibility split; every figure opens its
    cases (the case list, filtered to exactly them)."""
    _followers_only(request.user)
    today = timezone.localdate()
    month = _month(request, today)
    visible = Case.objects.visible_to(request.user)
    cases = selectors.cases_of_month(visible, month)
    if "month" not in request.GET and not cases.exists():  # early in a month: the last one
        month = (month - dt.timedelta(days=1)).replace(day=1)
        cases = selectors.cases_of_month(visible, month)
    listed = reverse("aftersales:case_list")

    def opens(**params) -> str:
        return listed + "?" + urlencode({"month": f"{month:%Y-%m}", **params})

    pareto = selectors.pareto(cases)
    causes = {c.name: c.pk for c in Cause.objects.all()}
    teams = {t.name: t.pk for t in Team.objects.visible_to(request.user)}
    split = {}
    for value in cases.exclude(responsibility="").values_list("responsibility", flat=True):
        split[value] = split.get(value, 0) + 1
    undecided = CaseFilterSet.undecided(cases).count()
    trend = selectors.resolve_trend(visible, month)
    for row in trend:
        row["cases_url"] = listed + "?" + urlencode({"month": f"{row['month']:%Y-%m}"})
        row["resolved_url"] = row["cases_url"] + "&resolved=true"
    pareto_links = [opens(cause=causes.get(cause, "null")) for cause, _n, _s in pareto]
    context = {
        "month": month,
        "previous": (month - dt.timedelta(days=1)).replace(day=1),
        "next": (month + dt.timedelta(days=32)).replace(day=1),
        "pareto": [(*row, url) for row, url in zip(pareto, pareto_links, strict=True)],
        "times": [
            (
                team,
                Severity(severity).label,
                row,
                opens(team=teams.get(team, ""), severity=severity, resolved="true"),
            )
            for (team, severity), row in selectors.resolve_times(cases).items()
        ],
        "trend": trend,
        "repeats": [
            (name, n, listed + "?" + urlencode({"partner": pk, "days": selectors.REPEAT_DAYS}))
            for pk, name, n in selectors.repeat_partners(
                visible, selectors.days_ago(selectors.REPEAT_DAYS, today), 2
            )
        ],
        "repeat_days": selectors.REPEAT_DAYS,
        "split": [
            (Responsibility(k).label, n, opens(responsibility=k))
            for k, n in sorted(split.items(), key=lambda kv: -kv[1])
        ],
        "undecided": (undecided, opens(responsibility=UNDECIDED)),
        "chart": {
            "categories": [cause or _("未填原因") for cause, _n, _s in pareto],
            "unit": _("个"),
            "series": [{"name": _("案例数"), "data": [n for _c, n, _s in pareto]}],
            "links": [pareto_links],
        },
        "trend_chart": {
            "categories": [f"{row['month']:%Y-%m}" for row in trend],
            "unit": _("工作小时"),
            "series": [
                {"name": p, "type": "line", "data": [_rounded(row[p]) for row in trend]}
                for p in ("p50", "p90")
            ],
            "links": [[row["resolved_url"] for row in trend]] * 2,
        },
    }
    return render(request, "aftersales/analysis.html", context)


def _rounded(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 1)
