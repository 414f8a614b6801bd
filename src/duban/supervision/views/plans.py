from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core.access import get_object_for_user
from duban.core.exporting import table_response
from duban.core.history import history_of
from duban.core.tables import paginate
from duban.core.transitions import TransitionError
from duban.org.choices import Role
from duban.supervision import services
from duban.supervision.choices import PlanStatus
from duban.supervision.filters import LIVE, PlanFilterSet
from duban.supervision.forms import (
    MilestoneDoneForm,
    MilestoneFormSet,
    PlanDemandForm,
    PlanSubmitForm,
    ReasonForm,
    ReviewForm,
    VerifyForm,
)
from duban.supervision.models import Matter, Milestone, Plan, Risk
from duban.supervision.scoping import is_supervisor
from duban.supervision.tables import PlanTable
from duban.supervision.views.common import require_supervisor, run_action, run_form_action


def _subject(request):
    """The risk or matter a plan is demanded for, from ?risk= or ?matter=."""
    for param, model in [("risk", Risk), ("matter", Matter)]:
        value = request.GET.get(param) or request.POST.get(param)
        if value and value.isdigit():
            return get_object_for_user(model, request.user, pk=int(value))
    raise Http404


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.MEMBER:
        raise PermissionDenied
    plans = Plan.objects.visible_to(request.user).select_related("team", "lead", "risk", "matter")
    data = request.GET.copy()
    if not data or list(data) == ["export"]:
        data["status"] = LIVE  # what is under way, unless asked otherwise
    filterset = PlanFilterSet(data, queryset=plans, user=request.user)
    if request.GET.get("export") == "xlsx":
        return table_response(PlanTable(filterset.qs), filename="方案.xlsx", sheet="方案")
    table = PlanTable(filterset.qs.order_by("submit_by", "pk"))
    paginate(request, table)
    context = {"filter": filterset, "table": table, "can_export": True}
    return render(request, "supervision/plan_list.html", context)


@login_required
def plan_demand(request: HttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    subject = _subject(request)
    form = PlanDemandForm(request.POST or None, subject=subject)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_demand(subject=subject, by=request.user, **form.cleaned_data)
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已要求 %(lead)s 提交方案。") % {"lead": plan.lead})
            return redirect(plan)
    return render(request, "supervision/plan_demand.html", {"form": form, "subject": subject})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_for_user(
        Plan.objects.select_related("team__line", "lead", "demanded_by", "risk", "matter"),
        request.user,
        pk=pk,
    )
    versions = list(plan.versions.select_related("submitted_by", "reviewed_by"))
    milestones = list(
        Milestone.objects.filter(version__plan=plan).select_related("owner", "done_by")
    )
    for version in versions:
        version.milestone_list = [m for m in milestones if m.version_id == version.pk]
    user = request.user
    reviewer = is_supervisor(user) and user.pk != plan.lead_id
    context = {
        "plan": plan,
        "versions": versions,
        "can_submit": plan.awaiting_submission and plan.team.leads.filter(pk=user.pk).exists(),
        "can_review": reviewer and plan.status == PlanStatus.SUBMITTED,
        "can_verify": reviewer and plan.status == PlanStatus.APPROVED,
        "can_mark_done": plan.status == PlanStatus.APPROVED
        and (is_supervisor(user) or plan.team.leads.filter(pk=user.pk).exists()),
        "review_form": ReviewForm(),
        "verify_form": VerifyForm(),
        "done_form": MilestoneDoneForm(),
        "cancel_form": ReasonForm(),
        "is_supervisor": is_supervisor(user),
        "history": history_of(plan),
    }
    return render(request, "supervision/plan_detail.html", context)


@login_required
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_for_user(Plan.objects.select_related("team"), request.user, pk=pk)
    if not plan.team.leads.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    latest = plan.versions.order_by("-number").first()
    initial = None
    if latest:
        initial = {f: getattr(latest, f) for f in ["cause", "measures", "forecast", "fallback"]}
    form = PlanSubmitForm(request.POST or None, initial=initial, plan=plan)
    formset = MilestoneFormSet(
        request.POST or None, form_kwargs={"team": plan.team}, initial=_milestones(latest)
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.plan_submit(
                plan=plan, by=request.user, milestones=formset.milestones(), **form.cleaned_data
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("方案已提交，等待督办审核。"))
            return redirect(plan)
    context = {"plan": plan, "form": form, "formset": formset, "latest": latest}
    return render(request, "supervision/plan_submit.html", context)


def _milestones(version):
    if version is None:
        return None
    return [
        {"title": m.title, "due_date": m.due_date, "owner": m.owner_id}
        for m in version.milestones.all()
    ]


@login_required
@require_POST
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_for_user(Plan, request.user, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择审核结果。"))
        return redirect(plan)
    success = _("方案已通过。") if form.cleaned_data["approve"] else _("方案已退回主管修改。")
    return run_action(
        request,
        plan,
        services.plan_review,
        success,
        plan=plan,
        by=request.user,
        **form.cleaned_data,
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_for_user(
        Milestone.objects.select_related("version__plan__team"), request.user, pk=pk
    )
    return run_form_action(
        request,
        milestone.version.plan,
        MilestoneDoneForm,
        services.milestone_done,
        _("节点已确认完成。"),
        _("请填写完成日期和完成依据。"),
        milestone=milestone,
        by=request.user,
    )


@login_required
@require_POST
def plan_verify(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_for_user(Plan, request.user, pk=pk)
    return run_form_action(
        request,
        plan,
        VerifyForm,
        services.plan_verify,
        _("已记录验证结论。"),
        _("请选择验证结论。"),
        plan=plan,
        by=request.user,
        today=timezone.localdate(),
    )


@login_required
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    require_supervisor(request.user)
    plan = get_object_for_user(Plan, request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("取消方案请写明原因。"))
        return redirect(plan)
    return run_action(
        request,
        plan,
        services.plan_cancel,
        _("已取消方案。"),
        plan=plan,
        by=request.user,
        note=form.cleaned_data["reason"],
        today=timezone.localdate(),
    )
