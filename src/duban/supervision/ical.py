"""The .ics feed of a person's check-ins: one event per check-in with a stable UID.

One event per materialised date, not an RRULE: a recurrence rule cannot say "moved to the
next working day" or "make-up Saturday".
"""

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from duban.supervision.choices import CheckInStatus
from duban.supervision.selectors import calendar_checkins

PAST_DAYS, FUTURE_DAYS = 14, 60
MEETING = dt.timedelta(minutes=30)


def checkin_calendar(user, *, base_url: str, today: dt.date) -> bytes:
    """The person's check-ins (those they own or attend) from PAST_DAYS ago to FUTURE_DAYS
    ahead; each links to its page under ``base_url`` (scheme and host, no trailing slash)."""
    host = urlsplit(base_url).netloc
    tz = ZoneInfo(settings.TIME_ZONE)
    cal = Calendar()
    cal.add("prodid", "-//Duban//督办//CN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"督办跟进 · {user.display_name}")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    start, end = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
    for checkin in calendar_checkins(user, start, end).order_by("date", "agreed_time", "pk"):
        event = Event()
        event.add("uid", f"checkin-{checkin.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("sequence", checkin.version)
        event.add("summary", f"{checkin.team.name} · {checkin.title}")
        if checkin.agreed_time:
            begins = dt.datetime.combine(checkin.date, checkin.agreed_time, tzinfo=tz)
            event.add("dtstart", begins)
            event.add("dtend", begins + MEETING)
        else:
            event.add("dtstart", checkin.date)
        lead = checkin.lead.display_name if checkin.lead else "—"
        event.add("description", f"主管：{lead}\n沟通方式：{checkin.get_channel_display()}")
        event.add("status", "CANCELLED" if checkin.status == CheckInStatus.WAIVED else "CONFIRMED")
        event.add("url", f"{base_url}{checkin.get_absolute_url()}")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
