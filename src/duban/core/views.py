from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from duban.core import calendar
from duban.org import selectors
from duban.org.choices import Role

# where each role starts its day: the supervisor's agenda, the executive's dashboard, the
# lead's to-do
START_PAGES = {
    Role.SUPERVISOR: "supervision:agenda",
    Role.EXECUTIVE: "cockpit:dashboard",
    Role.LEAD: "supervision:todo",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.role in START_PAGES:
        return redirect(START_PAGES[request.user.role])
    today = timezone.localdate()
    context = {
        "today": today,
        "today_is_workday": calendar.is_workday(today),
        "next_workday": calendar.next_workday(today),
        "teams": selectors.team_overview(request.user),
    }
    return render(request, "core/home.html", context)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What a login locked out by django-axes answers (settings.AXES_LOCKOUT_CALLABLE): a 429
    page in the user's language saying how long to wait and that an admin can unlock it."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)
