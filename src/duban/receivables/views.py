import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from duban.core.access import get_object_for_user
from duban.core.exporting import xlsx_response
from duban.core.history import history_of
from duban.core.services import StaleEditError
from duban.core.tables import paginate
from duban.core.transitions import TransitionError
from duban.org.choices import Role
from duban.org.models import Team
from duban.receivables import selectors, services
from duban.receivables.choices import Bucket, ReceivableStatus
from duban.receivables.filters import ReceivableFilterSet
from duban.receivables.forms import (
    ActionForm,
    PaymentForm,
    PlanLineForm,
    ReceivableForm,
)
from duban.receivables.models import EDITORS, Receivable, Settings
from duban.receivables.supervised import AR_TABLE
from duban.receivables.tables import EXPORT_COLUMNS, ReceivableTable
from duban.supervision.models import TableVersion
from duban.supervision.services import previous_versions


def _no_members(user) -> None:
    if user.role == Role.MEMBER:
        raise PermissionDenied


@login_required
def receivable_list(request: HttpRequest) -> HttpResponse:
    _no_members(request.user)
    data = request.GET.copy()
    if not data or list(data) == ["export"]:
        data["status"] = ReceivableStatus.OPEN  # what is still owed, unless asked otherwise
    filterset = ReceivableFilterSet(
        data,
        queryset=selectors.receivables_for(request.user),
        user=request.user,
        today=_as_of(request),
        settings=Settings.current(),
    )
    if request.GET.get("export") == "xlsx":
        rows = filterset.qs.order_by("due_date", "number")  # read as values, not instances
        name = f"应收账款-{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(rows, EXPORT_COLUMNS, filename=name, sheet="应收账款")
    table = ReceivableTable(filterset.qs)
    paginate(request, table)
    chosen = filterset.form.cleaned_data.get("bucket") or []
    context = {
        "filter": filterset,
        "table": table,
        "buckets_chosen": [label for value, label in Bucket.choices if value in chosen],
        "can_export": True,
        "can_import": request.user.role in EDITORS,
    }
    return render(request, "receivables/receivable_list.html", context)


@login_required
def receivable_detail(request: HttpRequest, pk: int) -> HttpResponse:
    receivable = get_object_for_user(selectors.receivables_for(request.user), request.user, pk=pk)
    today = timezone.localdate()
    context = {
        "receivable": receivable,
        "payments": receivable.payments.select_related("by"),
        "plan_lines": receivable.plan_lines.select_related("by"),
        "actions": receivable.actions.select_related("by"),
        "can_edit": receivable.can_be_edited_by(request.user),
        "payment_form": PaymentForm(initial={"date": today}),
        "plan_form": PlanLineForm(initial={"planned_date": today}),
        "action_form": ActionForm(initial={"date": today}),
        "history": history_of(receivable),
    }
    return render(request, "receivables/receivable_detail.html", context)


@login_required
def receivable_edit(request: HttpRequest, pk: int) -> HttpResponse:
    receivable = get_object_for_user(Receivable, request.user, write=True, pk=pk)
    form = ReceivableForm(request.POST or None, instance=receivable, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect(receivable)
    return render(
        request, "receivables/receivable_form.html", {"form": form, "receivable": receivable}
    )


ADDERS = {
    "payment": (PaymentForm, services.payment_add, _("已记录回款。")),
    "plan": (PlanLineForm, services.plan_line_add, _("已加入回款计划。")),
    "action": (ActionForm, services.action_add, _("已记录催款。")),
}


@login_required
@require_POST
def receivable_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add a payment, a collection-plan line or a dunning action to a receivable."""
    receivable = get_object_for_user(Receivable, request.user, write=True, pk=pk)
    form_class, action, success = ADDERS[kind]
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(receivable)
    try:
        action(receivable=receivable, by=request.user, **form.cleaned_data)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(receivable)


GROUP_CHOICES = [  # lazy: read in each reader's language
    ("team", gettext_lazy("团队")),
    ("lead", gettext_lazy("主管")),
    ("customer", gettext_lazy("客户")),
]
CHART_ROWS = 20


@login_required
def aging(request: HttpRequest) -> HttpResponse:
    _no_members(request.user)
    by = request.GET.get("by", "team")
    if by not in dict(GROUP_CHOICES):
        by = "team"
    as_of, today = _as_of(request), timezone.localdate()
    versions = previous_versions(
        AR_TABLE.name, Team.objects.visible_to(request.user).values_list("pk", flat=True)
    ).values()
    latest = max((v.as_of for v in versions), default=None)
    report = selectors.aging_report(request.user, today=as_of, by=by)
    context = {
        **report,
        "by": by,
        "as_of": as_of,
        "as_of_param": _as_of_param(as_of, today),
        "as_of_choices": [(today, _("今天"))]
        + ([(latest, _("账表截至日"))] if latest and latest != today else []),
        "tables": _tables_total(versions),
        "buckets": Bucket.choices,
        "group_choices": GROUP_CHOICES,
        "chart": _aging_chart(report["rows"][:CHART_ROWS], by, _as_of_param(as_of, today)),
    }
    return render(request, "receivables/aging.html", context)


def _tables_total(versions) -> dict | None:
    """What the teams' latest AR tables said they were owed, to set beside today's figure."""
    if not versions:
        return None
    total = sum((Decimal(v.summary.get("total_outstanding", "0")) for v in versions), Decimal(0))
    days = sorted({v.as_of for v in versions})
    return {"total": total, "first": days[0], "last": days[-1], "teams": len(versions)}


def _as_of(request) -> dt.date:
    """The day aging is counted on: ?as_of=YYYY-MM-DD (say, the AR table's 截至 date), else
    today; a date that is not one, or out of range, is today."""
    try:
        day = dt.date.fromisoformat(request.GET.get("as_of", "")[:10])
    except ValueError:
        return timezone.localdate()
    return day if dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31) else timezone.localdate()


def _as_of_param(as_of: dt.date, today: dt.date) -> str:
    return "" if as_of == today else f"&as_of={as_of:%Y-%m-%d}"


def _aging_chart(rows, by, as_of_param="") -> dict:
    """A stacked bar per group (万元); each bar links to the receivables behind it."""
    base = reverse("receivables:receivable_list")
    return {
        "unit": str(_("万元")),
        "stack": True,
        "categories": [row["name"] for row in rows],
        "series": [
            {"name": str(label), "data": [float(row[value] / 10000) for row in rows]}
            for value, label in Bucket.choices
        ],
        "links": [
            [f"{base}?bucket={value}&{by}={row['key'] or 'null'}{as_of_param}" for row in rows]
            for value, _label in Bucket.choices
        ],
    }


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    _no_members(request.user)
    versions = (
        TableVersion.objects.visible_to(request.user)
        .filter(kind=AR_TABLE.name)
        .select_related("team", "batch__uploaded_by")
    )
    return render(request, "receivables/version_list.html", {"versions": versions[:100]})


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _no_members(request.user)
    version = get_object_for_user(
        TableVersion.objects.filter(kind=AR_TABLE.name).select_related(
            "team", "previous", "batch__uploaded_by"
        ),
        request.user,
        pk=pk,
    )
    return render(request, "receivables/version_detail.html", {"version": version})
