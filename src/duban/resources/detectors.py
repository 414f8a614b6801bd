"""Resource risks (S-RES-1 … S-RES-7), found in the pool and its hand-overs for the loop.

The big table not updated this week is the engine's generic ``tables_stale`` (the table kind
is declared in ``supervised.py``).
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from duban.org.choices import EmployeeStatus
from duban.org.models import Employee, Team
from duban.resources.choices import OPEN_HANDOVER, Outcome
from duban.resources.models import Handover, Resource, Settings
from duban.resources.selectors import calling_teams, cover, handover_due_by, untouched_q
from duban.supervision.choices import Area, RiskLevel
from duban.supervision.registry import Signal, SignalItem, detector, message, per_team

MIN_SOURCE_ROWS = 50  # a source judged on fewer resources says nothing
FAR_BELOW = 0.5  # a source converting at under half the team's rate


def _list_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse('resources:resource_list')}?{query}"


@detector("res_handover_unreceived", area=Area.RESOURCES, seed_ref="S-RES-7")
def handover_unreceived(today: dt.date):
    """A planned hand-over not received by the end of the next working day: the receiver's
    team answers for it."""
    rows = Handover.objects.filter(status__in=OPEN_HANDOVER, planned_on__lt=today).select_related(
        "to_team", "from_employee", "to_employee"
    )
    items = []
    for handover in rows.order_by("planned_on", "pk"):
        if handover_due_by(handover) >= today:
            continue
        label = message(
            gettext_noop("%(giver)s → %(receiver)s %(n)d 条，计划 %(day)s，%(status)s"),
            giver=handover.from_employee.name,
            receiver=handover.to_employee.name,
            n=handover.count,
            day=f"{handover.planned_on}",
            status=handover.get_status_display(),
        )
        item = SignalItem(label, RiskLevel.RED, handover, handover.get_absolute_url())
        items.append((handover.to_team, item))
    yield from per_team(
        items,
        key="res-handover-unreceived",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 笔资源流转过了次日仍未确认接收"),
            team=team.name,
            n=len(found),
        ),
        url=lambda team: f"{reverse('resources:handover_board')}?team={team.pk}",
    )


@detector("res_cover_low", area=Area.RESOURCES, seed_ref="S-RES-7")
def cover_low(today: dt.date):
    """Days of cover below the minimum, now or at the end of the projection: a red risk, so
    the lead is asked for a supply plan (倒逼)."""
    settings = Settings.current()
    teams = calling_teams().select_related("line")
    for row in cover(teams, today=today, settings=settings):
        if not (row.low or row.low_soon):
            continue
        team = row.team
        if row.low:
            title = message(
                gettext_noop("%(team)s 手上资源只够打 %(days)s 个工作日（最少 %(min)d 天）"),
                team=team.name,
                days=f"{row.days}",
                min=settings.min_days_cover,
            )
        else:
            title = message(
                gettext_noop(
                    "%(team)s 的资源 %(n)d 个工作日后将只够打 %(days)s 天（最少 %(min)d 天）"
                ),
                team=team.name,
                n=settings.projection_days,
                days=f"{row.projected}",
                min=settings.min_days_cover,
            )
        yield Signal(
            key=f"res-cover-low:team:{team.pk}",
            level=RiskLevel.RED,
            title=title,
            evidence=[
                message(
                    gettext_noop(
                        "可打资源 %(stock)d 条，在岗 %(people)d 人，每天可打 %(capacity)d 条"
                    ),
                    stock=row.workable,
                    people=row.on_duty,
                    capacity=row.capacity,
                ),
                message(
                    gettext_noop("已计划流转：转入 %(incoming)d 条，转出 %(outgoing)d 条"),
                    incoming=row.incoming,
                    outgoing=row.outgoing,
                ),
            ],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=f"{reverse('resources:cover')}?team={team.pk}",
        )


@detector("res_held_by_leaver", area=Area.RESOURCES, seed_ref="S-RES-2")
def held_by_leaver(today: dt.date):
    """Resources still to call held by someone who has left: nobody calls them."""
    held = (
        Resource.objects.workable()
        .filter(owner__status=EmployeeStatus.LEFT)
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
    )
    counts = {row["owner"]: row["n"] for row in held}
    people = Employee.objects.filter(pk__in=counts).select_related("team__line")
    items = []
    for person in people.order_by("leave_date", "name"):
        label = message(
            gettext_noop("%(name)s 已于 %(day)s 离职，手上还有 %(n)d 条资源"),
            name=person.name,
            day=f"{person.leave_date}",
            n=counts[person.pk],
        )
        url = _list_url(team=person.team_id, owner=person.pk)
        items.append((person.team, SignalItem(label, RiskLevel.YELLOW, person, url)))
    yield from per_team(
        items,
        key="res-held-by-leaver",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 位离职员工手上还有资源，需要流转"),
            team=team.name,
            n=len(found),
        ),
        url=lambda team: _list_url(team=team.pk),
    )


@detector("res_untouched", area=Area.RESOURCES, seed_ref="S-RES-4")
def untouched(today: dt.date):
    """Resources received but not worked within the settings' working days: the work does not
    follow the resource."""
    settings = Settings.current()
    rows = (
        Resource.objects.filter(untouched_q(today, settings), owner__isnull=False)
        .order_by()
        .values("owner")
        .annotate(n=Count("pk"))
    )
    counts = {row["owner"]: row["n"] for row in rows}
    people = Employee.objects.filter(pk__in=counts).select_related("team__line")
    items = []
    for person in sorted(people, key=lambda p: (-counts[p.pk], p.name)):
        label = message(
            gettext_noop("%(name)s 有 %(n)d 条资源领取超过 %(days)d 个工作日未跟进"),
            name=person.name,
            n=counts[person.pk],
            days=settings.worked_within_days,
        )
        url = _list_url(team=person.team_id, owner=person.pk, untouched="true")
        items.append((person.team, SignalItem(label, RiskLevel.YELLOW, person, url)))
    yield from per_team(
        items,
        key="res-untouched",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 人领取的资源超过时限未跟进"),
            team=team.name,
            n=len(found),
        ),
        url=lambda team: _list_url(team=team.pk, untouched="true"),
    )


@detector("res_source_converts_low", area=Area.RESOURCES, seed_ref="S-RES-1")
def source_converts_low(today: dt.date):
    """A source whose resources convert at under half the team's rate: worth talking over
    with the lead (source and classification, S-RES-1)."""
    rows = (
        Resource.objects.filter(source__isnull=False)
        .order_by()
        .values("team", "source", "source__name")
        .annotate(n=Count("pk"), won=Count("pk", filter=Q(outcome=Outcome.WON)))
    )
    by_team = defaultdict(list)
    for row in rows:
        by_team[row["team"]].append(row)
    teams = Team.objects.in_bulk(list(by_team))
    items = []
    for team_id, sources in by_team.items():
        total = sum(row["n"] for row in sources)
        won = sum(row["won"] for row in sources)
        if not won:
            continue
        average = won / total
        for row in sources:
            rate = row["won"] / row["n"]
            if row["n"] < MIN_SOURCE_ROWS or rate >= average * FAR_BELOW:
                continue
            label = message(
                gettext_noop(
                    "来源「%(source)s」%(n)d 条成交 %(won)d 条（%(rate)s），团队平均 %(average)s"
                ),
                source=row["source__name"],
                n=row["n"],
                won=row["won"],
                rate=f"{rate:.1%}",
                average=f"{average:.1%}",
            )
            url = _list_url(team=team_id, source=row["source"])
            items.append((teams[team_id], SignalItem(label, RiskLevel.YELLOW, url=url)))
    yield from per_team(
        items,
        key="res-source-low",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 个资源来源成交率远低于团队平均"),
            team=team.name,
            n=len(found),
        ),
        url=lambda team: _list_url(team=team.pk),
    )
