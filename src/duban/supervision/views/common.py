from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect

from duban.core.access import get_object_for_user
from duban.core.transitions import TransitionError
from duban.supervision.registry import SUBJECT_KINDS
from duban.supervision.scoping import is_supervisor


def subject_from(request):
    """The object a new record is to be about, from ``?subject=app_label.model:pk`` (see
    registry.subject_ref), fetched within the user's scope; None when not given."""
    value = request.GET.get("subject") or request.POST.get("subject") or ""
    if not value:
        return None
    name, _, pk = value.partition(":")
    kind = SUBJECT_KINDS.get(name)
    if kind is None or not pk.isdigit():
        raise Http404
    return get_object_for_user(kind.model, request.user, pk=int(pk))


def run_action(request, target, action, success: str, **kwargs):
    """Run a service step for a POST; its refusal is shown to the user, not raised."""
    try:
        action(**kwargs)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(target)


def run_form_action(request, target, form_class, action, success: str, invalid: str, **kwargs):
    """A POST whose form feeds a service step: refused forms and steps come back as messages."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect(target)
    return run_action(request, target, action, success, **kwargs, **form.cleaned_data)


def require_supervisor(user) -> None:
    if not is_supervisor(user):
        raise PermissionDenied
