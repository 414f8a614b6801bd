"""The demo company's people: headcount plans (电销二组 short by two for weeks), a month of
staff changes (a leave in 电销一组 after a concern, joins in 电销二组 and 电销三组, a transfer
from 电销四组 to 电销二组) with the plans they demanded, some submitted; trainings of the
month, one failed (电销三组) with its re-training and one failed (电销五组) still unanswered;
last month's talks, 林芳 (电销四组) behind; best employees, one team late; relation notes;
this month's budgets, 电销一组 over."""

import datetime as dt
from decimal import Decimal

from duban.core import calendar
from duban.core.demo import DemoCompany
from duban.org.choices import EmployeeStatus, Post, TeamKind
from duban.people import selectors, services
from duban.people.choices import ChangeKind, EmployeeState, NoteKind, Sentiment, TrainingKind
from duban.people.models import HeadcountPlan, StaffBudget, TrainingPlan
from duban.supervision.models import Plan

SHORT_TEAM = "电销二组"  # its headcount plan is two juniors above what it has had for weeks
BEHIND_TEAM = "电销四组"  # its lead did not talk to everyone last month
LATE_TEAM = "电销五组"  # last month's best employee not chosen
OVER_BUDGET_TEAM = "电销一组"
TOPICS = {
    TrainingKind.PRODUCT: ["新产品卖点与报价", "竞品对比话术", "套餐升级政策"],
    TrainingKind.PROJECT: ["项目调研方法", "客户需求挖掘与推进"],
    TrainingKind.ONBOARDING: ["新人入职：系统与流程"],
}
STATES = [EmployeeState.GOOD] * 5 + [EmployeeState.NORMAL] * 3 + [EmployeeState.CONCERN]


def build(company: DemoCompany) -> None:
    teams = company.parts["teams"]
    today = company.today
    _plans(company, teams, today)
    _changes(company, teams, today)
    _trainings(company, teams, today)
    _talks(company, teams, today)
    _notes(company, teams, today)
    _budgets(teams, today)


def _lead(team):
    return team.leads.order_by("pk").first()


def _current(team):
    return list(team.employees.exclude(status=EmployeeStatus.LEFT).order_by("pk"))


def _plans(company, teams, today) -> None:
    """Each team's headcount as it stands, set from the start of the year; 电销二组's was
    raised by three juniors two months ago, and only one has come since."""
    start = today.replace(month=1, day=1)
    rows = []
    for team in teams.values():
        counts = selectors.headcount([team.pk], today)[team.pk]  # the structure as it is
        for post, n in counts.items():
            if n or post == Post.LEAD:
                rows.append(
                    HeadcountPlan(
                        team=team,
                        post=post,
                        count=max(n, 1 if post == Post.LEAD else 0),
                        effective_from=start,
                        set_by=company.parts["supervisor"],
                    )
                )
    short = teams[SHORT_TEAM]
    junior = selectors.headcount([short.pk], today)[short.pk][Post.JUNIOR]
    rows.append(
        HeadcountPlan(
            team=short,
            post=Post.JUNIOR,
            count=junior + 3,
            effective_from=today - dt.timedelta(days=60),
            note="业务扩张，增加电销人员",
            set_by=company.parts["supervisor"],
        )
    )
    HeadcountPlan.objects.bulk_create(rows)
    services.structure_review_record(
        by=company.parts["supervisor"],
        team=short,
        held_on=today - dt.timedelta(days=61),
        proposal="华东新项目上线，线索量预计增加 40%，拟增加 3 名电话销售。",
        decision="expand",
        decision_note="同意扩编 3 人，一个月内到岗。",
    )


