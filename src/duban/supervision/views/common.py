from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from duban.core.transitions import TransitionError
from duban.supervision.scoping import is_supervisor


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
