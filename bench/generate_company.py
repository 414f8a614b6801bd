"""Generate the bench company for the cockpit benchmark (not part of the test suite).

One organisation with every area filled at the benchmarks' scale, as of ``TODAY``, so that the
cockpit's scorecard measures and dashboard figures (every area's ``scoring.py``) have real work:

- supervision, with its organisation, by ``generate_supervision.Generator``: 4 business lines,
  50 teams (40 front-end, 10 back-end), 1,000 employees, a lead per team, 3 supervisors and an
  executive (plus ``admin`` here); about 507,000 check-ins over two years, 8,000 risks (with the
  history of their resolutions and relapses, which the relapse measure reads), 8,000 matters,
  4,000 plans with their versions and milestones;
- receivables, by ``generate_receivables.Generator`` (its customers and receivables; default
  1,000,000 of them, about 200,000 open), plus what the measures read and that generator does
  not write: collection-plan lines, payments, and the twice-monthly AR-table versions;
- resources, by ``generate_resources.Generator`` on the 40 front-end teams (they call; the
  back-end teams hold no pool): default 1,000,000 resources, hand-overs, eight weeks of recorded
  cover, plus six months of weekly big-table versions;
- people: each employee's post, their joins, leaves, transfers, post changes and long leaves,
  the headcount plans, a year of training plans, trainings with each attendee's score (some
  under the pass-rate bar, most of those re-trained) and monthly performance talks;
- sales leads: the back-end teams' requests to the front-end teams with agreed targets and
  milestones, the leads delivered for them (some requests behind their pace) and others, six
  months of daily lead tasks with their results, a year of daily summaries, the partners'
  plan-reporting cycles and the check-ins that followed them up;
- projects: about 14 a front-end team over two years in every cycle class, with milestones,
  summaries at their class's cadence, hand-overs to the back end, and indicators with daily
  actuals while new;
- after-sales: two years of cases with their deadlines on working hours, their steps, results and
  responsibility, and the monthly tracking tables;
- the cockpit: a year of daily snapshots (every team's figures on every working day before
  today), which the dashboard's trend reads; today's is the benchmark's to take.

Deterministic for a seed. Run on its own (the benchmark calls ``generate`` itself when the
database is empty):

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/generate_company.py --db sqlite
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
import zoneinfo
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import generate_receivables
import generate_resources
import generate_supervision
from generate_supervision import (
    BENCH_DIR,
    create_postgres_database,
    fast_sqlite,
    insert,
    manual_timestamps,
)

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/duban_bench_cockpit"
SQLITE_NAME = "bench_cockpit.sqlite3"

TODAY = generate_supervision.TODAY  # 2026-06-30, a Tuesday: "today" of every measurement
RECEIVABLES = 1_000_000
RESOURCES = 1_000_000
SNAPSHOT_DAYS = 365  # days of daily snapshots before today
HISTORY_DAYS = 730

TRAINING_KINDS = [("product", 50), ("project", 30), ("onboarding", 10), ("other", 10)]
TOPICS = {
    "product": ["新产品卖点与报价", "竞品对比话术", "套餐升级政策", "异议处理"],
    "project": ["项目调研方法", "客户需求挖掘与推进", "重点客户攻坚"],
    "onboarding": ["新人入职：系统与流程", "新人入职：话术与合规"],
    "other": ["录音复盘", "时间管理"],
}
STATES = ["good"] * 5 + ["normal"] * 3 + ["concern"]
LEAVE_REASONS = ["pay", "performance", "lead", "career", "personal", "dismissed", "other"]
REQUEST_KINDS = ["企业宽带新装", "云服务试用客户", "园区企业专线", "医疗机构信息化", "企业邮箱"]
REQUEST_KINDS += ["智慧门店", "物联网卡", "视频会议", "数据中心托管", "安全服务"]
PROSPECTS = "顺达 佳和 明远 新航 北辰 恒昌 嘉禾 远景 卓越 鸿运 华盛 安泰 永信 金桥 天成".split()
INDUSTRIES = ["制造", "商贸", "教育", "医疗", "物流", "餐饮", "地产", "金融"]
TASK_WORK = ["新名单首呼", "回访意向客户并确认决策人", "整理需求并预约演示", "跟进报价反馈"]
PROJECT_THEMES = ["企业宽带推广", "智慧园区合作", "教育专线试点", "医疗信息化", "物流网络升级"]
PROJECT_THEMES += ["云服务拓展", "企业邮箱", "门店数字化", "专线扩容", "安全服务"]
INDICATORS = [("外呼量", "通", 120, 600, 2400), ("有效沟通", "个", 30, 150, 600)]
INDICATORS += [("意向客户", "个", 6, 30, 120)]
MILESTONE_TITLES = ["完成调研", "首批签约", "全面推广", "阶段复盘", "交付验收"]
CAUSES = ["开通延迟", "计费争议", "网络故障", "服务态度", "资料错误", "功能不会用"]
CASE_CATEGORIES = ["安装开通", "账单", "故障", "投诉", "咨询"]
DESCRIPTIONS = ["客户反映宽带开通后无法上网", "账单金额与合同不符", "业务员承诺的优惠没有兑现"]
DESCRIPTIONS += ["系统登录不了", "资料填写错误导致开通失败", "客户反映网速慢"]


def configure(db: str, sqlite_path: str | None = None, migrate: bool = True) -> None:
    """Point Django at the cockpit benchmark database, set it up and (by default) migrate."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    os.environ.setdefault("DUBAN_HTTPS", "false")
    os.environ.setdefault("DUBAN_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DUBAN_DATA_DIR", str(BENCH_DIR / "data"))
    data_dir = Path(os.environ["DUBAN_DATA_DIR"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        os.environ.setdefault("DUBAN_DATABASE_URL", POSTGRES_URL)
        if migrate:
            create_postgres_database(os.environ["DUBAN_DATABASE_URL"])
    elif db == "sqlite":
        path = Path(sqlite_path).resolve() if sqlite_path else data_dir / SQLITE_NAME
        os.environ["DUBAN_DATABASE_URL"] = f"sqlite:///{path}"
    # db == "env": use DUBAN_DATABASE_URL as given

    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", verbosity=0)


def is_empty() -> bool:
    from duban.org.models import Team
    from duban.receivables.models import Receivable

    return not (Team.objects.exists() or Receivable.objects.exists())


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months up to ``today``'s, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


class Company:
    """The areas beyond supervision, written around the organisation the supervision
    generator made (``sup``); each area draws from its own random stream."""

    def __init__(self, seed: int, sup, today: dt.date = TODAY, log=print):
        from django.conf import settings

        from duban.core import calendar

        self.seed = seed
        self.sup = sup
        self.today = today
        self.log = log
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.first_day = today - dt.timedelta(days=HISTORY_DAYS)
        # every working day the data spans, with room on both sides (projects run past today)
        self.workdays = calendar.workdays_between(
            self.first_day - dt.timedelta(days=60), today + dt.timedelta(days=450)
        )
        self.teams = sup.teams
        self.front = [t for t in self.teams if t.kind == "front"]
        self.back = [t for t in self.teams if t.kind == "back"]
        self.team_lead = sup.team_lead
        self.line_supervisor = sup.line_supervisor

    # --- helpers ----------------------------------------------------------------------------

    def rng(self, stream: int) -> random.Random:
        return random.Random(self.seed * 1000 + stream)

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def workdays_in(self, first: dt.date, last: dt.date) -> list[dt.date]:
        from bisect import bisect_left, bisect_right

        return self.workdays[bisect_left(self.workdays, first) : bisect_right(self.workdays, last)]

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        from bisect import bisect_left, bisect_right

        if count >= 0:
            return self.workdays[bisect_right(self.workdays, day) + count - 1] if count else day
        return self.workdays[bisect_left(self.workdays, day) + count]

    def staff(self, team) -> list:
        """A team's people on duty now, but its lead."""
        return [
            e
            for e in self.sup.team_employees[team.pk]
            if e.status in ("active", "probation") and e.user_id is None
        ]

    def admin(self):
        from django.contrib.auth.hashers import make_password

        from duban.org.choices import Role
        from duban.org.models import User

        self.admin_user = User.objects.create(
            username="admin",
            name="系统管理员",
            role=Role.ADMIN,
            password=make_password("bench-duban-2026"),
            date_joined=self.at(self.first_day, 9),
        )

    def batch(self, kind: str, as_of: dt.date, **options):
        """An import batch of a table kind (no file: the versions' history only)."""
        from duban.core.models import ImportBatch

        return ImportBatch.objects.create(
            kind=kind,
            filename=f"{kind}-{as_of:%Y%m%d}.xlsx",
            file=f"imports/{as_of:%Y/%m}/generated.xlsx",
            sha256="0" * 64,
            uploaded_by=self.admin_user,
            status=ImportBatch.Status.COMMITTED,
            options={"as_of": as_of.isoformat(), **options},
            committed_at=self.at(as_of, 17),
        )

    # --- supervision: what its generator leaves out --------------------------------------------

    def risk_history(self) -> int:
        """Each risk's history as ``duban tick`` and the pages leave it: created when opened,
        resolved (and, for a relapse, opened again with a higher ``reopened_count``)."""
        from duban.supervision.models import Risk

        rng = self.rng(1)
        historical = Risk.history.model
        fields = [f.attname for f in Risk._meta.concrete_fields]
        rows = []

        def entry(risk, kind, day, **changes):
            values = {name: getattr(risk, name) for name in fields}
            values.update(changes)
            moment = self.at(day, 7, 30) + dt.timedelta(minutes=rng.randrange(600))
            rows.append(historical(**values, history_date=moment, history_type=kind))

        for risk in Risk.objects.order_by("pk").iterator(chunk_size=2000):
            opened = dict(status="open", resolved_on=None, reopened_count=0, version=1)
            entry(risk, "+", risk.opened_on, **opened)
            end = risk.resolved_on or self.today
            if risk.reopened_count and (end - risk.opened_on).days >= 4:
                span = (end - risk.opened_on).days
                first = risk.opened_on + dt.timedelta(days=max(1, span // 3))
                again = first + dt.timedelta(days=max(1, span // 3))
                entry(risk, "~", first, status="resolved", resolved_on=first, version=2)
                entry(risk, "~", again, status="open", resolved_on=None, reopened_count=1)
            if risk.status == "resolved":
                entry(risk, "~", risk.resolved_on)
            elif risk.status != "open":
                entry(risk, "~", risk.last_seen_on or risk.opened_on)
        return insert(historical, rows)

    # --- people ------------------------------------------------------------------------------

    def posts(self) -> None:
        """Each employee's kind of post, from their title (a lead's own record is the lead's;
        people hired in the last two months are trainees)."""
        from duban.org.choices import Post
        from duban.org.models import Employee

        by_post = defaultdict(list)
        recent = self.today - dt.timedelta(days=60)
        for employees in self.sup.team_employees.values():
            for e in employees:
                if e.user_id:
                    post = Post.LEAD
                elif e.position == "内勤":
                    post = Post.INSIDE
                elif e.position in ("高级电销专员", "组长"):
                    post = Post.SENIOR
                elif e.hire_date > recent:
                    post = Post.TRAINEE
                else:
                    post = Post.JUNIOR
                e.post = post
                by_post[post].append(e.pk)
        for post, ids in by_post.items():
            Employee.objects.filter(pk__in=ids).update(post=post)

    def staff_changes(self) -> int:
        """Joins (hired since the data begins), leaves, transfers within a line, post changes
        and long leaves, dated, as people records them."""
        from duban.people.models import StaffChange

        rng = self.rng(2)
        line_teams = defaultdict(list)
        for team in self.teams:
            line_teams[team.line_id].append(team)
        rows = []
        for team in self.teams:
            for e in self.sup.team_employees[team.pk]:
                if e.user_id:
                    continue
                moved = None
                if e.status != "left" and rng.random() < 0.04:
                    first = max(e.hire_date + dt.timedelta(days=30), self.first_day)
                    if first < self.today - dt.timedelta(days=2):
                        day = first + dt.timedelta(days=rng.randrange((self.today - first).days))
                        others = [t for t in line_teams[team.line_id] if t.pk != team.pk]
                        moved = (day, rng.choice(others))
                if e.hire_date >= self.first_day:
                    rows.append(
                        StaffChange(
                            employee=e,
                            kind="join",
                            date=e.hire_date,
                            team=moved[1] if moved else team,
                            post=e.post,
                            note="新员工入职",
                        )
                    )
                if moved:
                    day, before = moved
                    rows.append(
                        StaffChange(
                            employee=e,
                            kind="transfer",
                            date=day,
                            team=team,
                            from_team=before,
                            post=e.post,
                            from_post=e.post,
                            note="团队缺编，同条线调入",
                        )
                    )
                if e.status == "left" and e.leave_date >= self.first_day:
                    rows.append(
                        StaffChange(
                            employee=e,
                            kind="leave",
                            date=e.leave_date,
                            team=team,
                            reason=rng.choice(LEAVE_REASONS),
                        )
                    )
                elif e.status == "on_leave":
                    day = self.today - dt.timedelta(days=rng.randrange(3, 60))
                    if day > e.hire_date:
                        until = self.today + dt.timedelta(days=rng.randrange(5, 60))
                        rows.append(
                            StaffChange(
                                employee=e, kind="long_leave", date=day, team=team, until=until
                            )
                        )
                elif e.post == "senior" and rng.random() < 0.2:
                    first = max(e.hire_date + dt.timedelta(days=90), self.first_day)
                    if first < self.today:
                        day = first + dt.timedelta(
                            days=rng.randrange((self.today - first).days + 1)
                        )
                        rows.append(
                            StaffChange(
                                employee=e,
                                kind="post",
                                date=day,
                                team=team,
                                post="senior",
                                from_post="junior",
                            )
                        )
        for row in rows:
            row.recorded_by = self.team_lead[row.team_id]
            row.created_at = self.at(row.date, 18)
        with manual_timestamps(StaffChange._meta.get_field("created_at")):
            return insert(StaffChange, rows)

    def headcount_plans(self) -> int:
        """Each team's plan by post from the start of the data, revised every January, and
        raised in April for a fifth of the teams (some not filled yet)."""
        from duban.org.choices import Post
        from duban.people import selectors
        from duban.people.models import HeadcountPlan

        rng = self.rng(3)
        ids = [t.pk for t in self.teams]
        dates = [self.first_day, dt.date(2025, 1, 1), dt.date(2026, 1, 1)]
        rows = []
        for day in dates:
            counts = selectors.headcount(ids, day)
            for team in self.teams:
                for post, n in counts[team.pk].items():
                    if not n and post != Post.LEAD:
                        continue
                    planned = (
                        1 if post == Post.LEAD else max(0, n + rng.choice([-1, 0, 0, 0, 1, 2]))
                    )
                    rows.append(
                        HeadcountPlan(
                            team=team,
                            post=post,
                            count=planned,
                            effective_from=day,
                            set_by=self.line_supervisor[team.line_id],
                            created_at=self.at(day, 10),
                        )
                    )
        raised = dt.date(2026, 4, 1)
        current = selectors.headcount(ids, raised)
        for team in rng.sample(self.teams, len(self.teams) // 5):
            rows.append(
                HeadcountPlan(
                    team=team,
                    post=Post.JUNIOR,
                    count=current[team.pk][Post.JUNIOR] + 2,
                    effective_from=raised,
                    note="业务扩张，增加电销人员",
                    set_by=self.line_supervisor[team.line_id],
                    created_at=self.at(raised, 10),
                )
            )
        with manual_timestamps(HeadcountPlan._meta.get_field("created_at")):
            return insert(HeadcountPlan, rows)

    def trainings(self) -> dict:
        """A year of monthly training plans and the trainings held against them, each with its
        attendees' scores; one in eight under the pass-rate bar, two-thirds of those re-trained
        within 30 days."""
        from duban.people.models import Training, TrainingPlan, TrainingResult

        rng = self.rng(4)
        kinds = [k for k, _w in TRAINING_KINDS]
        weights = [w for _k, w in TRAINING_KINDS]
        plans, trainings, attendees = [], [], []
        for month in months_back(self.today, 12):
            last = month_end(month)
            days = self.workdays_in(month, min(last, self.today))
            for team in self.teams:
                lead = self.team_lead[team.pk]
                count = rng.choice([3, 4, 4, 5])
                plans.append(
                    TrainingPlan(
                        team=team,
                        starts_on=month,
                        ends_on=last,
                        count=count,
                        content="产品话术与项目推进技能",
                        set_by=lead,
                    )
                )
                if rng.random() < 0.3:
                    plans.append(
                        TrainingPlan(
                            team=team,
                            starts_on=month,
                            ends_on=last,
                            kind="product",
                            count=2,
                            content="新产品上线培训",
                            set_by=lead,
                        )
                    )
                people = [
                    e
                    for e in self.sup.team_employees[team.pk]
                    if e.user_id is None
                    and e.hire_date <= month
                    and (e.leave_date is None or e.leave_date > last)
                ]
                held = max(0, count + rng.choice([-2, -1, 0, 0, 0, 1]))
                if last > self.today:  # the running month: held so far
                    held = held * len(days) // len(self.workdays_in(month, last))
                for day in sorted(rng.sample(days, min(held, len(days)))):
                    kind = rng.choices(kinds, weights)[0]
                    training = Training(
                        team=team,
                        topic=rng.choice(TOPICS[kind]),
                        kind=kind,
                        held_on=day,
                        trainer=lead.name,
                        lead=lead,
                        recorded_by=lead,
                        created_at=self.at(day, 17),
                    )
                    trainings.append(training)
                    failing = rng.random() < 0.12
                    chosen = rng.sample(people, min(len(people), rng.randint(8, 15)))
                    attendees.append((training, chosen, failing))
        with manual_timestamps(Training._meta.get_field("created_at")):
            insert(Training, trainings)
        insert(TrainingPlan, plans)
        results, again = [], []
        for training, chosen, failing in attendees:
            for person in chosen:
                low, high = (35, 80) if failing else (60, 99)
                score = rng.randint(low, high)
                results.append(
                    TrainingResult(
                        training=training,
                        employee=person,
                        score=Decimal(score),
                        uptake=max(1, min(5, score // 20)),
                        note="" if score >= 60 else "报价规则没掌握",
                    )
                )
            if failing and rng.random() < 0.67:
                day = self.add_workdays(training.held_on, rng.randint(3, 22))
                if day <= self.today:
                    again.append((training, chosen, day))
        retrainings = []
        for training, _chosen, day in again:
            retraining = Training(
                team=training.team,
                topic=f"二次培训：{training.topic}",
                kind=training.kind,
                held_on=day,
                trainer=training.trainer,
                lead=training.lead,
                retraining_of=training,
                recorded_by=training.lead,
                created_at=self.at(day, 17),
            )
            retrainings.append(retraining)
        with manual_timestamps(Training._meta.get_field("created_at")):
            insert(Training, retrainings)
        for retraining, (_training, chosen, _day) in zip(retrainings, again, strict=True):
            for person in chosen:
                score = rng.randint(62, 99)
                results.append(
                    TrainingResult(
                        training=retraining, employee=person, score=Decimal(score), uptake=4
                    )
                )
        insert(TrainingResult, results)
        return {
            "training plans": len(plans),
            "trainings": len(trainings) + len(retrainings),
            "training results": len(results),
        }

    def talks(self) -> int:
        """A year of monthly talks: everyone due (on the books at the month's start, not on
        long leave, not the lead) talked to, but about one in fourteen; this month's mostly
        done by today."""
        from duban.org.choices import Post
        from duban.people import selectors
        from duban.people.models import Talk

        rng = self.rng(5)
        months = months_back(self.today, 12)
        placed = selectors.placements_on([t.pk for t in self.teams], months)
        rows = []
        for month in months:
            last = min(month_end(month), self.today)
            share = 0.85 if month_end(month) > self.today else 0.93
            behind = set(rng.sample([t.pk for t in self.teams], 3))  # a few teams late
            for placement in placed[month]:
                if placement.on_leave or placement.post == Post.LEAD:
                    continue
                team_id = placement.team_id  # the team they were in then
                if rng.random() > (share - 0.25 if team_id in behind else share):
                    continue
                day = month + dt.timedelta(days=rng.randrange((last - month).days + 1))
                state = rng.choice(STATES)
                rows.append(
                    Talk(
                        employee=placement.employee,
                        lead=self.team_lead[team_id],
                        month=month,
                        held_on=day,
                        state=state,
                        problems="客户意向判断不准" if state != "good" else "",
                        help="一起复盘录音，调整话术",
                        follow_up="两周后再看转化",
                        created_at=self.at(day, 18),
                    )
                )
        with manual_timestamps(Talk._meta.get_field("created_at")):
            return insert(Talk, rows)

    # --- receivables -------------------------------------------------------------------------

    def receivables(self, count: int) -> dict:
        """The receivables generator's customers and book (its draws, on this organisation),
        and then what the scorecard reads: collection plans for a third of the open
        receivables falling due around today and of those settled in the last four months
        (collected by their plan's date, or a few days late), and the payments recorded in
        the application (the rest of what was paid came through AR-table imports, which date
        nothing)."""
        from duban.core.bulk import insert_rows
        from duban.receivables.models import Payment, PlanLine, Receivable, Settings

        Settings.current()
        ar = generate_receivables.Generator(self.seed, today=self.today, log=self.log)
        ar.teams, ar.team_lead, ar.admin = self.teams, self.team_lead, self.admin_user
        ar.customers()
        fields = [f.attname for f in Receivable._meta.concrete_fields]
        fields.remove("batch_id")
        fields.remove("salesperson_id")
        rng = self.rng(6)
        lines, payments = [], []
        plan_from = self.today - dt.timedelta(days=120)
        plan_to = self.today + dt.timedelta(days=60)
        paid_from = self.today - dt.timedelta(days=365)
        cent = Decimal("0.01")

        def rows():
            for n in range(1, count + 1):
                r = ar.receivable(f"{generate_receivables.NUMBER_PREFIX}{n:08d}")
                r.id, r.version = n, 1
                by = self.team_lead[r.team_id]
                if r.status == "open":
                    due = r.due_date or r.invoice_date
                    if due and plan_from <= due <= plan_to and rng.random() < 0.35:
                        parts = rng.choice([1, 1, 2, 3])
                        first = max(due, self.today - dt.timedelta(days=75))
                        share = (r.outstanding / parts).quantize(cent)
                        for k in range(parts):
                            day = first + dt.timedelta(days=k * 30 + rng.randrange(-5, 10))
                            lines.append((n, day, share, "每周电话跟进一次", by.pk))
                    if r.paid and rng.random() < 0.5:
                        day = min(
                            self.today,
                            (r.invoice_date or self.today)
                            + dt.timedelta(days=rng.randrange(5, 90)),
                        )
                        if day >= paid_from:
                            payments.append((n, day, r.paid, "", by.pk, self.at(day, 16)))
                elif r.settled_on and r.settled_on >= plan_from and rng.random() < 0.35:
                    # collected against a plan, on time or a few days late
                    day = r.settled_on + dt.timedelta(days=rng.randrange(-6, 8))
                    lines.append((n, day, r.amount, "到期前一周电话提醒", by.pk))
                    payments.append(
                        (n, r.settled_on, r.amount, "", by.pk, self.at(r.settled_on, 16))
                    )
                elif r.settled_on and r.settled_on >= paid_from and rng.random() < 0.4:
                    if rng.random() < 0.3:  # in two instalments
                        half = (r.amount / 2).quantize(cent)
                        early = r.settled_on - dt.timedelta(days=rng.randrange(10, 40))
                        payments.append((n, early, half, "", by.pk, self.at(early, 16)))
                        payments.append(
                            (n, r.settled_on, r.amount - half, "", by.pk, self.at(r.settled_on, 16))
                        )
                    else:
                        payments.append(
                            (n, r.settled_on, r.amount, "", by.pk, self.at(r.settled_on, 16))
                        )
                yield tuple(getattr(r, name) for name in fields)

        names = [name.removesuffix("_id") for name in fields]
        written = insert_rows(Receivable, names, rows())
        insert_rows(PlanLine, ["receivable", "planned_date", "amount", "rhythm", "by"], lines)
        insert_rows(Payment, ["receivable", "date", "amount", "note", "by", "created_at"], payments)
        self.reset_sequences(Receivable)
        return {"receivables": written, "plan lines": len(lines), "payments": len(payments)}

    def ar_tables(self) -> int:
        """The AR table of every team, twice a month since January: most half-months have a
        version (dated in the half), some do not; the running half, about two-thirds."""
        from django.db.models import Count, Sum

        from duban.receivables.models import Receivable
        from duban.supervision.models import TableVersion

        rng = self.rng(7)
        per_team = {
            row["team"]: row
            for row in Receivable.objects.open()
            .values("team")
            .annotate(rows=Count("pk"), total=Sum("outstanding"))
            .order_by()
        }
        halves, first = [], dt.date(2026, 1, 1)
        while first <= self.today:
            last = first.replace(day=15) if first.day == 1 else month_end(first)
            halves.append((first, last))
            first = last + dt.timedelta(days=1)
        rows = []
        for first, last in halves:
            running = last >= self.today
            days = self.workdays_in(first, min(last, self.today))
            batch = None
            for team in self.teams:
                if team.pk not in per_team or rng.random() > (0.65 if running else 0.88):
                    continue
                batch = batch or self.batch("ar_table", days[-1])
                row = per_team[team.pk]
                rows.append(
                    TableVersion(
                        kind="ar_table",
                        team=team,
                        as_of=rng.choice(days),
                        batch=batch,
                        rows=row["rows"],
                        summary={"total_outstanding": str(row["total"]), "settled": 0, "aged": 0},
                    )
                )
        TableVersion.objects.bulk_create(rows)
        return len(rows)

    # --- resources ---------------------------------------------------------------------------

    def resources(self, count: int) -> dict:
        """The resources generator's pool, hand-overs and recorded cover, on the front-end
        teams and their people (their daily capacities)."""
        res = generate_resources.Generator(self.seed, today=self.today, log=self.log)
        res.admin = self.admin_user
        res.teams = self.front
        res.lines = sorted({t.line for t in self.front}, key=lambda line: line.pk)
        res.team_lead = self.team_lead
        res.team_employees = {t.pk: self.sup.team_employees[t.pk] for t in self.front}
        res.employees = [e for t in self.front for e in res.team_employees[t.pk]]
        res.lists()
        written = res.resources(count)
        handovers = res.handovers()
        cover = res.cover_days()
        self.target_days = res.target_days
        return {"resources": written, "resource handovers": handovers, "cover records": cover}

    def big_tables(self) -> int:
        """Six months of weekly big tables of the front-end teams: nine weeks in ten have a
        version (dated on a working day of the week); the running week, about half so far."""
        from django.db.models import Count

        from duban.resources.models import Resource
        from duban.supervision.models import TableVersion

        rng = self.rng(8)
        sizes = dict(
            Resource.objects.order_by()
            .values("team")
            .annotate(n=Count("pk"))
            .values_list("team", "n")
        )
        monday = self.today - dt.timedelta(days=self.today.weekday() + 7 * 26)
        rows = []
        while monday <= self.today:
            days = self.workdays_in(monday, min(monday + dt.timedelta(days=6), self.today))
            running = monday + dt.timedelta(days=6) >= self.today
            batch = self.batch("resource_table", days[-1]) if days else None
            for team in self.front:
                if not days or rng.random() > (0.5 if running else 0.9):
                    continue
                rows.append(
                    TableVersion(
                        kind="resource_table",
                        team=team,
                        as_of=rng.choice(days),
                        batch=batch,
                        rows=sizes.get(team.pk, 20000),
                        summary={"reassigned": 0, "closed": 0, "dormant": 0},
                    )
                )
            monday += dt.timedelta(weeks=1)
        TableVersion.objects.bulk_create(rows)
        return len(rows)

    # --- sales leads ---------------------------------------------------------------------------

    def leads(self) -> dict:
        from duban.leads.models import LeadRequest, RequestMilestone, SalesLead, Settings
        from duban.partners.models import Partner

        Settings.current()
        rng = self.rng(9)
        partners = list(Partner.objects.filter(fixed_partner=True).order_by("pk")[:400])
        self.partners = partners
        fronts = defaultdict(list)
        for team in self.front:
            fronts[team.line_id].append(team)
        requests = []
        for back in self.back:
            for month in months_back(self.today, 13):
                for _ in range(rng.choice([2, 3, 3, 4])):
                    raised = rng.choice(self.workdays_in(month, min(month_end(month), self.today)))
                    front = rng.choice(fronts[back.line_id])
                    quantity = rng.randrange(20, 121, 5)
                    request = LeadRequest(
                        back_team=back,
                        team=front,
                        kind=rng.choice(REQUEST_KINDS),
                        quantity=quantity,
                        quality="有意向、留了决策人联系方式",
                        deadline=raised + dt.timedelta(days=rng.randrange(20, 60)),
                        partner=rng.choice(partners),
                        raised_by=self.team_lead[back.pk],
                        raised_on=raised,
                    )
                    self.settle_request(request, rng)
                    requests.append(request)
        insert(LeadRequest, requests)
        milestones, leads = [], []
        for request in requests:
            if not request.accepted:
                continue
            days = self.workdays_in(request.starts_on, request.target_on)
            middle = days[len(days) // 2]
            for title, due, quantity in (
                ("首批交付", middle, request.accepted // 2),
                ("全部交付", request.target_on, request.accepted),
            ):
                done = due if due < self.today and rng.random() < 0.7 else None
                milestones.append(
                    RequestMilestone(
                        request=request, title=title, due_on=due, quantity=quantity, done_on=done
                    )
                )
            leads += self.delivered(request, days, rng)
        for team in self.front:  # leads found without a request
            staff = self.staff(team)
            for _ in range(60):
                day = rng.choice(self.workdays_in(self.today - dt.timedelta(days=365), self.today))
                leads.append(self.sales_lead(team, None, rng.choice(staff), day, rng))
        insert(RequestMilestone, milestones)
        insert(SalesLead, leads)
        self.requests = requests
        return {
            "lead requests": len(requests),
            "request milestones": len(milestones),
            "sales leads": len(leads),
        }

    def settle_request(self, request, rng) -> None:
        """Where a request stands now: agreed with a target (most), declined or cancelled, or
        still being discussed when raised in the last days; done when its target has passed."""
        if request.raised_on > self.today - dt.timedelta(days=5) and rng.random() < 0.5:
            request.status = "raised"
            return
        roll = rng.random()
        if roll < 0.08:
            request.status, request.declined_reason = "declined", "本月人手不够，下月再承接"
            return
        if roll < 0.12:
            request.status = "cancelled"
            return
        request.accepted = max(5, int(request.quantity * rng.uniform(0.7, 1.0)))
        request.starts_on = self.add_workdays(request.raised_on, rng.randint(1, 3))
        request.target_on = request.starts_on + dt.timedelta(days=rng.randrange(15, 50))
        request.agreed_front = self.team_lead[request.team.pk]
        request.agreed_back = self.team_lead[request.back_team.pk]
        request.agreed_at = self.at(request.starts_on, 11)
        done = request.target_on < self.today and rng.random() < 0.9
        request.status = "done" if done else "agreed"

    def delivered(self, request, days, rng) -> list:
        """The leads delivered for an agreed request so far, at the front team's pace (a
        fifth of the requests well behind)."""
        elapsed = [day for day in days if day <= self.today]
        if not elapsed:
            return []
        pace = rng.uniform(0.5, 0.8) if rng.random() < 0.2 else rng.uniform(0.85, 1.15)
        count = round(request.accepted * pace * len(elapsed) / len(days))
        staff = self.staff(request.team)
        return [
            self.sales_lead(
                request.team,
                request,
                rng.choice(staff),
                elapsed[min(len(elapsed) - 1, n * len(elapsed) // max(count, 1))],
                rng,
            )
            for n in range(count)
        ]

    def sales_lead(self, team, request, owner, day, rng):
        from duban.leads.models import SalesLead

        age = (self.today - day).days
        stage, closed, reason = rng.choice(["contact", "need", "proposal", "negotiation"]), None, ""
        if rng.random() < min(0.9, age / 90):
            won = rng.random() < 0.25
            stage = "won" if won else "lost"
            closed = min(self.today, day + dt.timedelta(days=rng.randrange(5, 60)))
            reason = "" if won else rng.choice(["预算不足", "选了竞品", "需求取消"])
        probability = rng.choice([10, 30, 50, 70, 90])
        return SalesLead(
            team=team,
            request=request,
            partner=rng.choice(self.partners) if rng.random() < 0.2 else None,
            prospect=f"{rng.choice(PROSPECTS)}{rng.choice(INDUSTRIES)}{rng.randrange(1, 999)}号",
            owner=owner,
            stage=stage,
            value=Decimal(rng.choice([20000, 50000, 80000, 120000])),
            probability=probability,
            probability_on=min(self.today, day + dt.timedelta(days=rng.randrange(0, 20))),
            next_step="上门演示" if closed is None else "",
            next_on=self.today + dt.timedelta(days=rng.randrange(-3, 10))
            if closed is None
            else None,
            delivered_on=day,
            closed_on=closed,
            lost_reason=reason,
        )

    def lead_work(self) -> dict:
        """Six months of daily lead tasks (results collected for nearly all past ones, half of
        today's) and a year of daily summaries (a few days missed, more in some teams)."""
        from duban.leads.models import LeadSummary, LeadTask

        rng = self.rng(10)
        open_requests = defaultdict(list)
        for request in self.requests:
            if request.accepted:
                open_requests[request.team.pk].append(request)
        tasks = []
        for day in self.workdays_in(self.today - dt.timedelta(days=182), self.today):
            for team in self.front:
                staff = self.staff(team)
                current = [r for r in open_requests[team.pk] if r.starts_on <= day <= r.target_on]
                for number in range(3):
                    collected = rng.random() < (0.5 if day == self.today else 0.96)
                    tasks.append(
                        LeadTask(
                            team=team,
                            date=day,
                            assignee=rng.choice(staff),
                            request=rng.choice(current) if current else None,
                            work=TASK_WORK[number],
                            planned=20,
                            outcome=rng.choice(["done", "done", "partly"]) if collected else "",
                            achieved=rng.randint(8, 20) if collected else None,
                            next_step="约上门演示" if collected else "",
                            explained=rng.random() < 0.85,
                            arranged_by=self.team_lead[team.pk],
                            collected_at=self.at(day, 18) if collected else None,
                        )
                    )
        summaries = []
        careless = set(rng.sample([t.pk for t in self.front], 6))
        yesterday = self.add_workdays(self.today, -1)
        for day in self.workdays_in(self.today - dt.timedelta(days=365), yesterday):
            for team in self.front:
                if rng.random() > (0.8 if team.pk in careless else 0.95):
                    continue
                summaries.append(
                    LeadSummary(
                        team=team,
                        date=day,
                        text="今日交付销线，跟进意向客户。",
                        next_target="本周交付 10 条",
                        next_milestone="周五首批交付",
                        figures={"tasks": 3, "collected": 3},
                        written_by=self.team_lead[team.pk],
                    )
                )
        insert(LeadTask, tasks)
        insert(LeadSummary, summaries)
        return {"lead tasks": len(tasks), "lead summaries": len(summaries)}

    def partner_cycles(self) -> dict:
        """Three partners a front-end team follows, reporting weekly, monthly or quarterly;
        the inside staff's follow-up check-in before each reporting day of the year (one in
        seven missed)."""
        from django.contrib.contenttypes.models import ContentType

        from duban.leads.models import PartnerCycle
        from duban.supervision.models import CheckIn

        rng = self.rng(11)
        cycles = []
        for team in self.front:
            for partner, cycle in zip(
                rng.sample(self.partners, 3), ["weekly", "monthly", "quarterly"], strict=True
            ):
                day = {"weekly": rng.randint(1, 5), "monthly": rng.randint(1, 28)}.get(cycle, 15)
                cycles.append(
                    PartnerCycle(partner=partner, team=team, cycle=cycle, day=day, lead_days=3)
                )
        insert(PartnerCycle, cycles)
        kind = ContentType.objects.get_for_model(PartnerCycle)
        checkins = []
        start = self.today - dt.timedelta(days=365)
        for cycle in cycles:
            team = next(t for t in self.front if t.pk == cycle.team_id)
            for day in cycle.reporting_days(start, self.today + dt.timedelta(days=10)):
                follow = self.add_workdays(day, -2)  # two working days before it
                if follow > self.today:
                    continue
                done = follow < self.today and rng.random() < 0.86
                checkins.append(
                    CheckIn(
                        area="leads",
                        title="合作单位报计划前跟进",
                        team=team,
                        lead=self.team_lead[team.pk],
                        owner=self.line_supervisor[team.line_id],
                        date=follow,
                        agreed_time=dt.time(10),
                        subject_type=kind,
                        subject_id=cycle.pk,
                        status="done" if done else "planned",
                        outcome="done" if done else "",
                        findings="已与对方确认报计划时间" if done else "",
                        done_at=self.at(follow, 11) if done else None,
                        done_by=self.line_supervisor[team.line_id] if done else None,
                    )
                )
        insert(CheckIn, checkins)
        return {"cycles": len(cycles), "follow-up check-ins": len(checkins)}

    # --- projects ------------------------------------------------------------------------------

    def projects(self) -> dict:
        from duban.projects.models import (
            Actual,
            Indicator,
            Project,
            ProjectHandover,
            ProjectMilestone,
            ProjectSummary,
            Settings,
            cycle_class,
        )
        from duban.projects.selectors import follow_up_days

        weeks = Settings.current().new_weeks
        rng = self.rng(12)
        backs = defaultdict(list)
        for team in self.back:
            backs[team.line_id].append(team)
        projects = []
        for team in self.front:
            for number in range(14):
                start = self.first_day + dt.timedelta(days=rng.randrange(HISTORY_DAYS - 3))
                kind = rng.choices(["short", "medium", "long"], [45, 30, 25])[0]
                length = {"short": (40, 90), "medium": (100, 180), "long": (200, 420)}[kind]
                end = start + dt.timedelta(days=rng.randrange(*length))
                if end < self.today:
                    status = rng.choices(["done", "cancelled", "paused", "active"], [80, 7, 5, 8])[
                        0
                    ]
                else:
                    status = "active" if rng.random() < 0.92 else "paused"
                back = rng.choice(backs[team.line_id])
                projects.append(
                    Project(
                        name=f"{rng.choice(PROJECT_THEMES)}（{number + 1}）",
                        partner=rng.choice(self.partners) if rng.random() < 0.6 else None,
                        team=team,
                        lead=self.team_lead[team.pk],
                        back_team=back,
                        back_contact="周敏",
                        starts_on=start,
                        ends_on=end,
                        cycle=cycle_class(start, end),
                        new_until=start + dt.timedelta(weeks=weeks),
                        review_weeks=rng.choice([2, 2, 3, 4]),
                        stage=rng.choice(["research", "promotion", "delivery", "closing"]),
                        target=Decimal(rng.randrange(100, 600, 50)),
                        status=status,
                    )
                )
        insert(Project, projects)
        from duban.supervision.cadence import workdays_around

        around = workdays_around(self.first_day, self.today)
        milestones, summaries, handovers, indicators = [], [], [], []
        actual_plans = []
        for project in projects:
            lead = project.lead
            span = (project.ends_on - project.starts_on).days
            for k, title in enumerate(MILESTONE_TITLES[: rng.randint(3, 5)]):
                due = project.starts_on + dt.timedelta(days=span * (k + 1) // 5)
                done = None
                if due < self.today or rng.random() < 0.2:
                    roll = rng.random()
                    if roll < 0.75:
                        done = due - dt.timedelta(days=rng.randrange(0, 4))
                    elif roll < 0.9:
                        done = due + dt.timedelta(days=rng.randrange(1, 10))
                    done = done if done and done <= self.today else None
                milestones.append(
                    ProjectMilestone(project=project, title=title, due_on=due, done_on=done)
                )
            last = min(project.ends_on, self.today - dt.timedelta(days=1))
            written = set()
            for day in follow_up_days(project, project.starts_on, last, around):
                roll = rng.random()
                if roll < 0.07:
                    continue  # missed
                if roll < 0.12:
                    day = self.add_workdays(day, 1)  # a day late
                if day in written or day >= self.today:
                    continue
                written.add(day)
                summaries.append(
                    ProjectSummary(
                        project=project,
                        date=day,
                        progress="本周推进顺利，客户反馈良好。",
                        next_goal="完成下一批签约",
                        next_milestone="月底前首批交付",
                        allocation="2 人专职、1 名内勤",
                        written_by=lead,
                    )
                )
            for _ in range(rng.randint(1, 3)):
                handed = self.add_workdays(
                    project.starts_on, rng.randrange(1, max(2, min(span, 200) * 5 // 7))
                )
                if handed > self.today:
                    continue
                roll, received = rng.random(), None
                if roll < 0.82:
                    received = self.add_workdays(handed, rng.choice([0, 1, 1]))
                elif roll < 0.92:
                    received = self.add_workdays(handed, rng.randint(2, 6))
                received = received if received and received <= self.today else None
                handovers.append(
                    ProjectHandover(
                        project=project,
                        what=rng.choice(["首批签约客户名单", "第二批意向客户", "开通资料"]),
                        to_team=project.back_team,
                        to_person="周敏",
                        handed_on=handed,
                        received_on=received,
                        received_by=self.team_lead[project.back_team.pk] if received else None,
                        next_goal="两周内完成开通" if received else "",
                    )
                )
            pace = rng.uniform(0.6, 0.85) if rng.random() < 0.3 else rng.uniform(0.9, 1.2)
            scale = rng.choice([0.5, 1, 1, 2])
            for order, (name, unit, daily, weekly, monthly) in enumerate(INDICATORS):
                indicator = Indicator(
                    project=project,
                    name=name,
                    unit=unit,
                    daily=Decimal(round(daily * scale)),
                    weekly=Decimal(round(weekly * scale)),
                    monthly=Decimal(round(monthly * scale)),
                    order=order,
                )
                indicators.append(indicator)
                actual_plans.append((indicator, project, daily * scale * pace))
        insert(ProjectMilestone, milestones)
        insert(ProjectSummary, summaries)
        insert(ProjectHandover, handovers)
        insert(Indicator, indicators)
        yesterday = self.add_workdays(self.today, -1)
        actuals = [
            Actual(
                indicator=indicator,
                date=day,
                value=Decimal(round(rate * rng.uniform(0.8, 1.2))),
                recorded_by=project.lead,
            )
            for indicator, project, rate in actual_plans
            for day in self.workdays_in(
                project.starts_on,
                min(project.new_until - dt.timedelta(days=1), project.ends_on, yesterday),
            )
        ]
        insert(Actual, actuals)
        return {
            "projects": len(projects),
            "project milestones": len(milestones),
            "project summaries": len(summaries),
            "project handovers": len(handovers),
            "indicators": len(indicators),
            "actuals": len(actuals),
        }

    # --- after-sales ---------------------------------------------------------------------------

    def aftersales(self) -> dict:
        from duban.aftersales.models import Case, CaseStep, Category, Cause, Settings
        from duban.core import calendar

        settings = Settings.current()
        rng = self.rng(13)
        Cause.objects.bulk_create(Cause(name=n, order=i) for i, n in enumerate(CAUSES))
        Category.objects.bulk_create(
            Category(name=n, order=i) for i, n in enumerate(CASE_CATEGORIES)
        )
        causes, categories = list(Cause.objects.all()), list(Category.objects.all())
        day_hours = 9.0  # working hours of a working day (09:00–18:00)
        numbers = defaultdict(int)
        cases, steps = [], []
        for day in self.workdays_in(self.first_day, self.today):
            for team in self.front:
                if rng.random() > 0.35:
                    continue
                lead = self.team_lead[team.pk]
                reported = self.at(day, rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
                severity = rng.choices(["urgent", "high", "normal"], [1, 3, 8])[0]
                hours, days = settings.limits(severity)
                month = f"{day:%Y%m}"
                numbers[month] += 1
                case = Case(
                    number=f"SH{month}-{numbers[month]:04d}",
                    partner=rng.choice(self.partners) if rng.random() < 0.12 else None,
                    team=team,
                    lead=lead,
                    handler=rng.choice(self.staff(team)),
                    reported_at=reported,
                    channel=rng.choice(["phone", "wecom", "email", "visit", "other"]),
                    category=rng.choice(categories),
                    cause=rng.choices(causes, [8, 5, 4, 2, 2, 3])[0],
                    severity=severity,
                    description=rng.choice(DESCRIPTIONS),
                    respond_by=calendar.add_working_hours(reported, hours),
                    resolve_by=calendar.add_working_hours(reported, days * day_hours),
                )
                steps.append((case, self.handle(case, lead, rng, calendar, days * day_hours)))
                cases.append(case)
        insert(Case, cases)
        rows = [
            CaseStep(case=case, at=at, by=case.lead, what=what)
            for case, its_steps in steps
            for at, what in its_steps
        ]
        insert(CaseStep, rows)
        tables = self.case_tables(cases, rng)
        return {"cases": len(cases), "case steps": len(rows), "monthly tables": tables}

    def handle(self, case, lead, rng, calendar, limit: float) -> list:
        """Respond, work and resolve the case as it went; the last days' cases still open, and
        a few older ones left without a step for days."""
        now = self.at(self.today, 17, 30)
        late = rng.random() < 0.12
        respond = calendar.add_working_hours(case.reported_at, rng.uniform(0.3, 5 if late else 1.5))
        steps = [(case.reported_at, "登记")]
        if respond >= now:
            case.status = "new"
            return steps
        case.status, case.responded_at = "accepted", respond
        steps.append((respond, "受理，联系客户了解情况"))
        hours = max(1.0, rng.uniform(0.2, 0.95) * limit * (rng.uniform(1.1, 2.5) if late else 1))
        resolved = calendar.add_working_hours(case.reported_at, hours)
        moment = respond
        stale = rng.random() < 0.04
        while True:
            gap = rng.randint(3, 7) if stale else rng.choice([0, 1, 1, 2])
            moment = calendar.add_working_hours(moment, gap * 9 + rng.uniform(1, 6))
            if moment >= min(resolved, now):
                break
            steps.append((moment, "上门/远程处理，已反馈客户"))
        if resolved >= now or (stale and rng.random() < 0.5):
            case.status = "in_progress"
            return steps
        age = (self.today - timezone_day(resolved, self.tz)).days
        case.status = "closed" if age > 14 else "resolved"
        case.resolved_at = resolved
        case.closed_at = resolved if age > 14 else None
        case.resolution = "已处理完毕，客户确认恢复正常"
        case.confirmed = True
        steps.append((resolved, "处理完毕"))
        roll = rng.random()
        decided = None
        if roll < 0.8:
            decided = calendar.add_working_hours(resolved, rng.uniform(1, 20))
        elif roll < 0.9 or age > 30:
            decided = calendar.add_working_hours(resolved, rng.uniform(30, 80))
        if decided is not None and decided < now:
            case.responsibility = rng.choices(
                ["front", "back", "product", "partner", "third", "none"], [3, 4, 2, 1, 1, 2]
            )[0]
            case.decided_by = lead
            case.decided_at = decided
            case.disputed = rng.random() < 0.05
        return steps

    def case_tables(self, cases, rng) -> int:
        """Each team's tracking table of every month it had cases: returned by its due day
        (the fifth working day of the next month) mostly, late or not at all for some."""
        from duban.aftersales.models import MonthlyTable
        from duban.aftersales.selectors import table_due

        by_month = defaultdict(list)
        for case in cases:
            month = timezone_day(case.reported_at, self.tz).replace(day=1)
            by_month[(case.team_id, month)].append(case)
        rows = []
        for (team_id, month), its in sorted(by_month.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if month >= self.today.replace(day=1):
                continue
            due = table_due(month)
            roll, returned = rng.random(), None
            if roll < 0.85:
                returned = self.at(self.add_workdays(due, -rng.randint(0, 3)), 16)
            elif roll < 0.93:
                returned = self.at(self.add_workdays(due, rng.randint(1, 6)), 16)
            if returned is not None and returned > self.at(self.today, 17, 30):
                returned = None
            rows.append(
                MonthlyTable(
                    team_id=team_id,
                    month=month,
                    rows=[{"编号": c.number, "状态": c.status} for c in its],
                    generated_at=self.at(month_end(month) + dt.timedelta(days=1), 8),
                    returned_at=returned,
                    returned_by=self.team_lead[team_id] if returned else None,
                )
            )
        with manual_timestamps(MonthlyTable._meta.get_field("generated_at")):
            return insert(MonthlyTable, rows)

    # --- the cockpit's snapshots ---------------------------------------------------------------

    def snapshots(self) -> int:
        """Every team's figures on each working day of the last year before today, as the
        daily tick keeps them: today's figures of the day before, drifting back in time (the
        figures are computed once; every day's rows are stored, as the tick would)."""
        from duban.cockpit.models import Snapshot
        from duban.core import figures
        from duban.core.bulk import insert_rows

        rng = self.rng(14)
        yesterday = self.add_workdays(self.today, -1)
        base = figures.compute([t.pk for t in self.teams], yesterday)
        days = self.workdays_in(self.today - dt.timedelta(days=SNAPSHOT_DAYS), yesterday)
        cent = Decimal("0.01")

        def rows():
            for back, day in enumerate(reversed(days)):
                for team_id, values in base.items():
                    for code, value in values.items():
                        factor = Decimal(str(round(1 + rng.uniform(-0.1, 0.1) + back * 0.0005, 4)))
                        drifted = value * factor
                        if value == value.to_integral_value():
                            drifted = drifted.to_integral_value()
                        yield team_id, day, code, drifted.quantize(cent)

        return insert_rows(Snapshot, ["team", "day", "code", "value"], rows())

    def reset_sequences(self, *models) -> None:
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(sql)


def timezone_day(moment: dt.datetime, zone) -> dt.date:
    return moment.astimezone(zone).date()


def generate(
    seed: int = 2026,
    receivables: int = RECEIVABLES,
    resources: int = RESOURCES,
    log=print,
) -> dict:
    """Fill an empty, migrated database; returns the seconds each step took and the sizes."""
    from django.db import transaction

    log(f"Generating the bench company (seed {seed}, today {TODAY}) ...")
    began = last = time.perf_counter()
    steps, sizes = {}, {}

    def step(label, result=None):
        nonlocal last
        now = time.perf_counter()
        steps[label] = round(now - last, 1)
        last = now
        if isinstance(result, dict):
            sizes.update(result)
        elif result is not None:
            sizes[label] = result
        log(f"  {label}: {steps[label]} s" + (f" {result}" if result is not None else ""))

    sup = generate_supervision.Generator(seed, TODAY, 4, log=lambda text: log("  " + text))
    steps["supervision"] = sup.run()
    last = time.perf_counter()
    company = Company(seed, sup, TODAY, log=lambda text: log("  " + text))
    with fast_sqlite():
        with transaction.atomic():
            company.admin()
            step("risk history", company.risk_history())
            company.posts()
            step("staff changes", company.staff_changes())
            step("headcount plans", company.headcount_plans())
            step("trainings", company.trainings())
            step("talks", company.talks())
        log(f"  receivables: {receivables:,} ...")
        with transaction.atomic():
            step("receivables", company.receivables(receivables))
            step("AR-table versions", company.ar_tables())
        log(f"  resources: {resources:,} ...")
        with transaction.atomic():
            step("resources", company.resources(resources))
            step("big-table versions", company.big_tables())
        with transaction.atomic():
            step("sales leads", company.leads())
            step("lead tasks and summaries", company.lead_work())
            step("partner cycles", company.partner_cycles())
        with transaction.atomic():
            step("projects", company.projects())
        with transaction.atomic():
            step("after-sales", company.aftersales())
        with transaction.atomic():
            step("snapshots", company.snapshots())
    steps["total"] = round(time.perf_counter() - began, 1)
    return {"seconds": steps, "sizes": sizes, "target_days": company.target_days}


def record_path() -> Path:
    """Where the generation's timings and sizes are kept, beside the data (the benchmark
    reports them on later runs too)."""
    from django.conf import settings
    from django.db import connection

    stem = Path(str(connection.settings_dict["NAME"])).stem
    return Path(settings.DATA_DIR) / f"generation-{connection.vendor}-{stem}.json"


def generate_and_record(seed: int, receivables: int, resources: int, log=print) -> dict:
    import json

    from django.utils import timezone

    began = timezone.now()
    record = generate(seed=seed, receivables=receivables, resources=resources, log=log)
    record.update(seed=seed, at=began.isoformat(timespec="seconds"))
    record_path().write_text(json.dumps(record, default=str) + "\n")
    return record


def row_counts() -> dict[str, int]:
    from django.apps import apps

    names = [
        "org.User",
        "org.Team",
        "org.Employee",
        "supervision.FollowUpRule",
        "supervision.CheckIn",
        "supervision.Matter",
        "supervision.Chase",
        "supervision.Risk",
        "supervision.HistoricalRisk",
        "supervision.Plan",
        "supervision.PlanVersion",
        "supervision.Milestone",
        "supervision.TableVersion",
        "partners.Partner",
        "receivables.Receivable",
        "receivables.PlanLine",
        "receivables.Payment",
        "resources.Resource",
        "resources.Handover",
        "resources.CoverDay",
        "people.StaffChange",
        "people.HeadcountPlan",
        "people.TrainingPlan",
        "people.Training",
        "people.TrainingResult",
        "people.Talk",
        "leads.LeadRequest",
        "leads.SalesLead",
        "leads.LeadTask",
        "leads.LeadSummary",
        "leads.PartnerCycle",
        "projects.Project",
        "projects.ProjectMilestone",
        "projects.ProjectSummary",
        "projects.ProjectHandover",
        "projects.Indicator",
        "projects.Actual",
        "aftersales.Case",
        "aftersales.CaseStep",
        "aftersales.MonthlyTable",
        "cockpit.Snapshot",
    ]
    counts = {}
    for name in names:
        model = apps.get_model(name)
        counts[model.__name__] = model._base_manager.count()
    from duban.receivables.models import Receivable
    from duban.resources.models import Resource

    counts["Receivable (open)"] = Receivable.objects.open().count()
    counts["Resource (workable)"] = Resource.objects.workable().count()
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "env"], default="sqlite")
    parser.add_argument("--sqlite-path", help="SQLite file (default: DATA_DIR/" + SQLITE_NAME)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--receivables", type=int, default=RECEIVABLES)
    parser.add_argument("--resources", type=int, default=RESOURCES)
    args = parser.parse_args(argv)
    configure(args.db, args.sqlite_path)
    if not is_empty():
        print("The database already holds data; nothing generated.", file=sys.stderr)
        return 1
    generate_and_record(args.seed, args.receivables, args.resources)
    for model, count in row_counts().items():
        print(f"  {model:<22}{count:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
