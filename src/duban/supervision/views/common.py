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


def require_supervisor(user) -> None:
    if not is_supervisor(user):
        raise PermissionDenied
