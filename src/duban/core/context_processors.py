import datetime as dt

from django.conf import settings
from django.utils import timezone

from duban.core.calendar import estimated_years
from duban.core.navigation import nav_for


def shell(request) -> dict:
    """What the page shell needs: the navigation and the calendar banner."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=settings.CALENDAR_HORIZON_DAYS)
    return {
        "nav_items": nav_for(user, request.path),
        "calendar_estimated_years": estimated_years(today, horizon),
    }
