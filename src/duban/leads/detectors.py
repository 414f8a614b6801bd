"""Sales-lead risks (S-LEAD-3 … S-LEAD-8), found in the requests, tasks, leads, summaries and
partner cycles for the loop."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from duban.core import calendar
from duban.leads import selectors
from duban.leads.choices import RequestStatus
from duban.leads.models import LeadRequest, LeadTask, PartnerCycle, SalesLead, Settings
from duban.org.choices import TeamKind
from duban.org.models import Team
from duban.supervision.choices import Area, CheckInStatus, RiskLevel
from duban.supervision.models import CheckIn
from duban.supervision.registry import Signal, SignalItem, detector, message, per_team


def _agreed():
    return LeadRequest.objects.filter(status=RequestStatus.AGREED).select_related(
        "team__line", "back_team"
    )


@detector("leads_shortfall", area=Area.LEADS, seed_ref="S-LEAD-3")
def shortfall(today: dt.date):
    """At the rate delivered so far, an agreed request will miss its target by more than the
    margin: the front lead is asked for a plan (倒逼)."""
    margin = Settings.current().shortfall_margin
    for request in _agreed():
        found = selectors.projection(request, today)
        if found is None or found.days_done < 2 or not found.misses(margin):
            continue
        yield Signal(
            key=f"leads-shortfall:request:{request.pk}",
            level=RiskLevel.RED,
            title=message(
                gettext_noop(
                    "%(team)s 承接 %(back)s 的「%(kind)s」预计只能完成 %(projected)d / %(accepted)d"
                ),
                team=request.team.name,
                back=request.back_team.name,
                kind=request.kind,
                projected=found.projected,
                accepted=request.accepted,
            ),
            evidence=[
                message(
                    gettext_noop(
                        "已交付 %(done)d 条，按工作日进度应交付 %(due)d 条"
                        "（%(days)d / %(total)d 个工作日）"
                    ),
                    done=found.delivered,
                    due=found.due_so_far,
                    days=found.days_done,
                    total=found.days_total,
                ),
                message(gettext_noop("目标日期 %(day)s"), day=f"{request.target_on}"),
            ],
            team_id=request.team_id,
            line_id=request.team.line_id,
            subject=request,
            subject_label=str(request.kind),
            subject_url=request.get_absolute_url(),
        )


@detector("leads_milestone_missed", area=Area.LEADS, seed_ref="S-LEAD-8")
def milestone_missed(today: dt.date):
    """A milestone of an agreed request past its date and not done (or with fewer leads
    delivered than it named): the method is off plan."""
    for request in _agreed().prefetch_related("milestones"):
        late = []
        for milestone in request.milestones.all():
            if milestone.due_on >= today or milestone.done_on:
                continue
            delivered = SalesLead.objects.filter(
                request=request, delivered_on__lte=milestone.due_on
            ).count()
            if milestone.quantity and delivered >= milestone.quantity:
                continue
            if milestone.quantity:
                late.append(
                    message(
                        gettext_noop(
                            "节点「%(title)s」：%(day)s 前应累计交付 %(n)d 条，实际 %(done)d 条"
                        ),
                        title=milestone.title,
                        day=f"{milestone.due_on}",
                        n=milestone.quantity,
                        done=delivered,
                    )
                )
            else:
                late.append(
                    message(
                        gettext_noop("节点「%(title)s」应于 %(day)s 完成，尚未完成"),
                        title=milestone.title,
                        day=f"{milestone.due_on}",
                    )
                )
        if not late:
            continue
        yield Signal(
            key=f"leads-milestone:request:{request.pk}",
            level=RiskLevel.RED,
            title=message(
                gettext_noop("%(team)s 的销线需求「%(kind)s」有 %(n)d 个节点没有按时完成"),
                team=request.team.name,
                kind=request.kind,
                n=len(late),
            ),
            evidence=late,
            team_id=request.team_id,
            line_id=request.team.line_id,
            subject=request,
            subject_label=str(request.kind),
            subject_url=request.get_absolute_url(),
        )


def _working_teams(today: dt.date):
    """Front teams with lead work: an open request or an open lead."""
    busy = set(
        LeadRequest.objects.filter(
            status__in=[RequestStatus.RAISED, RequestStatus.AGREED]
        ).values_list("team", flat=True)
    ) | set(SalesLead.objects.open().values_list("team", flat=True))
    return Team.objects.filter(pk__in=busy, kind=TeamKind.FRONT, is_active=True).select_related(
        "line"
    )


@detector("leads_summary_missing", area=Area.LEADS, seed_ref="S-LEAD-5")
def summary_missing(today: dt.date):
    """The lead summary not updated on a working day by the settings' time (today once that
    time has passed, the previous working day at any time). A summary written again unchanged
    shows as such on the summary page."""
    if not calendar.is_workday(today):
        return
    settings = Settings.current()
    now = timezone.localtime()
    days = [calendar.previous_workday(today)]
    if now.date() > today or (now.date() == today and now.time() >= settings.summary_by):
        days.append(today)
    latest = selectors.latest_summaries(list(_working_teams(today)))
    for team in _working_teams(today):
        summary = latest.get(team.pk)
        missing = [day for day in days if summary is None or summary.date < day]
        if missing:
            yield Signal(
                key=f"leads-summary:team:{team.pk}",
                level=RiskLevel.YELLOW,
                title=message(
                    gettext_noop("%(team)s 的销线综述 %(day)s 没有更新"),
                    team=team.name,
                    day=f"{missing[-1]}",
                ),
                evidence=[
                    message(gettext_noop("最近一次：%(day)s"), day=f"{summary.date}")
                    if summary
                    else message(gettext_noop("还没有写过综述"))
                ],
                team_id=team.pk,
                line_id=team.line_id,
                subject_label=team.name,
                subject_url=reverse("leads:summary") + f"?team={team.pk}",
            )


@detector("leads_cycle_unfollowed", area=Area.LEADS, seed_ref="S-LEAD-6")
def cycle_unfollowed(today: dt.date):
    """A cooperating partner reports its plan within its lead days and no follow-up of it is
    done: the inside staff must follow it up before the cycle."""
    items = []
    for cycle in PartnerCycle.objects.filter(is_active=True).select_related(
        "partner", "team__line"
    ):
        horizon = calendar.add_workdays(today, cycle.lead_days)
        coming = cycle.reporting_days(today, horizon)
        if not coming:
            continue
        # a follow-up counts for this report only if done after the previous one
        before = cycle.reporting_days(
            coming[0] - dt.timedelta(days=100), coming[0] - dt.timedelta(days=1)
        )
        since = before[-1] + dt.timedelta(days=1) if before else coming[0] - dt.timedelta(days=100)
        followed = CheckIn.objects.filter(
            subject_type__model="partnercycle",
            subject_id=cycle.pk,
            status=CheckInStatus.DONE,
            date__gte=since,
        ).exists()
        if followed:
            continue
        label = message(
            gettext_noop("%(partner)s %(day)s 报计划，还没有跟进"),
            partner=cycle.partner.name,
            day=f"{coming[0]}",
        )
        items.append(
            (cycle.team, SignalItem(label, RiskLevel.YELLOW, cycle, reverse("leads:cycles")))
        )
    yield from per_team(
        items,
        key="leads-cycle",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 家合作单位临近报计划还没有跟进"),
            team=team.name,
            n=len(found),
        ),
        url=lambda team: reverse("leads:cycles"),
    )


@detector("leads_next_step_overdue", area=Area.LEADS, seed_ref="S-LEAD-7")
def next_step_overdue(today: dt.date):
    """A lead whose next step is past its date, or a day's task whose result was not collected
    by the next working day."""
    items = []
    for lead in (
        SalesLead.objects.open().filter(next_on__lt=today).select_related("team__line", "owner")
    ):
        label = message(
            gettext_noop("%(lead)s（%(owner)s）下一步「%(step)s」应在 %(day)s"),
            lead=str(lead),
            owner=lead.owner.name,
            step=lead.next_step or "—",
            day=f"{lead.next_on}",
        )
        items.append(
            (lead.team, SignalItem(label, RiskLevel.YELLOW, lead, lead.get_absolute_url()))
        )
    before = calendar.previous_workday(today)
    tasks = LeadTask.objects.filter(
        outcome="", date__lt=before, date__gte=today - dt.timedelta(days=30)
    )
    for task in tasks.select_related("team__line", "assignee"):
        label = message(
            gettext_noop("%(day)s %(who)s「%(work)s」结果未回收"),
            day=f"{task.date}",
            who=task.assignee.name,
            work=task.work,
        )
        url = reverse("leads:tasks") + f"?team={task.team_id}&day={task.date}"
        items.append((task.team, SignalItem(label, RiskLevel.YELLOW, url=url)))
    yield from per_team(
        items,
        key="leads-next-step",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 项销线工作的下一步或结果没有跟上"),
            team=team.name,
            n=len(found),
        ),
        url=lambda team: reverse("leads:lead_list") + f"?team={team.pk}",
    )


@detector("leads_probability_stale", area=Area.LEADS, seed_ref="S-LEAD-4")
def probability_stale(today: dt.date):
    """Open leads whose cooperation probability has not moved for the settings' days."""
    days = Settings.current().probability_stale_days
    stale = SalesLead.objects.open().filter(probability_on__lt=today - dt.timedelta(days=days))
    items = []
    for lead in stale.select_related("team__line", "owner"):
        label = message(
            gettext_noop("%(lead)s（%(owner)s）合作概率 %(p)d%% 自 %(day)s 未更新"),
            lead=str(lead),
            owner=lead.owner.name,
            p=lead.probability,
            day=f"{lead.probability_on}",
        )
        items.append(
            (lead.team, SignalItem(label, RiskLevel.YELLOW, lead, lead.get_absolute_url()))
        )
    yield from per_team(
        items,
        key="leads-stale",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 条销线的合作概率超过 %(days)d 天没有更新"),
            team=team.name,
            n=len(found),
            days=days,
        ),
        url=lambda team: reverse("leads:lead_list") + f"?team={team.pk}",
    )


