from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core.access import get_object_for_user
from duban.core.exporting import table_response
from duban.core.history import history_of
from duban.core.tables import paginate
from duban.org.choices import Role
from duban.supervision import services
from duban.supervision.filters import RiskFilterSet
from duban.supervision.forms import RiskForm
from duban.supervision.models import Risk
from duban.supervision.scoping import is_supervisor
from duban.supervision.tables import RiskTable
from duban.supervision.views.common import run_action

RISK_ITEMS_SHOWN = 500


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.MEMBER:
        raise PermissionDenied
    risks = Risk.objects.visible_to(request.user).select_related("team")
    filterset = RiskFilterSet(request.GET, queryset=risks, user=request.user)
    if request.GET.get("export") == "xlsx":
        return table_response(RiskTable(filterset.qs), filename="风险.xlsx", sheet="风险")
    table = RiskTable(filterset.qs)
    paginate(request, table)
    can_raise = request.user.role in {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}
    context = {"filter": filterset, "table": table, "can_raise": can_raise, "can_export": True}
    return render(request, "supervision/risk_list.html", context)


@login_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_for_user(
        Risk.objects.select_related("team__line", "raised_by", "lead"), request.user, pk=pk
    )
    context = {
        "risk": risk,
        "lead": services.responsible_lead(risk),
        "items": risk.items.all()[:RISK_ITEMS_SHOWN],
        "item_count": risk.items.count(),
        "plans": risk.plans.select_related("lead"),
        "is_supervisor": is_supervisor(request.user),
        "history": history_of(risk),
    }
    return render(request, "supervision/risk_detail.html", context)


@login_required
def risk_create(request: HttpRequest) -> HttpResponse:
    if request.user.role not in {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}:
        raise PermissionDenied
    form = RiskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        risk = services.risk_raise(by=request.user, today=timezone.localdate(), **form.cleaned_data)
        messages.success(request, _("已登记风险。"))
        return redirect(risk)
    return render(request, "supervision/risk_form.html", {"form": form})


@login_required
@require_POST
def risk_close(request: HttpRequest, pk: int) -> HttpResponse:
    risk = get_object_for_user(Risk, request.user, pk=pk)
    return run_action(
        request,
        risk,
        services.risk_close,
        _("已关闭风险。"),
        risk=risk,
        by=request.user,
        today=timezone.localdate(),
    )
