"""The cockpit's pages: the dashboard, the ranking of the leads' scorecards, one lead's month
with its evidence, and the admin's weights."""

import datetime as dt
import io
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.cockpit import dashboards, report_files, reports, selectors, services
from duban.cockpit.forms import AdjustForm, CommentForm, WeightsForm
from duban.cockpit.models import visible_leads
from duban.core.exporting import ExportColumn, xlsx_response
from duban.core.months import add_months, month_param
from duban.core.scoring import Dimension
from duban.core.services import StaleEditError
from duban.org.choices import Role
from duban.org.models import BusinessLine

WATCHERS = {Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD}


def _watchers_only(user) -> None:
    if user.role not in WATCHERS:
        raise PermissionDenied


def _months(request):
    today = timezone.localdate()
    month = min(month_param(request.GET.get("month"), today), today.replace(day=1))
    return today, month


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The executive's company, a supervisor's lines, a lead's team: risks by team and area,
    plans, and each area's key figures, every figure opening its rows."""
    _watchers_only(request.user)
    context = dashboards.dashboard(request.user, timezone.localdate())
    return render(request, "cockpit/dashboard.html", context)


@login_required
def scorecards(request: HttpRequest) -> HttpResponse:
    """The ranking of the leads' month; a lead goes straight to their own scorecard."""
    _watchers_only(request.user)
    today, month = _months(request)
    if request.user.role == Role.LEAD:
        url = reverse("cockpit:scorecard", args=[request.user.pk])
        return redirect(f"{url}?{urlencode({'month': f'{month:%Y-%m}'})}")
    cards = selectors.ranking(visible_leads(request.user).order_by("name"), month, today)
    if request.GET.get("export") == "xlsx":
        return _export(cards, month)
    context = {
        "cards": cards,
        "kept_at": min((c.computed_at for c in cards if c.computed_at), default=None),
        "month": month,
        "previous": add_months(month, -1),
        "next": add_months(month, 1) if add_months(month, 1) <= today else None,
        "dimensions": Dimension.choices,
        "can_weigh": request.user.role == Role.ADMIN,
    }
    return render(request, "cockpit/scorecards.html", context)


def _export(cards, month) -> HttpResponse:
    def score_of(dimension):
        return lambda card: card.dimension(dimension).score

    columns = [
        ExportColumn("主管", value=lambda card: card.lead.display_name),
        ExportColumn("月份", value=lambda card: f"{month:%Y-%m}"),
        ExportColumn("总分", value=lambda card: card.total, kind="number"),
        *[
            ExportColumn(str(label), value=score_of(value), kind="number")
            for value, label in Dimension.choices
        ],
    ]
    name = f"主管评分-{month:%Y%m}.xlsx"
    return xlsx_response(cards, columns, filename=name, sheet="主管评分")


@login_required
def scorecard(request: HttpRequest, lead: int) -> HttpResponse:
    """One lead's month: the five dimensions, each measure's items, the adjustments and
    comments, the radar and the trend of six months."""
    _watchers_only(request.user)
    found = get_object_or_404(visible_leads(request.user), pk=lead)
    today, month = _months(request)
    card = selectors.scorecard(found, month, today)
    trend = selectors.trend(found, month, today=today)
    scorer = request.user.role in services.SCORERS
    context = {
        "card": card,
        "lead": found,
        "month": month,
        "previous": add_months(month, -1),
        "next": add_months(month, 1) if add_months(month, 1) <= today else None,
        "trend": trend,
        "radar": {
            "indicators": [str(d.label) for d in card.dimensions],
            "series": [
                {
                    "name": f"{row['month']:%Y-%m}",
                    "data": [row["dimensions"][d.dimension] for d in card.dimensions],
                }
                for row in trend[-2:]
            ],
        },
        "scorer": scorer,
        "adjust_forms": {
            d.dimension: AdjustForm(
                initial={
                    "dimension": d.dimension,
                    "points": d.adjustment.points if d.adjustment else 0,
                    "reason": d.adjustment.reason if d.adjustment else "",
                    "version": d.adjustment.version if d.adjustment else None,
                },
                auto_id=f"id_{d.dimension}_%s",
            )
            for d in card.dimensions
        }
        if scorer
        else {},
        "comment_form": CommentForm() if scorer else None,
        "weights": selectors.weights(),
    }
    return render(request, "cockpit/scorecard.html", context)


def _back(lead, request) -> HttpResponse:
    url = reverse("cockpit:scorecard", args=[lead.pk])
    return redirect(f"{url}?{urlencode({'month': request.POST.get('month', '')})}")