def _changes(company, teams, today) -> None:
    """A month of changes, each demanding its plans on its day; the older ones' plans were
    submitted, the latest are still due."""
    rng = company.rng
    one = teams["电销一组"]
    leaver = next(
        p
        for p in _current(one)
        if p.user_id is None
        and p.post == Post.JUNIOR
        and p.status == EmployeeStatus.ACTIVE
        and p.name != "横洲"
    )
    day = calendar.subtract_workdays(today, 12)
    services.note_record(
        by=_lead(one),
        employee=leaver,
        noted_on=day - dt.timedelta(days=9),
        kind=NoteKind.CONFLICT,
        sentiment=Sentiment.CONCERN,
        note="对提成方案不满，情绪低落，多次迟到。",
    )
    changes = [
        services.change_record(
            by=_lead(one),
            today=day,
            kind=ChangeKind.LEAVE,
            employee=leaver,
            date=day,
            reason="pay",
            note="找到薪酬更高的工作",
        ),
    ]
    for team_name, name, back in (("电销二组", "宋晓雯", 9), ("电销三组", "邓浩然", 4)):
        team = teams[team_name]
        day = calendar.subtract_workdays(today, back)
        changes.append(
            services.change_record(
                by=_lead(team),
                today=day,
                kind=ChangeKind.JOIN,
                name=name,
                team=team,
                post=Post.TRAINEE,
                position="电话销售（试用）",
                date=day,
            )
        )
    four, two = teams["电销四组"], teams["电销二组"]
    moving = next(
        p
        for p in _current(four)
        if p.user_id is None and p.post == Post.JUNIOR and p.status == EmployeeStatus.ACTIVE
    )
    day = calendar.subtract_workdays(today, 7)
    changes.append(
        services.change_record(
            by=company.parts["admin"],  # between two lines: no one supervisor follows both
            today=day,
            kind=ChangeKind.TRANSFER,
            employee=moving,
            team=two,
            date=day,
            note="电销二组缺编，从电销四组调入",
        )
    )
    for change in changes[:2]:  # the older ones' plans are in
        for matter in (change.staffing_matter, change.training_matter):
            plan = Plan.objects.filter(matter=matter).first() if matter else None
            if plan is None:
                continue
            services_plan_submit(plan, rng)


def services_plan_submit(plan, rng) -> None:
    from duban.supervision.services import plan_submit

    plan_submit(
        plan=plan,
        by=plan.lead,
        cause="人员变动后团队人手和技能需要补齐。",
        measures="本周发布招聘需求，新人由资深员工一带一；两周内完成入职培训并考核。",
        milestones=[
            {"title": "发布招聘需求", "due_date": plan.submit_by + dt.timedelta(days=3)},
            {"title": "新人到岗并完成考核", "due_date": plan.submit_by + dt.timedelta(days=14)},
        ],
    )


def _trainings(company, teams, today) -> None:
    rng = company.rng
    front = [t for t in teams.values() if t.kind == TeamKind.FRONT]
    for team in front:
        TrainingPlan.objects.create(
            team=team,
            starts_on=selectors.previous_month(today),
            ends_on=selectors.month_end(today),
            count=6,
            content="产品话术 4 次，项目调研及推进技能 2 次",
            set_by=_lead(team),
        )
    for team in front:
        people = [
            p for p in _current(team) if p.post != Post.LEAD and p.status != EmployeeStatus.ON_LEAVE
        ]
        for back, kind in ((15, TrainingKind.PRODUCT), (6, TrainingKind.PROJECT)):
            day = calendar.subtract_workdays(today, back)
            failing = team.name in ("电销三组", "电销五组") and kind == TrainingKind.PRODUCT
            training = _held(team, people, day, kind, rng.choice(TOPICS[kind]), rng, failing)
            if failing and team.name == "电销三组":
                again = calendar.subtract_workdays(today, 3)
                _held(
                    team,
                    people,
                    again,
                    kind,
                    f"二次培训：{training.topic}",
                    rng,
                    False,
                    retraining_of=training,
                )


