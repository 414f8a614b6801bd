"""Notifications: the admin's outbox (待发消息) and endpoints, and each person's choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core.tables import paginate
from duban.notify import channels, services
from duban.notify.filters import OutboxFilterSet
from duban.notify.forms import ChoicesForm, EndpointForm, ProfileForm
from duban.notify.models import Choice, Endpoint, OutboxMessage, Profile
from duban.notify.tables import OutboxTable
from duban.org.choices import Role


def _admins_only(user) -> None:
    if user.role != Role.ADMIN:
        raise PermissionDenied


@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    _admins_only(request.user)
    rows = OutboxMessage.objects.select_related("recipient").prefetch_related(
        "deliveries__endpoint__team", "deliveries__endpoint__user"
    )
    filterset = OutboxFilterSet(request.GET, queryset=rows)
    table = OutboxTable(filterset.qs)
    paginate(request, table)
    return render(request, "notify/outbox.html", {"filter": filterset, "table": table})


@login_required
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    _admins_only(request.user)
    message = get_object_or_404(OutboxMessage, pk=pk)
    services.resend(message=message)
    messages.success(request, _("已重新排队发送。"))
    return redirect("notify:outbox")


@login_required
def endpoints(request: HttpRequest) -> HttpResponse:
    """Everyone's endpoints and the teams' group robots; add one."""
    _admins_only(request.user)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已添加通知渠道。"))
        return redirect("notify:endpoints")
    rows = Endpoint.objects.select_related("team", "user")
    return render(request, "notify/endpoints.html", {"form": form, "rows": rows})


@login_required
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admins_only(request.user)
    endpoint = get_object_or_404(Endpoint, pk=pk)
    name = str(endpoint)  # as saved: a refused post leaves its values on the form's instance
    form = EndpointForm(request.POST or None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect("notify:endpoints")
    context = {"form": form, "endpoint": endpoint, "name": name}
    return render(request, "notify/endpoint_form.html", context)


@login_required
@require_POST
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _admins_only(request.user)
    get_object_or_404(Endpoint, pk=pk).delete()
    messages.success(request, _("已删除通知渠道。"))
    return redirect("notify:endpoints")


@login_required
@require_POST
def endpoint_try(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a test message now and show the provider's answer."""
    _admins_only(request.user)
    endpoint = get_object_or_404(Endpoint, pk=pk)
    result = services.endpoint_try(endpoint=endpoint, by=request.user)
    shown = channels.masked(endpoint.address)
    if result.ok:
        messages.success(request, _("%(to)s 发送成功。") % {"to": shown})
    else:
        messages.error(request, _("%(to)s 发送失败：%(why)s") % {"to": shown, "why": result.answer})
    return redirect("notify:endpoints")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的通知: how group robots @ me, my digest time, and which endpoints get which kinds."""
    profile, _created = Profile.objects.get_or_create(user=request.user)
    available = services.available_endpoints(request.user)
    chosen = set(Choice.objects.filter(user=request.user).values_list("endpoint", "kind"))
    profile_form = ProfileForm(request.POST or None, instance=profile, prefix="p")
    choices_form = ChoicesForm(request.POST or None, endpoints=available, chosen=chosen)
    if request.method == "POST" and profile_form.is_valid() and choices_form.is_valid():
        profile_form.save()
        services.choices_save(user=request.user, pairs=choices_form.pairs())
        messages.success(request, _("已保存通知设置。"))
        return redirect("notify:mine")
    context = {
        "profile_form": profile_form,
        "choices_form": choices_form,
        "recent": OutboxMessage.objects.filter(recipient=request.user)[:20],
    }
    return render(request, "notify/mine.html", context)
