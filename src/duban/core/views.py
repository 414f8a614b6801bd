from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from duban.core import calendar
from duban.org import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "today": today,
        "today_is_workday": calendar.is_workday(today),
        "next_workday": calendar.next_workday(today),
        "teams": selectors.team_overview(request.user),
    }
    return render(request, "core/home.html", context)
