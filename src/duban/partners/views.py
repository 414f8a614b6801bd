from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duban.core.access import get_object_for_user
from duban.core.history import history_of
from duban.core.transitions import TransitionError
from duban.org.choices import Role
from duban.partners import services
from duban.partners.forms import ConditionNoteForm
from duban.partners.models import Partner
from duban.partners.registry import SECTIONS

PAGE = 50


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.MEMBER:
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    partners = Partner.objects.visible_to(request.user)
    if query:
        partners = partners.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page = Paginator(partners.order_by("name"), PAGE).get_page(request.GET.get("page"))
    return render(request, "partners/partner_list.html", {"page": page, "q": query})


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_for_user(
        Partner.objects.select_related("condition_by", "condition_team"), request.user, pk=pk
    )
    user = request.user
    sections = [(s, s.context(partner, user, request)) for s in SECTIONS]
    context = {
        "partner": partner,
        "sections": sections,
        "notes": partner.notes.select_related("by", "team"),
        "note_form": ConditionNoteForm(
            initial={"date": timezone.localdate(), "condition": partner.condition}
        ),
        "can_note": user.role in services.NOTE_TAKERS,
        "can_change_condition": services.may_change_condition(user, partner),
        "history": history_of(partner),
    }
    return render(request, "partners/partner_detail.html", context)


@login_required
@require_POST
def condition_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_for_user(Partner, request.user, pk=pk)
    form = ConditionNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写日期、经营状况和情况说明。"))
        return redirect(partner)
    try:
        services.condition_note_add(partner=partner, by=request.user, **form.cleaned_data)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已记录经营状况。"))
    return redirect(partner)
