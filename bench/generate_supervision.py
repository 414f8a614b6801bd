"""Generate a large company for the supervision benchmark (not part of the test suite).

Deterministic for a given seed: 4 business lines, 50 teams (40 front-end, 10 back-end), 1,000
employees, one lead per team, 3 supervisors and an executive; two years of working days of
check-ins (about 500,000), 8,000 matters, 8,000 risks and 4,000 plans with their versions and
milestones, as of the fixed date ``TODAY``.

Run on its own (the benchmark calls ``generate`` itself when the database is empty):

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/generate_supervision.py --db sqlite
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
import zoneinfo
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/duban_bench"
SQLITE_NAME = "bench_supervision.sqlite3"

TODAY = dt.date(2026, 6, 30)  # a Tuesday and a working day: "today" of every page measured
HISTORY_DAYS = 730  # two years of past check-ins
HORIZON_DAYS = 14  # check-ins exist this far ahead, as ``duban tick`` keeps them
OVERDUE_WINDOW_DAYS = 30  # past check-ins in this window may still be open (overdue)
OVERDUE_SHARE = 0.01
WAIVED_SHARE = 0.005
ADHOC_PER_DAY = 10  # check-ins scheduled by hand (no rule) per working day, company-wide
BATCH = 5000

LINES = ["华东条线", "华南条线", "华北条线", "西部条线", "渠道条线"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建文斌宇浩凯健俊帆琳晨欣雪婷"
TIMES = [dt.time(9, 30), dt.time(10, 0), dt.time(11, 0), dt.time(14, 0), dt.time(16, 30)]

# Rules beyond the 18 seed rules, so that two years make about 500,000 check-ins.
# (area, title, cadence, team kind: "front", "back" or "" for both)
EXTRA_RULES = [
    ("leads", "当日呼叫量与接通率", "daily", ""),
    ("people", "员工出勤与在岗情况", "daily", ""),
    ("aftersales", "客户投诉处理进展", "daily", ""),
    ("leads", "重点客户跟进情况", "daily", ""),
    ("general", "日报提交情况", "daily", ""),
    ("leads", "当日目标设定与完成", "daily", ""),
    ("people", "质检抽查结果反馈", "daily", ""),
    ("people", "新人带教进度", "daily", ""),
    ("leads", "话术执行与录音抽听", "daily", ""),
    ("resources", "资源使用率与剩余量", "daily", ""),
    ("general", "数据看板更新情况", "daily", ""),
    ("resources", "流转资源回访情况", "daily", ""),
    ("projects", "后端项目交付进度", "daily", "back"),
    ("receivables", "后端回款到账情况", "daily", "back"),
    ("projects", "合作单位对接情况", "twice_weekly", ""),
    ("general", "周总结与下周计划", "weekly", ""),
]

FINDINGS = [
    ("资源来源以老客户转介绍为主，本周新增 320 条，已分到各组。", "done"),
    ("流转资源已全部接收，已安排内勤当天回访。", "done"),
    ("主管已安排，但有两名员工请假，完成约七成。", "partly"),
    ("资源量不足，按日呼叫量只能支撑三天。", "not_done"),
    ("销线综述已更新，下一步目标是本周三前约到两家合作单位。", "done"),
    ("项目进度正常，后端已接收流转的 12 个项目。", "done"),
    ("回款计划已列出，大额款项客户承诺月底前支付。", "partly"),
    ("目标完成率 96%，差额部分明天补齐。", "done"),
]
NEXT_STEPS = ["明天上午再确认一次", "周五前补齐差额", "主管当天调整分组并反馈", "下周一复盘"]
ADHOC_TITLES = ["临时资源调配", "大客户投诉处理", "员工离职交接", "紧急回款协调", "系统故障影响"]
WAIVE_REASONS = ["主管外出培训，改期沟通", "团队团建，当天暂停", "主管病假"]
MATTER_TITLES = [
    "补齐资源大表缺失字段",
    "处理客户集中投诉",
    "落实新人带教计划",
    "完成逾期回款催收",
    "整改话术不规范问题",
    "补录销线综述",
    "核对项目交付清单",
    "调整排班保障接通率",
]
RISK_TITLES = {
    "manual": ["资源储备不足", "核心员工流失风险", "大客户回款延迟", "售后投诉上升"],
    "checkins_overdue": ["跟进逾期未完成"],
    "plan_submission_overdue": ["方案逾期未提交"],
    "milestones_overdue": ["方案节点逾期"],
    "matters_past_deadline": ["督办事项逾期"],
}
MILESTONE_TITLES = ["梳理原因并上报", "完成人员调整", "补充资源到位", "回款到账确认", "复盘总结"]
REVIEW_COMMENTS = {"": "", "approved": "同意，按节点推进", "returned": "措施不具体，请补充"}
POSITIONS = ["电销专员", "电销专员", "电销专员", "高级电销专员", "内勤", "组长"]


def configure(db: str, sqlite_path: str | None = None) -> None:
    """Point Django at the benchmark database, set it up and migrate it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    os.environ.setdefault("DUBAN_HTTPS", "false")
    os.environ.setdefault("DUBAN_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("DUBAN_DATA_DIR", str(BENCH_DIR / "data"))
    data_dir = Path(os.environ["DUBAN_DATA_DIR"]).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        os.environ.setdefault("DUBAN_DATABASE_URL", POSTGRES_URL)
        create_postgres_database(os.environ["DUBAN_DATABASE_URL"])
    elif db == "sqlite":
        path = Path(sqlite_path).resolve() if sqlite_path else data_dir / SQLITE_NAME
        os.environ["DUBAN_DATABASE_URL"] = f"sqlite:///{path}"
    # db == "env": use DUBAN_DATABASE_URL as given

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def create_postgres_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist (CREATE DATABASE needs
    autocommit, so this talks to the server's ``postgres`` database with psycopg)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def is_empty() -> bool:
    from duban.org.models import Team
    from duban.supervision.models import CheckIn

    return not (Team.objects.exists() or CheckIn.objects.exists())


@contextmanager
def manual_timestamps(*fields):
    """Let bulk_create keep the given auto_now_add values (created_at of two years ago)."""
    saved = [(field, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field, value in saved:
            field.auto_now_add = value


@contextmanager
def fast_sqlite():
    """PRAGMA synchronous=OFF for the duration of the generation only (SQLite)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB while writing
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


def insert(model, rows, batch: int = BATCH) -> int:
    """bulk_create ``rows`` (any iterable) in batches, in one transaction; returns the count."""
    from django.db import transaction

    count = 0
    chunk = []
    with transaction.atomic():
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                model.objects.bulk_create(chunk, batch_size=batch)
                count += len(chunk)
                chunk = []
        if chunk:
            model.objects.bulk_create(chunk, batch_size=batch)
            count += len(chunk)
    return count


class Generator:
    def __init__(self, seed: int, today: dt.date, lines: int, log=print):
        from django.conf import settings
        from django.contrib.auth.hashers import make_password

        self.rng = random.Random(seed)
        self.today = today
        self.start = today - dt.timedelta(days=HISTORY_DAYS)
        self.end = today + dt.timedelta(days=HORIZON_DAYS)
        self.line_count = lines
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.password = make_password("bench-duban-2026")  # hashed once, shared by everyone
        self.log = log
        self.used_names: set[str] = set()

    # --- helpers --------------------------------------------------------------------------

    def name(self) -> str:
        for _ in range(100):
            length = 1 if self.rng.random() < 0.3 else 2
            candidate = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(length)
            )
            if candidate not in self.used_names:
                break
        self.used_names.add(candidate)
        return candidate

    def at(self, day: dt.date, time: dt.time | None = None, spread_minutes: int = 0):
        """An aware datetime on ``day`` (Asia/Shanghai), at ``time`` plus up to the spread."""
        moment = dt.datetime.combine(day, time or dt.time(10, 0), tzinfo=self.tz)
        if spread_minutes:
            moment += dt.timedelta(minutes=self.rng.randrange(spread_minutes))
        return moment

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))

    # --- the organisation -----------------------------------------------------------------

    def organisation(self) -> None:
        from duban.org.choices import EmployeeStatus, Role, TeamKind
        from duban.org.models import BusinessLine, Employee, Team, User

        rng = self.rng
        joined = self.at(self.start - dt.timedelta(days=30))

        def user(username, role, **extra):
            return User(
                username=username,
                name=self.name(),
                role=role,
                password=self.password,
                date_joined=joined,
                **extra,
            )

        self.supervisors = [user(f"duban{i + 1}", Role.SUPERVISOR) for i in range(3)]
        self.executive = user("lingdao", Role.EXECUTIVE)
        User.objects.bulk_create([*self.supervisors, self.executive])

        lines = [BusinessLine(name=name) for name in LINES[: self.line_count]]
        BusinessLine.objects.bulk_create(lines)
        # each line has a primary supervisor (round robin); the first line also a second one,
        # so supervisor 1 oversees about half the company and supervisors share a line
        self.line_supervisor = {}
        through = BusinessLine.supervisors.through
        links = []
        for index, line in enumerate(lines):
            primary = self.supervisors[index % len(self.supervisors)]
            self.line_supervisor[line.pk] = primary
            links.append(through(businessline_id=line.pk, user_id=primary.pk))
        links.append(through(businessline_id=lines[0].pk, user_id=self.supervisors[-1].pk))
        through.objects.bulk_create(links)

        # 50 teams: 40 front-end and 10 back-end, spread over the lines
        teams = []
        for number in range(40):
            line = lines[number % len(lines)]
            teams.append(Team(name=f"{line.name[:2]}电销{number // len(lines) + 1}组", line=line))
        for number in range(10):
            line = lines[number % len(lines)]
            teams.append(
                Team(
                    name=f"{line.name[:2]}后端{number // len(lines) + 1}组",
                    line=line,
                    kind=TeamKind.BACK,
                )
            )
        Team.objects.bulk_create(teams)
        self.teams = teams
        self.team_by_pk = {team.pk: team for team in teams}

        leads = [user(f"lead{i + 1:02d}", Role.LEAD) for i in range(len(teams))]
        User.objects.bulk_create(leads)
        self.team_lead = {team.pk: lead for team, lead in zip(teams, leads, strict=True)}
        Team.leads.through.objects.bulk_create(
            Team.leads.through(team_id=team.pk, user_id=lead.pk)
            for team, lead in zip(teams, leads, strict=True)
        )

        employees = []
        for team, lead in zip(teams, leads, strict=True):
            for index in range(20):
                hire = self.day_between(self.start - dt.timedelta(days=900), self.today)
                roll = rng.random()
                status = EmployeeStatus.ACTIVE
                leave = None
                if index == 0:  # the lead's own employee record
                    name, login, position = lead.name, lead, "主管"
                else:
                    name, login, position = self.name(), None, rng.choice(POSITIONS)
                    if roll < 0.07:
                        status = EmployeeStatus.LEFT
                        leave = self.day_between(hire, self.today)
                    elif roll < 0.12:
                        status = EmployeeStatus.PROBATION
                    elif roll < 0.15:
                        status = EmployeeStatus.ON_LEAVE
                employees.append(
                    Employee(
                        name=name,
                        user=login,
                        team=team,
                        position=position,
                        status=status,
                        hire_date=hire,
                        leave_date=leave,
                        daily_capacity=rng.choice([0, 80, 100, 120, 150]),
                        phone=f"1{rng.randrange(3, 10)}{rng.randrange(10**9):09d}",
                    )
                )
        insert(Employee, employees)
        self.team_employees = {}
        for employee in employees:
            self.team_employees.setdefault(employee.team_id, []).append(employee)

    # --- rules and check-ins --------------------------------------------------------------

    def rules(self) -> list:
        from duban.org.models import Team
        from duban.supervision.choices import Channel, ScopeKind
        from duban.supervision.models import FollowUpRule

        FollowUpRule.objects.bulk_create(
            FollowUpRule(
                area=area,
                title=title,
                cadence=cadence,
                scope=ScopeKind.ALL,
                team_kind=kind,
                seed_ref="BENCH",
            )
            for area, title, cadence, kind in EXTRA_RULES
        )
        rules = list(FollowUpRule.objects.order_by("pk"))
        channels = [Channel.WECOM, Channel.PHONE, Channel.FACE]
        for index, rule in enumerate(rules):
            rule.owner = self.supervisors[0]
            rule.agreed_time = TIMES[index % len(TIMES)]
            rule.channel = channels[index % len(channels)]
            rule.start_date = self.start
        FollowUpRule.objects.bulk_update(rules, ["owner", "agreed_time", "channel", "start_date"])
        teams = list(Team.objects.filter(is_active=True).order_by("pk"))
        self.rule_teams = {rule.pk: [t for t in teams if self.covers(rule, t)] for rule in rules}
        return rules

    @staticmethod
    def covers(rule, team) -> bool:
        from duban.supervision.choices import ScopeKind

        if rule.scope == ScopeKind.TEAM:
            return rule.team_id == team.pk
        if rule.scope == ScopeKind.LINE and rule.line_id != team.line_id:
            return False
        return not rule.team_kind or rule.team_kind == team.kind

    def checkins(self, rules) -> int:
        from duban.core.calendar import workdays_between
        from duban.supervision.cadence import occurrences
        from duban.supervision.choices import Area, Channel, CheckInStatus, Escalation
        from duban.supervision.models import CheckIn

        rng = self.rng
        slack = dt.timedelta(days=40)
        around = workdays_between(self.start - slack, self.end + slack)
        workdays = [day for day in around if self.start <= day <= self.end]
        rule_days = {
            rule.pk: set(occurrences(rule.cadence, self.start, self.end, workdays=around))
            for rule in rules
        }
        overdue_from = self.today - dt.timedelta(days=OVERDUE_WINDOW_DAYS)
        workday_index = {day: index for index, day in enumerate(workdays)}
        today_index = workday_index[self.today]
        areas = [a for a in Area.values if a != Area.GENERAL]
        channels = Channel.values
        done_by = self.supervisors[0]

        def finish(checkin: CheckIn) -> None:
            """A past check-in: mostly done with a finding, rarely waived or left open."""
            day = checkin.date
            roll = rng.random()
            if day >= overdue_from and roll < OVERDUE_SHARE:
                late = today_index - workday_index[day]
                if late >= 2:
                    checkin.escalation = Escalation.SUPERVISOR
                    checkin.escalated_at = self.at(workdays[workday_index[day] + 2], None, 60)
                elif late >= 1:
                    checkin.escalation = Escalation.LEAD
                    checkin.escalated_at = self.at(workdays[workday_index[day] + 1], None, 60)
                return  # still planned: overdue on today's agenda
            if roll > 1 - WAIVED_SHARE:
                checkin.status = CheckInStatus.WAIVED
                checkin.waive_reason = rng.choice(WAIVE_REASONS)
                return
            findings, outcome = FINDINGS[rng.randrange(len(FINDINGS))]
            checkin.status = CheckInStatus.DONE
            checkin.findings = findings
            checkin.outcome = outcome
            if outcome != "done":
                checkin.next_step = rng.choice(NEXT_STEPS)
                checkin.next_milestone_date = day + dt.timedelta(days=rng.randrange(1, 8))
            checkin.done_at = self.at(day, checkin.agreed_time, 120)
            checkin.done_by = checkin.owner or done_by

        def rows():
            for day in workdays:
                past = day < self.today
                for rule in rules:
                    if day not in rule_days[rule.pk]:
                        continue
                    for team in self.rule_teams[rule.pk]:
                        checkin = CheckIn(
                            rule=rule,
                            area=rule.area,
                            title=rule.title,
                            team=team,
                            lead=self.team_lead[team.pk],
                            owner=self.line_supervisor[team.line_id],
                            date=day,
                            rule_date=day,
                            agreed_time=rule.agreed_time,
                            channel=rule.channel,
                        )
                        if past:
                            finish(checkin)
                        yield checkin
                for _ in range(ADHOC_PER_DAY):
                    team = rng.choice(self.teams)
                    checkin = CheckIn(
                        area=rng.choice(areas),
                        title=rng.choice(ADHOC_TITLES),
                        team=team,
                        lead=self.team_lead[team.pk],
                        owner=self.line_supervisor[team.line_id],
                        date=day,
                        agreed_time=rng.choice(TIMES),
                        channel=rng.choice(channels),
                        planned=False,
                        urgent=rng.random() < 0.3,
                    )
                    if past:
                        finish(checkin)
                    yield checkin

        return insert(CheckIn, rows())

    # --- risks, matters, plans ------------------------------------------------------------

    def risks(self, count: int) -> list:
        from duban.supervision.choices import Area, RiskLevel, RiskStatus
        from duban.supervision.models import Risk

        rng = self.rng
        sources = list(RISK_TITLES)
        areas = [a for a in Area.values if a != Area.GENERAL]
        active = {RiskStatus.OPEN, RiskStatus.PLANNING}
        risks = []
        for number in range(count):
            source = "manual" if rng.random() < 0.4 else rng.choice(sources[1:])
            team = None if rng.random() < 0.03 else rng.choice(self.teams)
            opened = self.day_between(self.start, self.today)
            age = (self.today - opened).days
            roll = rng.random()
            if age > 60:
                status = RiskStatus.RESOLVED if roll < 0.88 else RiskStatus.MITIGATED
            elif roll < 0.35:
                status = RiskStatus.OPEN
            elif roll < 0.6:
                status = RiskStatus.PLANNING
            elif roll < 0.75:
                status = RiskStatus.MITIGATED
            else:
                status = RiskStatus.RESOLVED
            resolved = None
            if status == RiskStatus.RESOLVED:
                resolved = min(self.today, opened + dt.timedelta(days=rng.randrange(1, 45)))
            title = rng.choice(RISK_TITLES[source])
            risks.append(
                Risk(
                    key=f"{source}:{'team:' + str(team.pk) if team else 'company'}:{number}",
                    source=source,
                    area=Area.GENERAL if source != "manual" else rng.choice(areas),
                    level=RiskLevel.RED if rng.random() < 0.3 else RiskLevel.YELLOW,
                    title=f"{team.name if team else '公司'}：{title}",
                    evidence=[f"{opened:%m-%d} 起连续 {rng.randrange(2, 9)} 个工作日未达标"],
                    team=team,
                    line_id=team.line_id if team else None,
                    subject_label=team.name if team else "",
                    status=status,
                    opened_on=opened,
                    last_seen_on=resolved
                    or (self.today if status in active else self.day_between(opened, self.today)),
                    resolved_on=resolved,
                    reopened_count=1 if rng.random() < 0.05 else 0,
                    raised_by=self.line_supervisor[team.line_id] if team else None,
                )
            )
        insert(Risk, risks)
        return risks

    def matters(self, count: int, risks) -> list:
        from duban.supervision.choices import Area, Escalation, MatterStatus, Priority
        from duban.supervision.models import Chase, Matter

        rng = self.rng
        team_risks = [risk for risk in risks if risk.team_id]
        matters = []
        for _ in range(count):
            risk = rng.choice(team_risks) if rng.random() < 0.1 else None
            team = self.team_by_pk[risk.team_id] if risk else rng.choice(self.teams)
            created = self.day_between(self.start, self.today)
            deadline = created + dt.timedelta(days=rng.randrange(3, 31))
            roll = rng.random()
            if deadline < self.today - dt.timedelta(days=30) or (
                deadline < self.today and roll < 0.7
            ):
                status = rng.choices(
                    [MatterStatus.LANDED, MatterStatus.FAILED, MatterStatus.CANCELLED], [80, 10, 10]
                )[0]
            else:
                status = rng.choices(
                    [
                        MatterStatus.OPEN,
                        MatterStatus.IN_PROGRESS,
                        MatterStatus.AWAITING_VERIFICATION,
                        MatterStatus.LANDED,
                        MatterStatus.CANCELLED,
                    ],
                    [30, 35, 15, 15, 5],
                )[0]
            closed = status in {MatterStatus.LANDED, MatterStatus.FAILED, MatterStatus.CANCELLED}
            late = not closed and deadline < self.today
            supervisor = self.line_supervisor[team.line_id]
            matters.append(
                Matter(
                    title=rng.choice(MATTER_TITLES),
                    description="按督办要求限期完成并反馈结果。",
                    area=risk.area if risk else rng.choice(Area.values),
                    team=team,
                    owner=self.team_lead[team.pk],
                    supervisor=supervisor,
                    deadline=deadline,
                    priority=rng.choices(
                        [Priority.URGENT, Priority.HIGH, Priority.NORMAL], [4, 20, 76]
                    )[0],
                    planned=rng.random() < 0.8,
                    agreed_at=self.at(created + dt.timedelta(days=1), rng.choice(TIMES)),
                    status=status,
                    risk=risk,
                    closing_note="已核实落地" if status == MatterStatus.LANDED else "",
                    closed_at=self.at(min(deadline, self.today), None, 480) if closed else None,
                    escalation=Escalation.SUPERVISOR if late else Escalation.NONE,
                    escalated_at=self.at(deadline + dt.timedelta(days=2)) if late else None,
                    created_at=self.at(created, dt.time(9, 0), 480),
                )
            )
        with manual_timestamps(Matter._meta.get_field("created_at")):
            insert(Matter, matters)

        chases = []
        for matter in matters:
            if rng.random() < 0.3:
                for _ in range(rng.randrange(1, 4)):
                    chases.append(
                        Chase(
                            matter=matter,
                            at=matter.created_at + dt.timedelta(hours=rng.randrange(4, 24 * 20)),
                            by=matter.supervisor,
                            channel=rng.choice(["wecom", "phone", "face"]),
                            note="请尽快反馈进展",
                        )
                    )
        with manual_timestamps(Chase._meta.get_field("at")):
            insert(Chase, chases)
        return matters

    def plans(self, count: int, risks, matters) -> int:
        from duban.supervision.choices import LIVE_PLAN_STATUSES, PlanStatus
        from duban.supervision.models import Milestone, Plan, PlanVersion

        rng = self.rng
        team_risks = [risk for risk in risks if risk.team_id]
        plans = []
        live_risks = set()  # a risk has one live plan at most (plan_one_live_per_risk)
        for _ in range(count):
            if rng.random() < 0.6:
                subject = rng.choice(team_risks)
                risk, matter, start = subject, None, subject.opened_on
            else:
                subject = rng.choice(matters)
                risk, matter, start = None, subject, subject.created_at.date()
            created = min(self.today, start + dt.timedelta(days=rng.randrange(0, 4)))
            submit_by = created + dt.timedelta(days=rng.randrange(3, 8))
            if (self.today - created).days > 60:
                status = rng.choices(
                    [PlanStatus.LANDED, PlanStatus.FAILED, PlanStatus.CANCELLED], [75, 10, 15]
                )[0]
            else:
                status = rng.choices(
                    [
                        PlanStatus.DEMANDED,
                        PlanStatus.SUBMITTED,
                        PlanStatus.RETURNED,
                        PlanStatus.APPROVED,
                        PlanStatus.LANDED,
                        PlanStatus.FAILED,
                        PlanStatus.CANCELLED,
                    ],
                    [10, 15, 8, 40, 20, 3, 4],
                )[0]
            if risk and status in LIVE_PLAN_STATUSES:
                if risk.pk in live_risks:
                    status = PlanStatus.CANCELLED  # superseded by the risk's live plan
                live_risks.add(risk.pk)
            final = {PlanStatus.LANDED, PlanStatus.FAILED, PlanStatus.CANCELLED}
            plans.append(
                Plan(
                    risk=risk,
                    matter=matter,
                    team_id=subject.team_id,
                    lead=self.team_lead[subject.team_id],
                    demanded_by=self.line_supervisor[self.team_by_pk[subject.team_id].line_id],
                    request="说明原因并给出补救措施，明确每个节点的负责人和日期。",
                    submit_by=submit_by,
                    status=status,
                    verification_note="已验证" if status == PlanStatus.LANDED else "",
                    closed_on=min(self.today, submit_by + dt.timedelta(days=rng.randrange(5, 40)))
                    if status in final
                    else None,
                    created_at=self.at(created, dt.time(9, 0), 480),
                )
            )
        with manual_timestamps(Plan._meta.get_field("created_at")):
            insert(Plan, plans)

        versions, version_milestones = [], []
        for plan in plans:
            if plan.status == PlanStatus.DEMANDED:
                continue  # nothing submitted yet
            submitted = plan.created_at + dt.timedelta(hours=rng.randrange(4, 72))
            returned_first = plan.status == PlanStatus.RETURNED or rng.random() < 0.15
            decisions = []
            if returned_first:
                decisions.append(PlanVersion.Decision.RETURNED)
            if plan.status != PlanStatus.RETURNED:
                decisions.append(
                    ""
                    if plan.status == PlanStatus.SUBMITTED
                    else PlanVersion.Decision.APPROVED
                    if plan.status != PlanStatus.CANCELLED or rng.random() < 0.5
                    else PlanVersion.Decision.RETURNED
                )
            for number, decision in enumerate(decisions, start=1):
                reviewed = submitted + dt.timedelta(hours=rng.randrange(2, 48))
                version = PlanVersion(
                    plan=plan,
                    number=number,
                    cause="资源分配不均，部分员工呼叫量不足。",
                    measures="重新分配资源，主管每日检查呼叫量并反馈。",
                    submitted_by=plan.lead,
                    submitted_at=submitted,
                    decision=decision,
                    review_comment=REVIEW_COMMENTS[decision],
                    reviewed_by=plan.demanded_by if decision else None,
                    reviewed_at=reviewed if decision else None,
                )
                versions.append(version)
                version_milestones.append((plan, version, decision))
                submitted = reviewed + dt.timedelta(hours=rng.randrange(4, 48))
        with manual_timestamps(PlanVersion._meta.get_field("submitted_at")):
            insert(PlanVersion, versions)

        milestones = []
        for plan, version, decision in version_milestones:
            employees = [e for e in self.team_employees[plan.team_id] if e.status != "left"]
            begin = version.submitted_at.date()
            for _ in range(rng.randrange(1, 4)):
                due = begin + dt.timedelta(days=rng.randrange(3, 30))
                done = None
                if decision == PlanVersion.Decision.APPROVED:
                    if plan.status == PlanStatus.LANDED:
                        done = due - dt.timedelta(days=rng.randrange(0, 3))
                    elif plan.status in {PlanStatus.APPROVED, PlanStatus.FAILED}:
                        if due < self.today and rng.random() < 0.75:
                            done = due - dt.timedelta(days=rng.randrange(0, 3))
                    done = min(done, self.today) if done else None
                milestones.append(
                    Milestone(
                        version=version,
                        title=rng.choice(MILESTONE_TITLES),
                        due_date=due,
                        owner=rng.choice(employees),
                        done_on=done,
                        evidence="已上传完成截图与数据表" if done else "",
                        done_by=plan.lead if done else None,
                    )
                )
        insert(Milestone, milestones)
        return len(plans)

    # --- all ------------------------------------------------------------------------------

    def run(self, checkins: bool = True, matters=8000, risks=8000, plans=4000) -> dict:
        steps = {}
        began = time.perf_counter()

        def step(label):
            now = time.perf_counter()
            steps[label] = round(now - step.last, 1)
            step.last = now
            self.log(f"  {label}: {steps[label]} s")

        step.last = began
        with fast_sqlite():
            self.organisation()
            step("organisation")
            rules = self.rules()
            if checkins:
                self.log(f"  check-ins: {len(rules)} rules, {self.start} to {self.end} ...")
                self.checkins(rules)
                step("checkins")
            risk_rows = self.risks(risks)
            step("risks")
            matter_rows = self.matters(matters, risk_rows)
            step("matters and chases")
            self.plans(plans, risk_rows, matter_rows)
            step("plans, versions and milestones")
        steps["total"] = round(time.perf_counter() - began, 1)
        return steps


def generate(seed: int = 2026, today: dt.date = TODAY, lines: int = 4, log=print) -> dict:
    """Fill an empty, migrated database; returns the seconds each step took."""
    if not 2 <= lines <= len(LINES):
        raise ValueError(f"lines must be between 2 and {len(LINES)}")
    log(f"Generating the benchmark company (seed {seed}, today {today}) ...")
    return Generator(seed, today, lines, log).run()


def row_counts() -> dict[str, int]:
    from duban.org.models import BusinessLine, Employee, Team, User
    from duban.supervision.models import (
        Chase,
        CheckIn,
        FollowUpRule,
        Matter,
        Milestone,
        Plan,
        PlanVersion,
        Risk,
    )

    models = [
        User,
        BusinessLine,
        Team,
        Employee,
        FollowUpRule,
        CheckIn,
        Matter,
        Chase,
        Risk,
        Plan,
        PlanVersion,
        Milestone,
    ]
    return {model.__name__: model.objects.count() for model in models}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "env"], default="sqlite")
    parser.add_argument("--sqlite-path", help="SQLite file (default: DATA_DIR/" + SQLITE_NAME)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--lines", type=int, default=4, help="business lines, 2 to 5")
    args = parser.parse_args(argv)
    configure(args.db, args.sqlite_path)
    if not is_empty():
        print("The database already holds data; nothing generated.", file=sys.stderr)
        return 1
    generate(seed=args.seed, lines=args.lines)
    for model, count in row_counts().items():
        print(f"  {model:<14}{count:>9,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