def _held(team, people, day, kind, topic, rng, failing, **fields):
    training = services.training_record(
        by=_lead(team),
        team=team,
        attendees=people,
        topic=topic,
        kind=kind,
        held_on=day,
        trainer=_lead(team).name,
        **fields,
    )
    results = {}
    for row in training.results.all():
        low, high = (35, 75) if failing else (62, 98)
        score = Decimal(rng.randint(low, high))
        results[row.pk] = {
            "score": score,
            "uptake": max(1, min(5, int(score) // 20)),
            "note": "" if score >= 60 else "报价规则没掌握",
        }
    services.results_record(by=_lead(team), training=training, results=results)
    return training


def _talks(company, teams, today) -> None:
    """Last month's talks by every lead, 林芳 behind by three; this month's begun."""
    rng = company.rng
    last = selectors.previous_month(today)
    for team in teams.values():
        # those still in the team (one moved since): their lead talks to them
        due = [p for p in selectors.talk_coverage([team], last)[0].due if p.team_id == team.pk]
        skip = 3 if team.name == BEHIND_TEAM else 0
        for person in due[: len(due) - skip]:
            day = last + dt.timedelta(days=rng.randint(5, 25))
            state = rng.choice(STATES)
            services.talk_record(
                by=_lead(team),
                employee=person,
                held_on=day,
                state=state,
                problems="客户意向判断不准" if state != EmployeeState.GOOD else "",
                help="一起复盘录音，调整话术" if state != EmployeeState.GOOD else "保持节奏",
                follow_up="两周后再看转化",
            )
        this_month = selectors.month_start(today)
        now = [
            p for p in selectors.talk_coverage([team], this_month)[0].due if p.team_id == team.pk
        ]
        for person in now[: len(now) * 2 // 3]:  # this month's talks two-thirds done
            day = this_month + dt.timedelta(days=rng.randint(0, max(0, today.day - 2)))
            services.talk_record(
                by=_lead(team), employee=person, held_on=day, state=rng.choice(STATES)
            )
        if team.name != LATE_TEAM:
            candidates = due[:3]
            if candidates:
                services.best_employee_record(
                    by=_lead(team),
                    team=team,
                    month=last,
                    criteria="成交金额与回款、客户好评",
                    candidates=candidates,
                    winner=candidates[0],
                    announced_on=min(today, selectors.month_start(today) + dt.timedelta(days=2)),
                )


def _notes(company, teams, today) -> None:
    two = teams["电销二组"]
    person = next(p for p in _current(two) if p.name == "小祁")
    for back, note in ((20, "接收横洲的资源后工作量大，抱怨加班多。"), (6, "日报连续三天没交。")):
        services.note_record(
            by=_lead(two),
            employee=person,
            noted_on=today - dt.timedelta(days=back),
            kind=NoteKind.REPORTING,
            sentiment=Sentiment.CONCERN,
            note=note,
        )
    services.note_record(
        by=_lead(two),
        employee=person,
        noted_on=today - dt.timedelta(days=2),
        kind=NoteKind.INTERACTION,
        sentiment=Sentiment.NEUTRAL,
        note="面谈后同意先把接收的资源分批跟进。",
    )


def _budgets(teams, today) -> None:
    month = selectors.month_start(today)
    rows = []
    for row in selectors.staff_cost(teams.values(), month, today=today):
        factor = Decimal("0.95") if row.team.name == OVER_BUDGET_TEAM else Decimal("1.08")
        rows.append(
            StaffBudget(team=row.team, month=month, amount=(row.cost * factor).quantize(Decimal(1)))
        )
    StaffBudget.objects.bulk_create(rows)


def finish(company: DemoCompany) -> None:
    """电销五组's failed training has been a red risk since the previous working day: today's
    tick has asked its lead for a re-training plan (automatic 倒逼)."""
    from duban.supervision.models import Risk
    from duban.supervision.tick import plans_autodemand

    team = company.parts["teams"]["电销五组"]
    Risk.objects.filter(key__startswith="hr-pass-low:", team=team, resolved_on=None).update(
        opened_on=calendar.previous_workday(company.today)
    )
    plans_autodemand(today=company.today)