@login_required
@require_POST
def adjust(request: HttpRequest, lead: int) -> HttpResponse:
    _watchers_only(request.user)
    found = get_object_or_404(visible_leads(request.user), pk=lead)
    if request.user.role not in services.SCORERS:
        raise PermissionDenied
    today = timezone.localdate()
    month = month_param(request.POST.get("month"), today)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(found, request)
    data = form.cleaned_data
    try:
        services.score_adjust(
            by=request.user,
            lead=found,
            month=month,
            dimension=data["dimension"],
            points=data["points"],
            reason=data["reason"],
            version=data["version"],
        )
    except (ValidationError, StaleEditError) as error:
        messages.error(request, error.messages[0] if hasattr(error, "messages") else str(error))
    else:
        messages.success(request, _("已保存调整。"))
    return _back(found, request)


@login_required
@require_POST
def comment(request: HttpRequest, lead: int) -> HttpResponse:
    _watchers_only(request.user)
    found = get_object_or_404(visible_leads(request.user), pk=lead)
    if request.user.role not in services.SCORERS:
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        month = month_param(request.POST.get("month"), timezone.localdate())
        services.comment_add(
            by=request.user, lead=found, month=month, text=form.cleaned_data["text"]
        )
        messages.success(request, _("已添加点评。"))
    else:
        messages.error(request, _("点评不能为空。"))
    return _back(found, request)


@login_required
def weights(request: HttpRequest) -> HttpResponse:
    """The formula's weights: everyone who sees scorecards may read them, the admin edits."""
    _watchers_only(request.user)
    current = selectors.weights()
    editable = request.user.role == Role.ADMIN
    form = WeightsForm(request.POST or None, current=current)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            changed = services.weights_save(by=request.user, weights=form.cleaned_data)
            messages.success(request, _("已保存 %(n)d 项权重。") % {"n": changed})
            return redirect("cockpit:weights")
    return render(request, "cockpit/weights.html", {"form": form, "editable": editable})


REPORT_READERS = {Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE}


def _report_args(request, data) -> tuple[reports.Period, BusinessLine | None, object]:
    """The period (``kind``, ``start``: any day in it; else the last complete one) and the
    line (``line``: one the user sees; else all) a report was asked for."""
    if request.user.role not in REPORT_READERS:
        raise PermissionDenied
    today = timezone.localdate()
    kind = data.get("kind") if data.get("kind") in reports.KINDS else reports.WEEKLY
    try:
        day = min(dt.date.fromisoformat(data.get("start", "")), today)
        period = reports.period_of(kind, max(day, dt.date(2000, 1, 1)))
    except ValueError:
        period = reports.last_complete(kind, today)
    lines = BusinessLine.objects.visible_to(request.user)
    line = None
    if str(data.get("line", "")).isdigit():
        line = get_object_or_404(lines, pk=int(data["line"]))
    return period, line, lines


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The supervision report of a week or a month, for the lines the reader sees: a page to
    print, a PDF, a workbook."""
    period, line, lines = _report_args(request, request.GET)
    today = timezone.localdate()
    teams = reports.teams_for(request.user, line.pk if line else None)
    context = reports.report(teams, period, today)
    name = f"{period.title}-{period.start:%Y%m%d}"
    if request.GET.get("format") == "pdf":
        try:
            pdf = report_files.as_pdf(context)
        except report_files.PdfUnavailable as error:
            messages.error(request, str(error))
            query = request.GET.copy()
            query.pop("format")
            return redirect(f"{request.path}?{query.urlencode()}")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.pdf"
        return response
    if request.GET.get("format") == "xlsx":
        target = io.BytesIO()
        report_files.as_xlsx(context, target)
        response = HttpResponse(
            target.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.xlsx"
        return response
    query = {"kind": period.kind, "start": f"{period.start:%Y-%m-%d}"}
    if line:
        query["line"] = line.pk
    following = period.following()
    context |= {
        "line": line,
        "lines": lines,
        "kinds": [(k, v) for k, v in reports.KINDS.items()],
        "previous": period.previous(),
        "following": following if following.start <= today else None,
        "query": "?" + urlencode(query),
        "can_send": request.user.role in services.SCORERS,
    }
    return render(request, "cockpit/report.html", context)


@login_required
@require_POST
def report_send(request: HttpRequest) -> HttpResponse:
    """Tell the executives (and the lines' heads) that the report is ready, through the
    notification outbox: once per report and person however often it is sent."""
    period, line, _lines = _report_args(request, request.POST)
    if request.user.role not in services.SCORERS:
        raise PermissionDenied
    sent = services.report_announce(period=period, line=line, by=request.user)
    messages.success(request, _("已通知 %(n)d 位领导。") % {"n": sent})
    query = {"kind": period.kind, "start": f"{period.start:%Y-%m-%d}"}
    if line:
        query["line"] = line.pk
    return redirect(reverse("cockpit:report") + "?" + urlencode(query))
