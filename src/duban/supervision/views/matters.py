from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core.access import get_object_for_user
from duban.core.exporting import table_response
from duban.core.history import history_of
from duban.core.services import StaleEditError
from duban.core.tables import paginate
from duban.org.choices import Role
from duban.supervision import services
from duban.supervision.commitments import matters_missed_today
from duban.supervision.filters import MatterFilterSet
from duban.supervision.forms import (
    ChaseForm,
    MatterForm,
    MatterRescheduleForm,
    ReasonForm,
    VerifyForm,
)
from duban.supervision.models import Matter, Risk
from duban.supervision.registry import kind_of
from duban.supervision.scoping import is_supervisor
from duban.supervision.tables import MatterTable
from duban.supervision.views.common import (
    require_supervisor,
    run_action,
    run_form_action,
    subject_from,
)


@login_required
def matter_list(request: HttpRequest) -> HttpResponse:
    matters = Matter.objects.visible_to(request.user).select_related("team", "owner")
    filterset = MatterFilterSet(request.GET, queryset=matters, user=request.user)
    if request.GET.get("export") == "xlsx":
        return table_response(MatterTable(filterset.qs), filename="督办事项.xlsx", sheet="督办事项")
    table = MatterTable(filterset.qs)
    paginate(request, table)
    context = {
        "filter": filterset,
        "table": table,
        "can_add": is_supervisor(request.user),
        "can_export": request.user.role != Role.MEMBER,  # members are given no matters
    }
    return render(request, "supervision/matter_list.html", context)


@login_required
def matter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_for_user(
        Matter.objects.select_related("team__line", "owner", "supervisor", "risk"),
        request.user,
        pk=pk,
    )
    user = request.user
    context = {
        "matter": matter,
        "chases": matter.chases.select_related("by"),
        "plans": matter.plans.select_related("lead"),
        "is_supervisor": is_supervisor(user),
        "is_owner": user.pk == matter.owner_id,
        "chase_form": ChaseForm(),
        "reschedule_form": MatterRescheduleForm(initial={"agreed_at": matter.agreed_at}),
        "missed": matter.is_open
        and matters_missed_today(
            Matter.objects.filter(pk=matter.pk), timezone.localdate()
        ).exists(),
        "verify_form": VerifyForm(),
        "cancel_form": ReasonForm(),
        "history": history_of(matter),
    }
    return render(request, "supervision/matter_detail.html", context)


@login_required
def matter_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_supervisor(request.user)
    matter = None if pk is None else get_object_for_user(Matter, request.user, pk=pk)
    risk = _promoted_risk(request) if matter is None else None
    subject = subject_from(request) if matter is None and risk is None else None
    initial = None
    if risk:
        initial = {"title": risk.title, "area": risk.area, "team": risk.team_id}
    elif subject is not None:
        kind = kind_of(subject)
        initial = {"title": str(subject)[:200], "team": kind.team_id(subject)}
        initial["owner"] = kind.lead_id(subject)
    form = MatterForm(request.POST or None, instance=matter, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        if matter is None:
            form.instance.supervisor = request.user
            form.instance.risk = risk
            if risk is not None:
                form.instance.subject_type_id = risk.subject_type_id
                form.instance.subject_id = risk.subject_id
            elif subject is not None:
                form.instance.set_subject(subject)
        try:
            matter = form.save()
        except StaleEditError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存督办事项。"))
            return redirect(matter)
    context = {"form": form, "matter": matter, "subject": subject}
    return render(request, "supervision/matter_form.html", context)


def _promoted_risk(request) -> Risk | None:
    """The risk a new matter is promoted from (?risk=ID), if any."""
    value = request.GET.get("risk", "")
    return get_object_for_user(Risk, request.user, pk=int(value)) if value.isdigit() else None


STEPS = {
    "start": (services.matter_start, _("已开始处理。")),
    "submit": (services.matter_submit, _("已提交验证，等待督办确认。")),
}


@login_required
@require_POST
def matter_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    matter = get_object_for_user(Matter, request.user, pk=pk)
    action, success = STEPS[step]
    return run_action(request, matter, action, success, matter=matter, by=request.user)


@login_required
@require_POST
def matter_verify(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_for_user(Matter, request.user, pk=pk)
    return run_form_action(
        request,
        matter,
        VerifyForm,
        services.matter_verify,
        _("已记录验证结论。"),
        _("请选择验证结论。"),
        matter=matter,
        by=request.user,
    )


@login_required
@require_POST
def matter_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_for_user(Matter, request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("取消事项请写明原因。"))
        return redirect(matter)
    return run_action(
        request,
        matter,
        services.matter_cancel,
        _("已取消事项。"),
        matter=matter,
        by=request.user,
        note=form.cleaned_data["reason"],
    )


@login_required
@require_POST
def matter_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_for_user(Matter, request.user, pk=pk)
    return run_form_action(
        request,
        matter,
        MatterRescheduleForm,
        services.matter_reschedule,
        _("已改约，原来的时间和原因记在修改记录里。"),
        _("请填写新的约定沟通时间和原因。"),
        matter=matter,
        by=request.user,
    )


@login_required
@require_POST
def matter_chase(request: HttpRequest, pk: int) -> HttpResponse:
    matter = get_object_for_user(Matter, request.user, pk=pk)
    return run_form_action(
        request,
        matter,
        ChaseForm,
        services.matter_chase,
        _("已记录催办。"),
        _("请填写催办内容。"),
        matter=matter,
        by=request.user,
    )
