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
from duban.core.services import StaleEditError
from duban.core.tables import paginate
from duban.org.choices import Role
from duban.supervision import services
from duban.supervision.commitments import mark_missed
from duban.supervision.filters import DUE, CheckInFilterSet
from duban.supervision.forms import (
    CheckInRecordForm,
    CheckInScheduleForm,
    ReasonForm,
    RescheduleForm,
    RuleForm,
)
from duban.supervision.models import CheckIn, FollowUpRule
from duban.supervision.registry import SUBJECT_KINDS, kind_of
from duban.supervision.tables import CheckInTable, RuleTable
from duban.supervision.tick import rule_rematerialize
from duban.supervision.views.common import (
    require_supervisor,
    run_action,
    run_form_action,
    subject_from,
)


def _no_members(user) -> None:
    if user.role == Role.MEMBER:
        raise PermissionDenied


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    _no_members(request.user)
    rules = FollowUpRule.objects.visible_to(request.user).select_related("team", "line", "owner")
    table = RuleTable(rules)
    paginate(request, table)
    can_add = request.user.role in {Role.ADMIN, Role.SUPERVISOR}
    return render(request, "supervision/rule_list.html", {"table": table, "can_add": can_add})


@login_required
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_for_user(
        FollowUpRule.objects.select_related("team", "line", "owner"), request.user, pk=pk
    )
    today = timezone.localdate()
    upcoming = (
        CheckIn.objects.visible_to(request.user)
        .filter(rule=rule, date__gte=today)
        .select_related("team", "lead")[:30]
    )
    context = {
        "rule": rule,
        "subject_kind": SUBJECT_KINDS.get(rule.subject_kind),
        "upcoming": upcoming,
        "can_edit": rule.can_be_edited_by(request.user),
        "history": history_of(rule),
    }
    return render(request, "supervision/rule_detail.html", context)


@login_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_supervisor(request.user)
    rule = (
        None if pk is None else get_object_for_user(FollowUpRule, request.user, write=True, pk=pk)
    )
    form = RuleForm(request.POST or None, instance=rule, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rule = form.save()
        except StaleEditError as exc:
            form.add_error(None, str(exc))
        else:
            created = rule_rematerialize(rule=rule, today=timezone.localdate())
            messages.success(request, _("已保存，已按新规则生成 %(n)d 次跟进。") % {"n": created})
            return redirect(rule)
    return render(request, "supervision/rule_form.html", {"form": form, "rule": rule})


@login_required
def checkin_list(request: HttpRequest) -> HttpResponse:
    _no_members(request.user)
    checkins = CheckIn.objects.visible_to(request.user).select_related("team", "lead")
    data = request.GET.copy()
    if not data or list(data) == ["export"]:
        data["status"] = DUE  # today's and what is overdue, not the oldest page
    filterset = CheckInFilterSet(
        data, queryset=checkins, user=request.user, today=timezone.localdate()
    )
    if request.GET.get("export") == "xlsx":
        return table_response(
            CheckInTable(filterset.qs), filename="督办跟进.xlsx", sheet="督办跟进"
        )
    table = CheckInTable(filterset.qs)
    paginate(request, table)
    can_add = request.user.role in {Role.ADMIN, Role.SUPERVISOR}
    context = {"filter": filterset, "table": table, "can_add": can_add, "can_export": True}
    return render(request, "supervision/checkin_list.html", context)


@login_required
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_for_user(
        CheckIn.objects.select_related("team__line", "lead", "owner", "rule", "done_by"),
        request.user,
        pk=pk,
    )
    can_record = checkin.can_be_edited_by(request.user) and checkin.status == "planned"
    mark_missed([checkin])
    context = {
        "checkin": checkin,
        "reschedule_form": RescheduleForm(
            initial={"date": checkin.date, "agreed_time": checkin.agreed_time}
        )
        if can_record
        else None,
        "record_form": CheckInRecordForm(initial={"channel": checkin.channel})
        if can_record
        else None,
        "waive_form": ReasonForm() if can_record else None,
        "today": timezone.localdate(),
        "history": history_of(checkin),
    }
    return render(request, "supervision/checkin_detail.html", context)


@login_required
@require_POST
def checkin_record(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_for_user(CheckIn, request.user, write=True, pk=pk)
    form = CheckInRecordForm(request.POST)
    if not form.is_valid():
        context = {"checkin": checkin, "record_form": form, "waive_form": ReasonForm()}
        context["history"] = history_of(checkin)
        return render(request, "supervision/checkin_detail.html", context, status=400)
    return run_action(
        request,
        checkin,
        services.checkin_record,
        _("已记录跟进结果。"),
        checkin=checkin,
        by=request.user,
        **form.cleaned_data,
    )


@login_required
@require_POST
def checkin_waive(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_for_user(CheckIn, request.user, write=True, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return run_action(
        request,
        checkin,
        services.checkin_waive,
        _("已免除这次跟进。"),
        checkin=checkin,
        by=request.user,
        reason=reason,
    )


@login_required
@require_POST
def checkin_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_for_user(CheckIn, request.user, write=True, pk=pk)
    return run_form_action(
        request,
        checkin,
        RescheduleForm,
        services.checkin_reschedule,
        _("已改约，原来的时间和原因记在修改记录里。"),
        _("请填写改到哪天、几点和原因（不能改到今天以前）。"),
        checkin=checkin,
        by=request.user,
    )


@login_required
def checkin_create(request: HttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    subject = subject_from(request)
    initial = None
    if subject is not None:
        kind = kind_of(subject)
        initial = {"team": kind.team_id(subject), "lead": kind.lead_id(subject)}
        initial["title"] = str(subject)[:100]
    form = CheckInScheduleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        checkin = form.save(commit=False)
        checkin.owner = request.user
        checkin.set_subject(subject)
        checkin.save()
        messages.success(request, _("已安排跟进。"))
        return redirect(checkin)
    return render(request, "supervision/checkin_form.html", {"form": form})
