"""After-sales risks (S-AS-1 … S-AS-4), found in the cases and the monthly tables."""

import datetime as dt

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from duban.aftersales import selectors
from duban.aftersales.choices import OPEN_CASES, CaseStatus
from duban.aftersales.models import Case, MonthlyTable, Settings
from duban.core import calendar
from duban.org.models import Team
from duban.supervision.choices import Area, RiskLevel
from duban.supervision.registry import Signal, SignalItem, detector, message, per_team

SOON_HOURS = 2  # working hours before a deadline that it is about to be breached


def _list_url(**params) -> str:
    return reverse("aftersales:case_list") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


@detector("as_deadline", area=Area.AFTERSALES, seed_ref="S-AS-3")
def deadline(today: dt.date):
    """Cases past their response or resolution deadline (red), or within SOON_HOURS working
    hours of it (yellow)."""
    now = timezone.now()
    if today != timezone.localdate():  # a day other than today is judged at its end
        now = timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59)))
    items = []
    for case in Case.objects.filter(status__in=OPEN_CASES).select_related("team__line"):
        for name, due, done in (
            (gettext_noop("响应"), case.respond_by, case.responded_at),
            (gettext_noop("解决"), case.resolve_by, case.resolved_at),
        ):
            if done is not None:
                continue
            left = calendar.working_hours_between(now, due)
            if now <= due and left > SOON_HOURS:
                continue
            level = RiskLevel.RED if now > due else RiskLevel.YELLOW
            label = message(
                gettext_noop("%(number)s %(what)s期限 %(due)s%(state)s"),
                number=case.number,
                _what=name,
                due=timezone.localtime(due).strftime("%m-%d %H:%M"),
                _state=gettext_noop("，已超时")
                if level == RiskLevel.RED
                else gettext_noop("，即将超时"),
            )
            items.append((case.team, SignalItem(label, level, case, case.get_absolute_url())))
            break
    yield from per_team(
        items,
        key="as-deadline",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 个售后案例超时或即将超时"), team=team.name, n=len(found)
        ),
        url=lambda team: _list_url(team=team.pk, breach="true"),
    )


@detector("as_stale", area=Area.AFTERSALES, seed_ref="S-AS-2")
def stale(today: dt.date):
    """Open cases without a step for the settings' working days: the lead keeps them current."""
    days = Settings.current().stale_days
    since = calendar.subtract_workdays(today, days)
    rows = (
        Case.objects.filter(status__in=OPEN_CASES)
        .annotate(last=Max("steps__at"))
        .select_related("team__line")
    )
    items = []
    for case in rows:
        last = (
            timezone.localtime(case.last).date()
            if case.last
            else timezone.localtime(case.reported_at).date()
        )
        if last > since:
            continue
        label = message(
            gettext_noop("%(number)s 自 %(day)s 没有处理记录"), number=case.number, day=f"{last}"
        )
        items.append(
            (case.team, SignalItem(label, RiskLevel.YELLOW, case, case.get_absolute_url()))
        )
    yield from per_team(
        items,
        key="as-stale",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 个售后案例超过 %(days)d 个工作日没有进展"),
            team=team.name,
            n=len(found),
            days=days,
        ),
        url=lambda team: _list_url(team=team.pk),
    )


@detector("as_undecided", area=Area.AFTERSALES, seed_ref="S-AS-1")
def undecided(today: dt.date):
    """Resolved (or closed) cases whose responsibility is still undecided after the settings'
    working days."""
    days = Settings.current().decide_within_days
    before = calendar.subtract_workdays(today, days)
    rows = Case.objects.filter(
        status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED],
        responsibility="",
        resolved_at__isnull=False,
    ).select_related("team__line")
    items = []
    for case in rows:
        resolved = timezone.localtime(case.resolved_at).date()
        if resolved > before:
            continue
        label = message(
            gettext_noop("%(number)s 于 %(day)s 解决，尚未定责"),
            number=case.number,
            day=f"{resolved}",
        )
        items.append(
            (case.team, SignalItem(label, RiskLevel.YELLOW, case, case.get_absolute_url()))
        )
    yield from per_team(
        items,
        key="as-undecided",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 个售后案例解决后没有定责"), team=team.name, n=len(found)
        ),
        url=lambda team: _list_url(team=team.pk, responsibility="undecided"),
    )


@detector("as_table_unreturned", area=Area.AFTERSALES, seed_ref="S-AS-4")
def table_unreturned(today: dt.date):
    """A month's tracking table not returned by the 5th working day of the month after (the
    last three months are watched: an unreturned table stays a risk until it is returned)."""
    month = today.replace(day=1)
    for _back in range(3):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        following = (month + dt.timedelta(days=32)).replace(day=1)
        workdays = calendar.workdays_between(following, following + dt.timedelta(days=20))
        if len(workdays) < 5 or today <= workdays[4]:
            continue
        yield from _unreturned(month)


def _unreturned(month: dt.date):
    start, end = selectors.month_range(month)
    teams = Team.objects.filter(
        cases__reported_at__gte=start, cases__reported_at__lt=end
    ).distinct()
    returned = set(
        MonthlyTable.objects.filter(month=month, returned_at__isnull=False).values_list(
            "team", flat=True
        )
    )
    for team in teams.select_related("line"):
        if team.pk in returned:
            continue
        yield Signal(
            key=f"as-table:{month:%Y-%m}:team:{team.pk}",
            level=RiskLevel.YELLOW,
            title=message(
                gettext_noop("%(team)s 的 %(month)s 售后跟踪表没有在第 5 个工作日前返回"),
                team=team.name,
                month=f"{month:%Y-%m}",
            ),
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=reverse("aftersales:tables") + f"?month={month:%Y-%m}",
        )


@detector("as_repeat_partner", area=Area.AFTERSALES, seed_ref="S-AS-2")
def repeat_partner(today: dt.date):
    """A partner with REPEAT_CASES or more cases in REPEAT_DAYS days (selectors)."""
    since = selectors.days_ago(selectors.REPEAT_DAYS, today)
    repeats = selectors.repeat_partners(Case.objects.all(), since, selectors.REPEAT_CASES)
    for partner_id, name, n in repeats:
        last = (
            Case.objects.filter(partner=partner_id)
            .select_related("team__line")
            .order_by("-reported_at")
            .first()
        )
        yield Signal(
            key=f"as-repeat:partner:{partner_id}",
            level=RiskLevel.YELLOW,
            title=message(
                gettext_noop("%(partner)s 近 %(days)d 天有 %(n)d 个售后案例"),
                partner=name,
                days=selectors.REPEAT_DAYS,
                n=n,
            ),
            team_id=last.team_id,
            line_id=last.team.line_id,
            subject_label=name,
            subject_url=_list_url(partner=partner_id, days=selectors.REPEAT_DAYS),
        )
