from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from duban.core import pagecache
from duban.org.choices import Role
from duban.org.models import BusinessLine
from duban.supervision import selectors
from duban.supervision.apps import SUPERVISING
from duban.supervision.caching import AGENDA
from duban.supervision.ical import checkin_calendar
from duban.supervision.models import CalendarFeed


@login_required
def agenda(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.LEAD:
        return redirect("supervision:todo")
    if request.user.role not in SUPERVISING:
        raise PermissionDenied
    today = timezone.localdate()
    lines = list(BusinessLine.objects.visible_to(request.user).order_by("name"))
    wanted = request.GET.get("line", "")
    line = next((item for item in lines if str(item.pk) == wanted), None)

    def compute() -> str:
        context = {
            "today": today,
            "lines": lines if len(lines) > 1 else [],
            "line": line,
            **selectors.agenda(request.user, today, line=line),
        }
        return render_to_string("supervision/_agenda.html", context, request)

    # the reader's own agenda, kept for a minute unless something behind it changes
    parts = (request.user.pk, line.pk if line else "", today, get_language())
    body = mark_safe(pagecache.kept(AGENDA, parts, compute))  # noqa: S308 - our own template
    return render(request, "supervision/agenda.html", {"body": body})


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {"today": today, **selectors.todo(request.user, today)}
    return render(request, "supervision/todo.html", context)


@login_required
def risk_board(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.MEMBER:
        raise PermissionDenied
    return render(request, "supervision/risk_board.html", selectors.risk_board(request.user))


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    feed, _ = CalendarFeed.objects.get_or_create(user=request.user)
    today = timezone.localdate()
    days = selectors.upcoming_checkins(request.user, today)
    context = {
        "feed_url": request.build_absolute_uri(feed.get_absolute_url()),
        "days": days,
        "truncated": sum(len(rows) for _, rows in days) >= selectors.CALENDAR_ROWS,
        "today": today,
    }
    return render(request, "supervision/calendar.html", context)


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    CalendarFeed.objects.filter(user=request.user).delete()
    CalendarFeed.objects.create(user=request.user)
    return redirect("supervision:calendar")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics feed: its secret token stands in for a login (calendar apps cannot log in)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    base_url = settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
    body = checkin_calendar(feed.user, base_url=base_url, today=timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = "inline; filename=duban.ics"
    response["Cache-Control"] = "private, max-age=300"
    return response