WORKLOAD_OVER = 1.5  # needed a day against the recent pace


@detector("leads_workload", area=Area.LEADS, seed_ref="S-LEAD-8")
def workload(today: dt.date):
    """A front team must deliver far more a working day than it has lately (half again as many
    and at least two more) to meet its agreed requests: it cannot finish on time as it works."""
    teams = Team.objects.filter(kind=TeamKind.FRONT, is_active=True).select_related("line")
    for row in selectors.workloads(teams, today):
        if row.needed < row.pace * WORKLOAD_OVER or row.needed - row.pace < 2:
            continue
        team = row.team
        yield Signal(
            key=f"leads-workload:team:{team.pk}",
            level=RiskLevel.RED,
            title=message(
                gettext_noop("%(team)s 每个工作日需交付 %(needed)s 条销线，近期只有 %(pace)s 条"),
                team=team.name,
                needed=f"{row.needed:.1f}",
                pace=f"{row.pace:.1f}",
            ),
            evidence=[
                message(
                    gettext_noop(
                        "已承接的需求还差 %(n)d 条；近 %(days)d 个工作日平均每天交付 %(pace)s 条"
                    ),
                    n=row.remaining,
                    days=selectors.PACE_DAYS,
                    pace=f"{row.pace:.1f}",
                )
            ],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=reverse("leads:request_board"),
        )
