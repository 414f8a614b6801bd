"""People risks (S-HR-1 … S-HR-7), found in the structure, the changes, trainings, talks and
notes for the loop."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_noop

from duban.core import calendar
from duban.core.labels import as_msgid
from duban.org.choices import EmployeeStatus, Post
from duban.org.models import Employee, Team
from duban.people import selectors
from duban.people.choices import ChangeKind, Sentiment
from duban.people.models import RelationNote, Settings, StaffChange, Talk, Training, TrainingPlan
from duban.supervision.choices import PENDING_PLAN_STATUSES, Area, RiskLevel
from duban.supervision.models import Plan
from duban.supervision.registry import Signal, SignalItem, detector, message, per_team

CHANGES_FOLLOWED = 60  # days a change's plans are watched for
MONTH_END_DAYS = 3  # the last working days of a month on which talks still due are shown
LEFT_AFTER_CONCERN = 30  # days: a leave so soon after a concern is an attrition signal


def _teams():
    return Team.objects.filter(is_active=True).select_related("line")


def _url(name: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse(f"people:{name}") + (f"?{query}" if query else "")


@detector("hr_short_of_plan", area=Area.PEOPLE, seed_ref="S-HR-1")
def short_of_plan(today: dt.date):
    """Fewer people on the books than the headcount plan, by more than the settings allow,
    on each of the last working days the settings name: the lead owes a staffing plan."""
    settings = Settings.current()
    teams = [team for team in _teams()]
    days = [today] + [
        calendar.subtract_workdays(today, n) for n in range(1, settings.short_for_days)
    ]
    short = {team.pk: True for team in teams}
    last = {}
    for day, rows in selectors.structure_on(teams, days).items():
        for row in rows:
            if row.gap is None or -row.gap <= settings.short_by:
                short[row.team.pk] = False
            elif day == today:
                last[row.team.pk] = row
    for team in teams:
        if not short[team.pk] or team.pk not in last:
            continue
        row = last[team.pk]
        gaps = [
            message(
                gettext_noop("%(post)s：编制 %(plan)d，实有 %(actual)d"),
                _post=as_msgid(label),
                plan=row.plan[post],
                actual=row.actual[post],
            )
            for post, label in Post.choices
            if row.plan[post] is not None and row.actual[post] < row.plan[post]
        ]
        yield Signal(
            key=f"hr-short:team:{team.pk}",
            level=RiskLevel.RED,
            title=message(
                gettext_noop("%(team)s 缺编 %(n)d 人已持续 %(days)d 个工作日"),
                team=team.name,
                n=-row.gap,
                days=len(days),
            ),
            evidence=gaps,
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=_url("structure", team=team.pk),
        )


@detector("hr_change_without_plan", area=Area.PEOPLE, seed_ref="S-HR-3")
def change_without_plan(today: dt.date):
    """A staff change whose staffing or training plan was not submitted by its date, or that
    no lead could be asked for (the team has none)."""
    changes = StaffChange.objects.filter(
        date__gte=today - dt.timedelta(days=CHANGES_FOLLOWED)
    ).select_related("employee", "team__line", "from_team__line")
    pending = {
        plan.matter_id: plan
        for plan in Plan.objects.filter(
            matter__isnull=False, status__in=PENDING_PLAN_STATUSES, submit_by__lt=today
        )
    }
    items = []
    for change in changes:
        for name, matter_id, wanted in (
            (gettext_noop("人员计划"), change.staffing_matter_id, True),
            (
                gettext_noop("培训方案"),
                change.training_matter_id,
                change.kind in ("join", "transfer"),
            ),
        ):
            if not wanted:
                continue
            plan = pending.get(matter_id) if matter_id else None
            if matter_id and plan is None:
                continue
            if plan is not None:
                label = message(
                    gettext_noop(
                        "%(who)s %(what)s（%(day)s）：%(plan)s 应于 %(due)s 提交，尚未提交"
                    ),
                    who=change.employee.name,
                    _what=as_msgid(ChangeKind(change.kind).label),
                    day=f"{change.date}",
                    _plan=name,
                    due=f"{plan.submit_by}",
                )
                url = plan.get_absolute_url()
            else:
                label = message(
                    gettext_noop("%(who)s %(what)s（%(day)s）：团队没有主管，%(plan)s 无人提交"),
                    who=change.employee.name,
                    _what=as_msgid(ChangeKind(change.kind).label),
                    day=f"{change.date}",
                    _plan=name,
                )
                url = change.get_absolute_url()
            # yellow: the plan's own escalation chases the lead; this shows it by team
            items.append((change.team, SignalItem(label, RiskLevel.YELLOW, change, url)))
    yield from per_team(
        items,
        key="hr-change-no-plan",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 项人员变动的方案没有按时提交"),
            team=team.name,
            n=len(found),
        ),
        url=lambda team: _url("change_list", team=team.pk),
    )


@detector("hr_pass_rate_low", area=Area.PEOPLE, seed_ref="S-HR-4")
def pass_rate_low(today: dt.date):
    """A training whose pass rate is under the bar and that no re-training answers yet: the
    lead must evaluate it and issue a re-training plan (二次培训), followed until it lands."""
    settings = Settings.current()
    for figures in selectors.low_pass_trainings(today, settings):
        training = figures.training
        yield Signal(
            key=f"hr-pass-low:training:{training.pk}",
            level=RiskLevel.RED,
            title=message(
                gettext_noop("%(team)s 的培训「%(topic)s」通过率 %(rate)d%%，低于 %(bar)d%%"),
                team=training.team.name,
                topic=training.topic,
                rate=figures.pass_rate,
                bar=settings.pass_rate_bar,
            ),
            evidence=[
                message(
                    gettext_noop("%(day)s，%(n)d 人参加，%(passed)d 人通过，平均分 %(avg)s"),
                    day=f"{training.held_on}",
                    n=figures.attendees,
                    passed=figures.passed,
                    avg=f"{figures.average}" if figures.average is not None else "—",
                ),
                message(gettext_noop("请评估培训效果，出具二次培训计划")),
            ],
            team_id=training.team_id,
            line_id=training.team.line_id,
            subject=training,
            subject_label=training.topic,
            subject_url=training.get_absolute_url(),
            lead_id=training.lead_id,
        )


@detector("hr_talks_missing", area=Area.PEOPLE, seed_ref="S-HR-5")
def talks_missing(today: dt.date):
    """Monthly talks not held: on the month's last working days those still due (yellow), and
    all through the next month those that never were (red)."""
    workdays = calendar.workdays_between(selectors.month_start(today), selectors.month_end(today))
    months = [(selectors.previous_month(today), RiskLevel.RED)]
    if workdays and today >= workdays[-MONTH_END_DAYS:][0]:
        months.append((selectors.month_start(today), RiskLevel.YELLOW))
    teams = list(_teams())
    for month, level in months:
        for row in selectors.talk_coverage(teams, month):
            if not row.missing:
                continue
            team = row.team
            yield Signal(
                key=f"hr-talks:{month:%Y-%m}:team:{team.pk}",
                level=level,
                title=message(
                    gettext_noop("%(team)s %(month)s 绩效谈话覆盖 %(pct)d%%，还差 %(n)d 人"),
                    team=team.name,
                    month=f"{month:%Y-%m}",
                    pct=row.percent or 0,
                    n=len(row.missing),
                ),
                evidence=[person.name for person in row.missing[:10]],
                team_id=team.pk,
                line_id=team.line_id,
                subject_label=team.name,
                subject_url=_url("talks", team=team.pk, month=f"{month:%Y-%m}"),
            )


@detector("hr_best_employee_late", area=Area.PEOPLE, seed_ref="S-HR-6")
def best_employee_late(today: dt.date):
    """Last month's best employee not chosen by the settings' day of this month: a sign that
    the lead is not really on the job."""
    settings = Settings.current()
    if today.day <= settings.best_employee_by:
        return
    month = selectors.previous_month(today)
    teams = [t for t in _teams() if t.employees.exclude(status=EmployeeStatus.LEFT).exists()]
    chosen = selectors.best_employee_of(teams, month)
    for team in teams:
        if team.pk in chosen:
            continue
        yield Signal(
            key=f"hr-best:{month:%Y-%m}:team:{team.pk}",
            level=RiskLevel.YELLOW,
            title=message(
                gettext_noop("%(team)s 还没有评选 %(month)s 的最佳员工（应在 %(day)d 日前）"),
                team=team.name,
                month=f"{month:%Y-%m}",
                day=settings.best_employee_by,
            ),
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=_url("talks", team=team.pk, month=f"{month:%Y-%m}"),
        )


@detector("hr_relations", area=Area.PEOPLE, seed_ref="S-HR-7")
def relations(today: dt.date):
    """How employees and their lead get on: several concerns within a month, no talk for two
    months, or someone who left soon after a concern (attrition): a reminder to the lead."""
    settings = Settings.current()
    month_ago = today - dt.timedelta(days=30)
    items = []
    current = Employee.objects.exclude(status=EmployeeStatus.LEFT).select_related("team__line")
    current = {person.pk: person for person in current}
    noted = selectors.concerns(list(current), month_ago, today)
    for pk, notes in noted.items():
        if len(notes) >= settings.concerns_a_month:
            person = current[pk]
            label = message(
                gettext_noop("%(name)s 近 30 天有 %(n)d 条隐患记录（最近：%(last)s）"),
                name=person.name,
                n=len(notes),
                last=notes[-1].note[:40],
            )
            items.append((person.team, _item(label, person)))
    two_months = selectors.previous_month(selectors.previous_month(today))
    talked = set(Talk.objects.filter(month__gte=two_months).values_list("employee", flat=True))
    for person in current.values():
        if person.pk in talked or person.post == Post.LEAD or person.hire_date >= two_months:
            continue
        if person.status == EmployeeStatus.ON_LEAVE:
            continue
        label = message(gettext_noop("%(name)s 已两个月没有绩效谈话"), name=person.name)
        items.append((person.team, _item(label, person, RiskLevel.YELLOW)))
    left = Employee.objects.filter(
        status=EmployeeStatus.LEFT, leave_date__gte=month_ago, leave_date__lte=today
    ).select_related("team__line")
    for person in left:
        before = RelationNote.objects.filter(
            employee=person,
            sentiment=Sentiment.CONCERN,
            noted_on__gte=person.leave_date - dt.timedelta(days=LEFT_AFTER_CONCERN),
            noted_on__lte=person.leave_date,
        ).first()
        if before is None:
            continue
        label = message(
            gettext_noop("%(name)s 在 %(noted)s 记录隐患后，于 %(left)s 离职"),
            name=person.name,
            noted=f"{before.noted_on}",
            left=f"{person.leave_date}",
        )
        items.append((person.team, _item(label, person)))
    yield from per_team(
        items,
        key="hr-relations",
        title=lambda team, found: message(
            gettext_noop("%(team)s 有 %(n)d 条员工关系提醒"), team=team.name, n=len(found)
        ),
        url=lambda team: _url("structure", team=team.pk),
    )


def _item(label, person, level=RiskLevel.YELLOW) -> SignalItem:
    return SignalItem(label, level, person, reverse("people:employee", args=[person.pk]))


@detector("hr_cost_over_budget", area=Area.PEOPLE, seed_ref="S-HR-3")
def cost_over_budget(today: dt.date):
    """This month's staff cost over the team's budget: a reminder to the lead (S-HR-3)."""
    settings = Settings.current()
    month = selectors.month_start(today)
    for row in selectors.staff_cost(_teams(), month, today=today, settings=settings):
        if row.over is None or row.over <= 0:
            continue
        team = row.team
        yield Signal(
            key=f"hr-cost:{month:%Y-%m}:team:{team.pk}",
            level=RiskLevel.YELLOW,
            title=message(
                gettext_noop("%(team)s %(month)s 人力成本 %(cost)s 元，超预算 %(over)s 元"),
                team=team.name,
                month=f"{month:%Y-%m}",
                cost=f"{row.cost:,.0f}",
                over=f"{row.over:,.0f}",
            ),
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=_url("structure", team=team.pk),
        )


@detector("hr_training_target_missed", area=Area.PEOPLE, seed_ref="S-PRJ-6")
def training_target_missed(today: dt.date):
    """A training plan whose period is over with fewer trainings held than planned (of its kind,
    when it names one): the lead must issue the next training plan (a red risk, so the engine
    asks for it), until a plan for a later period is set."""
    ended = TrainingPlan.objects.filter(
        ends_on__lt=today, ends_on__gte=today - dt.timedelta(days=60)
    ).select_related("team__line")
    for plan in ended:
        held = Training.objects.filter(
            team=plan.team, held_on__range=(plan.starts_on, plan.ends_on)
        )
        if plan.kind:
            held = held.filter(kind=plan.kind)
        if plan.project:  # a plan for one project counts that project's trainings
            held = held.filter(project=plan.project)
        count = held.count()
        if count >= plan.count:
            continue
        if TrainingPlan.objects.filter(team=plan.team, starts_on__gt=plan.ends_on).exists():
            continue  # the next plan is set
        team = plan.team
        yield Signal(
            key=f"hr-training-target:plan:{plan.pk}",
            level=RiskLevel.RED,
            title=message(
                gettext_noop(
                    "%(team)s 的培训计划（%(start)s 至 %(end)s）只完成 %(held)d / %(planned)d 次"
                ),
                team=team.name,
                start=f"{plan.starts_on}",
                end=f"{plan.ends_on}",
                held=count,
                planned=plan.count,
            ),
            evidence=[message(gettext_noop("请评估原因，出具下一阶段的培训计划"))],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=_url("training_list", team=team.pk),
        )
