"""Generate a large resource pool for the resources benchmark (not part of the test suite).

Deterministic for a given seed: 4 business lines with a supervisor each (``duban1`` …
``duban4``), 50 telesales teams with a lead each (``lead01`` … ``lead50``) and about 15
employees each (with their daily calling capacity), the sources and categories lists, and
10,000,000 resources on PostgreSQL (1,000,000 on SQLite) received on the working days of the
year before ``TODAY``; each team's newest resources are the workable ones (assigned, new or in
progress: its days of cover), the older ones closed or dormant. Plus about 3,200 hand-overs of
the last eight weeks and the next week in every status, eight weeks of recorded cover
(CoverDay) and the previous week's big-table version. Then writes the 200,000-row weekly big
table (xlsx) of the first line's teams that the benchmark imports: half of it the newest
resources of those teams (30 % of them changed), half new ones.

Run on its own (the benchmark calls ``generate`` itself when the database is empty):

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/generate_resources.py --db sqlite
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
import zoneinfo
from collections import deque
from contextlib import contextmanager
from pathlib import Path

from generate_supervision import (
    BENCH_DIR,
    GIVEN,
    LINES,
    SURNAMES,
    create_postgres_database,
    fast_sqlite,
    manual_timestamps,
)

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/duban_bench_res"
SQLITE_NAME = "bench_resources.sqlite3"

TODAY = dt.date(2026, 6, 30)  # "today" of every measurement (a Tuesday, a working day)
PREVIOUS_AS_OF = TODAY - dt.timedelta(days=7)  # the big-table version before the imported one
HISTORY_DAYS = 364  # resources received on the working days of the last year
RESOURCES = {"postgresql": 10_000_000, "sqlite": 1_000_000}
TEAMS = 50
LINE_COUNT = 4
IMPORT_ROWS = 200_000
IMPORT_EXISTING = 100_000  # rows of the import file that are resources already held
CHANGED_SHARE = 0.3  # of those, changed since (status, last call, owner, note)
SHARED_PHONE_SHARE = 0.005  # a resource whose number another team holds too
HANDOVER_WEEKS = 8
HANDOVER_AHEAD = 5  # working days of planned hand-overs after today
TREND_WEEKS = 8

# Phone numbers, unique by construction: the n-th mobile is a permutation of n over the
# 7 × 10⁹ numbers 13x … 19x, the n-th landline one over 8 × 10⁷ eight-digit numbers.
MOBILE_SPACE = 7 * 10**9
MOBILE_STEP = 2_654_435_761  # prime, coprime with MOBILE_SPACE
LANDLINE_SPACE = 8 * 10**7
LANDLINE_STEP = 48_271  # prime, coprime with LANDLINE_SPACE
AREAS = ["010", "020", "021", "022", "023", "025", "027", "028", "029", "0571", "0574", "0755"]
LANDLINE_SHARE = 0.06  # resources whose main number is a landline
PHONE2_SHARE = 0.08  # resources with a second (landline) number
PHONE2_FROM = 40_000_000  # second numbers: landlines of indexes from here
IMPORT_PHONES_FROM = 20_000_000  # the import file's new numbers: indexes from here

SOURCES = [  # (name, weight)
    ("老客户转介绍", 12),
    ("展会", 8),
    ("官网来电", 10),
    ("购买名单", 25),
    ("合作伙伴", 6),
    ("百度推广", 9),
    ("抖音线索", 8),
    ("地推", 4),
    ("行业协会", 3),
    ("企业名录", 7),
    ("招投标网", 3),
    ("电话黄页", 2),
]
CATEGORIES = "制造业 贸易 教育 医药 互联网 建筑 物流 餐饮 零售 金融 房地产 汽车 农业 能源 文旅"
CATEGORY_NAMES = CATEGORIES.split()
CITIES = "杭州 宁波 温州 苏州 无锡 南京 上海 合肥 广州 深圳 佛山 东莞 厦门 福州 北京 天津".split()
CITIES += "济南 青岛 郑州 成都 重庆 西安 昆明 长沙 武汉 南昌".split()
BRAND = "恒达盛华鑫源泰安宏远嘉信德瑞丰隆润通兴旺金辉新锐博创佳和立诚永昌汇力中天海"
TRADES = "科技 贸易 实业 建设 信息 医药 物流 电子 食品 教育 机电 建材 商贸 网络".split()
FIRM_KINDS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "商行", "工作室"]
TITLES = ["先生", "女士", "经理", "总", "老师", "主任", "老板"]
NOTES = [
    "客户说下周再联系",
    "对价格敏感，需要优惠方案",
    "已加微信，发了资料",
    "老板出差，找采购负责人",
    "有意向，约了上门拜访",
    "号码是前台，转接不到负责人",
    "明确拒绝，不要再打",
    "已发报价单，等待回复",
]
HANDOVER_REASONS = ["均衡各人资源量", "员工休假，资源交同事跟进", "员工离职交接", "支援兄弟团队"]
ARRANGEMENTS = [
    ("三天内逐条回访，A、B 级当天打完", "已回访完，约到 3 家面谈"),
    ("按级别分批拨打，主管每天下班前看结果", "完成八成，剩余明天补齐"),
    ("先发短信再电话跟进", ""),
]
FIELDS = [  # the resource columns the generator writes (the import's FIELDS and the rest)
    "id",
    "number",
    "contact_name",
    "company",
    "phone",
    "phone2",
    "source",
    "category",
    "grade",
    "team",
    "owner",
    "status",
    "outcome",
    "received_on",
    "last_worked_on",
    "note",
    "batch",
    "version",
]


def configure(db: str, sqlite_path: str | None = None, migrate: bool = True) -> None:
    """Point Django at the resources benchmark database, set it up and (by default) migrate."""
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
    from duban.resources.models import Resource

    return not (Team.objects.exists() or Resource.objects.exists())


def default_count() -> int:
    from django.db import connection

    return RESOURCES.get(connection.vendor, RESOURCES["sqlite"])


def mobile(n: int) -> str:
    x = (n * MOBILE_STEP + 12_345) % MOBILE_SPACE
    return f"1{3 + x // 10**9}{x % 10**9:09d}"


def landline(n: int) -> str:
    x = (n * LANDLINE_STEP + 777) % LANDLINE_SPACE
    return f"{AREAS[n % len(AREAS)]}-{20_000_000 + x}"


def phone_of(n: int, rng: random.Random) -> str:
    return landline(n) if rng.random() < LANDLINE_SHARE else mobile(n)


def weighted_table(pairs, size: int = 100) -> list:
    """A list of ``size`` values in proportion to their weights: drawn from by index."""
    total = sum(weight for _, weight in pairs)
    table = []
    for value, weight in pairs:
        table += [value] * round(size * weight / total)
    return table


def import_file_path(seed: int, resources: int) -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / (
        f"resources-import-{IMPORT_ROWS // 1000}k-of-{resources // 1000}k-seed{seed}.xlsx"
    )


def originals_path(path: Path) -> Path:
    """The database rows the import file updates, as they were: the benchmark restores them."""
    return path.with_name(path.stem + "-originals.json")


@contextmanager
def without_secondary_indexes(model, log=print):
    """Drop the table's indexes (all but the primary key's) and, on PostgreSQL, its foreign
    keys while rows are loaded, then build them again as they were: building an index once
    is much faster than inserting ten million random keys, and a deferred foreign-key check
    per row and key would queue tens of millions of trigger events."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the checks of the rows written so far (their teams, employees) are due now: a
            # table with pending trigger events cannot be altered
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                "AND i.indexname NOT IN (SELECT conname FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))",
                [table, table],
            )
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                [table],
            )
            constraints = cursor.fetchall()
            for name, _definition in constraints:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            indexes, constraints = cursor.fetchall(), []
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
    yield
    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    log(
        f"    {len(indexes)} indexes and {len(constraints)} constraints built again in "
        f"{time.perf_counter() - began:.1f} s"
    )


class Generator:
    def __init__(self, seed: int, today: dt.date = TODAY, log=print):
        from django.conf import settings
        from django.contrib.auth.hashers import make_password

        from duban.core import calendar

        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.password = make_password("bench-duban-2026")  # hashed once, shared by everyone
        self.log = log
        self.used_names: set[str] = set()
        self.first_day = today - dt.timedelta(days=HISTORY_DAYS)
        # every calendar day of the year as date objects, looked up by index
        self.days = [self.first_day + dt.timedelta(days=n) for n in range(HISTORY_DAYS + 1)]
        self.workdays = [
            (day - self.first_day).days for day in calendar.workdays_between(self.first_day, today)
        ]

    def person(self) -> str:
        for _ in range(200):
            candidate = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(1 if self.rng.random() < 0.3 else 2)
            )
            if candidate not in self.used_names:
                break
        self.used_names.add(candidate)
        return candidate

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    # --- the organisation and the lists --------------------------------------------------

    def organisation(self) -> None:
        from duban.org.choices import EmployeeStatus, Role
        from duban.org.models import BusinessLine, Employee, Team, User

        rng = self.rng
        joined = self.at(self.first_day - dt.timedelta(days=60), 9)

        def user(username, role, name):
            return User(
                username=username, name=name, role=role, password=self.password, date_joined=joined
            )

        self.admin = user("admin", Role.ADMIN, "系统管理员")
        self.executive = user("lingdao", Role.EXECUTIVE, self.person())
        self.supervisors = [
            user(f"duban{n + 1}", Role.SUPERVISOR, self.person()) for n in range(LINE_COUNT)
        ]
        User.objects.bulk_create([self.admin, self.executive, *self.supervisors])
        lines = [BusinessLine(name=name) for name in LINES[:LINE_COUNT]]
        BusinessLine.objects.bulk_create(lines)
        BusinessLine.supervisors.through.objects.bulk_create(
            BusinessLine.supervisors.through(businessline_id=line.pk, user_id=supervisor.pk)
            for line, supervisor in zip(lines, self.supervisors, strict=True)
        )
        teams = []
        for number in range(TEAMS):
            line = lines[number % len(lines)]
            teams.append(Team(name=f"{line.name[:2]}电销{number // len(lines) + 1}组", line=line))
        Team.objects.bulk_create(teams)
        leads = [user(f"lead{n + 1:02d}", Role.LEAD, self.person()) for n in range(len(teams))]
        User.objects.bulk_create(leads)
        Team.leads.through.objects.bulk_create(
            Team.leads.through(team_id=team.pk, user_id=lead.pk)
            for team, lead in zip(teams, leads, strict=True)
        )
        self.lines, self.teams = lines, teams
        self.team_lead = {team.pk: lead for team, lead in zip(teams, leads, strict=True)}

        employees = []
        for team in teams:
            for index in range(rng.randint(12, 18)):
                hire = self.first_day - dt.timedelta(days=rng.randrange(-300, 900))
                roll, status, leave = rng.random(), EmployeeStatus.ACTIVE, None
                if index and roll < 0.06:
                    status = EmployeeStatus.LEFT
                    leave = min(self.today, hire + dt.timedelta(days=rng.randrange(30, 400)))
                elif roll < 0.14:
                    status = EmployeeStatus.PROBATION
                elif roll < 0.18:
                    status = EmployeeStatus.ON_LEAVE
                employees.append(
                    Employee(
                        name=self.person(),
                        team=team,
                        position="内勤" if index == 1 else "电话销售",
                        status=status,
                        hire_date=hire,
                        leave_date=leave,
                        # a tenth have none entered: the settings' default (60) is counted
                        daily_capacity=0 if rng.random() < 0.1 else rng.randrange(40, 130, 5),
                    )
                )
        Employee.objects.bulk_create(employees, batch_size=500)
        self.employees = employees
        self.team_employees = {team.pk: [] for team in teams}
        for employee in employees:
            self.team_employees[employee.team_id].append(employee)

    def lists(self) -> None:
        from duban.resources.models import Category, Settings, Source

        Settings.current()
        sources = [Source(name=name, order=n) for n, (name, _) in enumerate(SOURCES)]
        sources.append(Source(name="电视广告", order=len(sources), is_active=False))
        Source.objects.bulk_create(sources)
        categories = [Category(name=name, order=n) for n, name in enumerate(CATEGORY_NAMES)]
        Category.objects.bulk_create(categories)
        self.source_ids = {source.name: source.pk for source in sources}
        self.category_ids = {category.name: category.pk for category in categories}
        self.source_table = weighted_table(
            [(self.source_ids[name], weight) for name, weight in SOURCES] + [(None, 5)]
        )
        self.category_table = [self.category_ids[name] for name in CATEGORY_NAMES] * 6
        self.category_table += [None] * 10

    # --- resources -------------------------------------------------------------------------

    def plan(self, count: int) -> None:
        """Which team receives each resource, and how many of each team's newest are
        workable: its days of cover (three teams short, three running short soon) times the
        capacity of its people on duty."""
        from duban.org.choices import EmployeeStatus

        rng = self.rng
        on_duty = {EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION}
        self.capacity, self.sellers, self.holders = {}, {}, {}
        for team in self.teams:
            people = self.team_employees[team.pk]
            duty = [e for e in people if e.status in on_duty]
            self.capacity[team.pk] = sum(e.daily_capacity or 60 for e in duty)
            # who holds workable resources: the people on duty, in proportion to their calls
            self.sellers[team.pk] = [
                e.pk for e in duty for _ in range(max(1, (e.daily_capacity or 60) // 10))
            ]
            self.holders[team.pk] = [e.pk for e in people]  # anyone, for older resources
        weights = [self.capacity[t.pk] * rng.uniform(0.7, 1.3) for t in self.teams]
        order = list(range(len(self.teams)))
        rng.shuffle(order)
        days = {}
        for rank, index in enumerate(order):
            if rank < 3:
                days[index] = rng.uniform(1.0, 2.6)  # short of cover
            elif rank < 6:
                days[index] = rng.uniform(3.2, 5.5)  # short soon
            else:
                days[index] = rng.uniform(6, 18)
        self.team_of = bytearray()
        chunk = 1_000_000
        for start in range(0, count, chunk):
            size = min(chunk, count - start)
            self.team_of += bytes(rng.choices(range(len(self.teams)), weights, k=size))
        sizes = [0] * len(self.teams)
        for index in self.team_of:
            sizes[index] += 1
        self.team_size = sizes
        # the newest ``window`` rows of a team are 90 % workable (the rest: not yet assigned,
        # closed or gone dormant at once); a third of those are fresh (mostly not called yet)
        self.window, self.fresh = [], []
        for index, team in enumerate(self.teams):
            workable = days[index] * self.capacity[team.pk]
            window = min(int(workable / 0.9), int(sizes[index] * 0.85))
            self.window.append(sizes[index] - window)
            self.fresh.append(sizes[index] - window // 3)
        self.target_days = {self.teams[i].pk: round(d, 1) for i, d in days.items()}

    def resource_rows(self, count: int):
        """The resource rows as tuples of FIELDS, in the order they were received."""
        rng = self.rng
        random_ = rng.random
        days, workdays = self.days, self.workdays
        last_day = len(days) - 1
        teams = [team.pk for team in self.teams]
        numbered = {team.pk for team in self.teams[::3]}  # a third of the teams number them
        codes = {team.pk: f"ZY{n + 1:02d}-" for n, team in enumerate(self.teams)}
        sellers, holders = self.sellers, self.holders
        sources, categories = self.source_table, self.category_table
        grades = ["A"] * 2 + ["B"] * 4 + ["C"] * 7 + ["D"] * 3 + [""] * 4
        names = [
            rng.choice(SURNAMES) + rng.choice(TITLES)
            if rng.random() < 0.6
            else rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            for _ in range(4000)
        ]
        firms = [
            rng.choice(CITIES) + rng.choice(BRAND) + rng.choice(BRAND) + rng.choice(TRADES)
            for _ in range(30_000)
        ]
        firms = [firm + rng.choice(FIRM_KINDS) for firm in firms]
        seen = [0] * len(teams)
        window, fresh = self.window, self.fresh
        self.recent = {e.pk: deque(maxlen=80) for e in self.employees}  # for hand-overs
        recent = self.recent
        team_of, spread = self.team_of, len(workdays)
        previous_phone, previous_team = "", -1
        for i in range(count):
            index = team_of[i]
            team = teams[index]
            k = seen[index]
            seen[index] = k + 1
            received = workdays[i * spread // count]
            age = last_day - received
            roll = random_()
            owner, outcome, worked = None, "", None
            if k >= window[index]:  # the team's newest
                if roll < 0.9:
                    choices = sellers[team]
                    owner = choices[int(random_() * len(choices))]
                    if (k >= fresh[index] and random_() < 0.75) or random_() < 0.12:
                        status = "new"
                    else:
                        status = "in_progress"
                        worked = received + int(random_() * (min(age, 20) + 1))
                    recent[owner].append(i + 1)
                elif roll < 0.94:
                    status = "new"  # in the team's pool, not yet assigned
                elif roll < 0.98:
                    status, outcome = "closed", "lost"
                    choices = sellers[team]
                    owner = choices[int(random_() * len(choices))]
                    worked = received + int(random_() * (min(age, 5) + 1))
                else:
                    status = "dormant"
                    choices = sellers[team]
                    owner = choices[int(random_() * len(choices))]
                    worked = received + int(random_() * (min(age, 10) + 1))
            else:
                choices = holders[team]
                owner = choices[int(random_() * len(choices))] if roll < 0.97 else None
                roll = random_()
                if roll < 0.002 and owner is not None:
                    status = "in_progress"  # a long follow-up
                elif roll < 0.36:
                    status = "dormant"
                else:
                    status = "closed"
                    outcome = "won" if random_() < 0.08 else "lost"
                worked = received + int(random_() * (min(age, 40) + 1))
            if random_() < SHARED_PHONE_SHARE and previous_team != team and previous_phone:
                phone = previous_phone  # the same number in another team (never a third)
                previous_phone = ""
            else:
                phone = landline(i) if random_() < LANDLINE_SHARE else mobile(i)
                previous_phone, previous_team = phone, team
            yield (
                i + 1,
                f"{codes[team]}{k + 1:07d}" if team in numbered else "",
                names[int(random_() * 4000)],
                firms[int(random_() * 30_000)] if random_() < 0.65 else "",
                phone,
                landline(PHONE2_FROM + i) if random_() < PHONE2_SHARE else "",
                sources[int(random_() * len(sources))],
                categories[int(random_() * len(categories))],
                grades[int(random_() * 20)],
                team,
                owner,
                status,
                outcome,
                days[received],
                None if worked is None else days[worked],
                NOTES[int(random_() * len(NOTES))] if random_() < 0.04 else "",
                None,
                1,
            )

    def resources(self, count: int) -> int:
        from django.core.management.color import no_style
        from django.db import connection, transaction

        from duban.core.bulk import insert_rows
        from duban.resources.models import Resource

        self.plan(count)
        began, done = time.perf_counter(), 0

        def logged(rows):
            nonlocal done
            for row in rows:
                done += 1
                if done % 1_000_000 == 0:
                    rate = done / (time.perf_counter() - began)
                    self.log(f"    {done:,} rows ({rate:,.0f} a second)")
                yield row

        with transaction.atomic():
            with without_secondary_indexes(Resource, self.log):
                written = insert_rows(Resource, FIELDS, logged(self.resource_rows(count)))
                self.log(f"    {written:,} rows written in {time.perf_counter() - began:.1f} s")
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Resource]):
                    cursor.execute(sql)
        return written

    # --- hand-overs, recorded cover, the previous table version -----------------------------

    def handovers(self) -> int:
        """Each team's hand-overs of the last eight weeks and the next five working days:
        one to three a working day, a tenth of them swaps with another team of the line."""
        from duban.core import calendar
        from duban.org.choices import EmployeeStatus
        from duban.resources.models import Handover

        rng = self.rng
        today = self.today
        self.yesterday = calendar.previous_workday(today)
        days = calendar.workdays_between(today - dt.timedelta(weeks=HANDOVER_WEEKS), today)
        days += [calendar.add_workdays(today, n + 1) for n in range(HANDOVER_AHEAD)]
        on_duty = {EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION}
        duty = {
            team.pk: [e for e in self.team_employees[team.pk] if e.status in on_duty]
            for team in self.teams
        }
        line_teams = {}
        for team in self.teams:
            line_teams.setdefault(team.line_id, []).append(team)
        handovers, links = [], []
        for day in days:
            for team in self.teams:
                for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
                    giver = rng.choice(duty[team.pk])
                    swap = rng.random() < 0.1
                    to_team = rng.choice(line_teams[team.line_id]) if swap else team
                    receiver = rng.choice(duty[to_team.pk])
                    if receiver.pk == giver.pk:
                        continue
                    swap = to_team.pk != team.pk
                    handover = self.handover(team, to_team, giver, receiver, day, swap)
                    handovers.append(handover)
                    held = list(self.recent[giver.pk])
                    if held and rng.random() < 0.5:
                        chosen = rng.sample(held, min(len(held), handover.count))
                        handover.count = len(chosen)
                        links.append(chosen)
                    else:
                        links.append([])
        with manual_timestamps(Handover._meta.get_field("created_at")):
            Handover.objects.bulk_create(handovers, batch_size=1000)
        through = Handover.resources.through
        through.objects.bulk_create(
            (
                through(handover_id=handover.pk, resource_id=resource)
                for handover, chosen in zip(handovers, links, strict=True)
                for resource in chosen
            ),
            batch_size=5000,
        )
        return len(handovers)

    def handover(self, team, to_team, giver, receiver, day, swap):
        from duban.core import calendar
        from duban.resources.choices import HandoverKind, HandoverStatus
        from duban.resources.models import Handover

        rng, today, yesterday = self.rng, self.today, self.yesterday
        lead, to_lead = self.team_lead[team.pk], self.team_lead[to_team.pk]
        roll = rng.random()
        if day > today:
            status = HandoverStatus.REQUESTED if swap and roll < 0.5 else HandoverStatus.PLANNED
        elif day == today:
            status = (
                HandoverStatus.PLANNED
                if roll < 0.6
                else HandoverStatus.SENT
                if roll < 0.85
                else HandoverStatus.RECEIVED
            )
        elif day == yesterday:
            status = (
                HandoverStatus.RECEIVED
                if roll < 0.6
                else HandoverStatus.SENT
                if roll < 0.85
                else HandoverStatus.PLANNED
                if roll < 0.95
                else HandoverStatus.CANCELLED
            )
        else:
            status = (
                HandoverStatus.RECEIVED
                if roll < 0.88
                else HandoverStatus.CANCELLED
                if roll < 0.94
                else HandoverStatus.SENT  # late: sent, never confirmed
                if roll < 0.97
                else HandoverStatus.REQUESTED
                if swap
                else HandoverStatus.PLANNED  # late: never sent
            )
        approved = swap and status != HandoverStatus.REQUESTED
        sent = status in (HandoverStatus.SENT, HandoverStatus.RECEIVED)
        received = status == HandoverStatus.RECEIVED
        received_day = day if day == today or rng.random() < 0.8 else calendar.next_workday(day)
        received_day = min(received_day, today)
        arrangement, result = ("", "")
        if received and rng.random() < 0.3:
            arrangement, result = rng.choice(ARRANGEMENTS)
        return Handover(
            kind=HandoverKind.SWAP if swap else HandoverKind.HANDOVER,
            team=team,
            to_team=to_team,
            from_employee=giver,
            to_employee=receiver,
            count=rng.randint(5, 60),
            planned_on=day,
            reason=rng.choice(HANDOVER_REASONS),
            status=status,
            approved_by_from=lead if approved else None,
            approved_by_to=to_lead if approved else None,
            sent_at=self.at(day, 9, rng.randrange(60)) if sent else None,
            received_at=self.at(received_day, 14, rng.randrange(60)) if received else None,
            received_by=to_lead if received else None,
            arrangement=arrangement,
            arrangement_result=result,
            created_by=lead,
            created_at=self.at(day - dt.timedelta(days=1), 17),
            version=2 if sent else 1,
        )

    def cover_days(self) -> int:
        """What ``duban tick`` recorded each working day of the last eight weeks: the stock
        drifting down to today's."""
        from duban.core import calendar
        from duban.org.choices import EmployeeStatus
        from duban.resources.models import CoverDay

        rng = self.rng
        days = calendar.workdays_between(self.today - dt.timedelta(weeks=TREND_WEEKS), self.today)
        days = days[:-1]  # today's is recorded by the tick itself
        on_duty = {EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION}
        rows = []
        for team in self.teams:
            capacity = sum(
                e.daily_capacity or 60 for e in self.team_employees[team.pk] if e.status in on_duty
            )
            workable = int(self.target_days[team.pk] * capacity)
            for index, day in enumerate(days):
                drift = 1 + (len(days) - index) * rng.uniform(-0.01, 0.03)
                rows.append(
                    CoverDay(team=team, day=day, workable=int(workable * drift), capacity=capacity)
                )
        CoverDay.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def previous_version(self, count: int) -> None:
        """Last week's big table of every team, so that an import links to it."""
        from duban.core.models import ImportBatch
        from duban.resources.supervised import RESOURCE_TABLE
        from duban.supervision.models import TableVersion

        batch = ImportBatch.objects.create(
            kind=RESOURCE_TABLE.name,
            filename=f"资源大表-{PREVIOUS_AS_OF:%Y%m%d}.xlsx",
            file=f"imports/{PREVIOUS_AS_OF:%Y/%m}/generated.xlsx",  # no file: history only
            sha256="0" * 64,
            uploaded_by=self.admin,
            status=ImportBatch.Status.COMMITTED,
            # how many resources were generated: the benchmark's clean-up reads it back
            options={"as_of": PREVIOUS_AS_OF.isoformat(), "generated_resources": count},
            committed_at=self.at(PREVIOUS_AS_OF, 17),
        )
        TableVersion.objects.bulk_create(
            TableVersion(
                kind=RESOURCE_TABLE.name,
                team=team,
                as_of=PREVIOUS_AS_OF,
                batch=batch,
                rows=self.team_size[index] - self.window[index],
                summary={"reassigned": 0, "closed": 0, "dormant": 0},
            )
            for index, team in enumerate(self.teams)
        )

    def run(self, count: int) -> dict:
        steps = {}
        began = last = time.perf_counter()

        def step(label):
            nonlocal last
            now = time.perf_counter()
            steps[label] = round(now - last, 1)
            last = now
            self.log(f"  {label}: {steps[label]} s")

        from django.db import transaction

        with fast_sqlite(), transaction.atomic():  # all or nothing: a failed run leaves it empty
            self.organisation()
            self.lists()
            step("organisation and lists")
            self.log(f"  resources: {count:,} ...")
            self.resources(count)
            step("resources")
            self.log(f"  hand-overs: {self.handovers():,}")
            self.log(f"  cover records: {self.cover_days():,}")
            self.previous_version(count)
            step("hand-overs, cover records, previous table version")
        steps["total"] = round(time.perf_counter() - began, 1)
        return steps


# --- the import file -------------------------------------------------------------------------

STATUS_WORDS = {
    "new": ["新分配", "新资源", "未拨打", "新资源"],
    "in_progress": ["跟进中", "跟进中", "在跟", "有意向"],
    "dormant": ["沉睡", "休眠"],
    "closed": ["已关闭", "已关闭", "结束"],
}
OUTCOME_WORDS = {"won": ["成交", "已签单"], "lost": ["无意向", "无意向", "拒绝", "空号"]}
GRADE_WORDS = {"": [""], **{g: [g, g, f"{g}类", f"{g.lower()}级"] for g in "ABCD"}}
# the headers as a team keeps them: the importer's synonyms, and a row number it ignores
IMPORT_HEADERS = [
    ("序号", "line", "number"),
    ("客户姓名", "contact_name", "text"),
    ("公司名称", "company", "text"),
    ("手机号码", "phone", "number"),  # mobiles partly typed as numbers, as Excel keeps them
    ("座机", "phone2", "text"),
    ("渠道", "source", "text"),
    ("行业", "category", "text"),
    ("意向等级", "grade", "text"),
    ("业务员", "owner", "text"),
    ("跟进状态", "status", "text"),
    ("跟进结果", "outcome", "text"),
    ("分配日期", "received_on", "date"),
    ("最近跟进日期", "last_worked_on", "date"),
    ("跟进记录", "note", "text"),
]
ORIGINAL_FIELDS = [
    "number",
    "contact_name",
    "company",
    "phone",
    "phone2",
    "source_id",
    "category_id",
    "grade",
    "team_id",
    "owner_id",
    "status",
    "outcome",
    "received_on",
    "last_worked_on",
    "note",
    "version",
]


def import_user():
    """Who imports the table: the supervisor of the first line (its teams' weekly table)."""
    from duban.org.models import BusinessLine

    return BusinessLine.objects.order_by("pk").first().supervisors.order_by("pk").first()


def messy_phone(phone: str, rng: random.Random):
    """A number as people type it: as is, spaced, dashed, or a mobile kept as a number."""
    if "-" in phone or not phone:
        return phone.replace("-", " ") if phone and rng.random() < 0.2 else phone
    roll = rng.random()
    if roll < 0.6:
        return phone
    if roll < 0.7:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if roll < 0.8:
        return f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
    return int(phone)


def write_import_file(seed: int, resources: int, log=print) -> Path:
    """Write the weekly big table of the first line's teams: the newest IMPORT_EXISTING
    resources they hold (CHANGED_SHARE of them changed since), then as many new ones, shuffled;
    the team of each row is its 业务员's. Also keeps the rows it updates as they were."""
    import orjson

    from duban.core import calendar
    from duban.core.exporting import ExportColumn, write_xlsx
    from duban.org.models import Employee, Team
    from duban.resources.models import Category, Resource, Source

    began = time.perf_counter()
    rng = random.Random(seed + 1)  # independent of the database's stream
    path = import_file_path(seed, resources)
    user = import_user()
    team_ids = list(
        Team.objects.filter(line__supervisors=user).order_by("pk").values_list("pk", flat=True)
    )
    current = list(Employee.objects.current().filter(team__in=team_ids))
    names = {e.pk: e.name for e in current}
    on_duty = {}
    for e in current:
        if e.status in ("active", "probation"):
            on_duty.setdefault(e.team_id, []).append(e.pk)
    sources = dict(Source.objects.values_list("pk", "name"))
    categories = dict(Category.objects.values_list("pk", "name"))
    existing = list(
        Resource.objects.filter(team__in=team_ids, owner__in=list(names))
        .order_by("-pk")
        .values("pk", *ORIGINAL_FIELDS)[:IMPORT_EXISTING]
    )
    originals = originals_path(path)
    originals.write_bytes(orjson.dumps(existing))
    today = TODAY
    recent = calendar.workdays_between(today - dt.timedelta(days=7), today)
    rows = []

    def cells(values) -> dict:
        return {
            "contact_name": values["contact_name"],
            "company": values["company"],
            "phone": messy_phone(values["phone"], rng),
            "phone2": messy_phone(values["phone2"], rng),
            "source": sources.get(values["source_id"], ""),
            "category": categories.get(values["category_id"], ""),
            "grade": rng.choice(GRADE_WORDS[values["grade"]]),
            "owner": names[values["owner_id"]],
            "status": rng.choice(STATUS_WORDS[values["status"]]),
            "outcome": rng.choice(OUTCOME_WORDS[values["outcome"]]) if values["outcome"] else "",
            "received_on": values["received_on"],
            "last_worked_on": values["last_worked_on"],
            "note": values["note"],
        }

    changed = 0
    for values in existing:
        values = dict(values)
        if rng.random() < CHANGED_SHARE:
            changed += 1
            change(values, rng, recent, on_duty)
        rows.append(cells(values))
    # new resources, in proportion to each team's share of the existing rows
    weights = {team: 1 for team in team_ids}
    for values in existing:
        weights[values["team_id"]] += 1
    elsewhere = list(
        Resource.objects.exclude(team__in=team_ids)
        .exclude(phone="")
        .order_by("pk")
        .values_list("phone", flat=True)[:2000]
    )
    new_teams = rng.choices(list(weights), list(weights.values()), k=IMPORT_ROWS - len(existing))
    fresh = []
    for n, team in enumerate(new_teams):
        status = "new" if rng.random() < 0.7 else "in_progress"
        received = rng.choice(recent)
        if rng.random() < 0.01:
            phone = rng.choice(elsewhere)  # a number another team holds too
        else:
            phone = phone_of(IMPORT_PHONES_FROM + n, rng)
        fresh.append(
            {
                "contact_name": rng.choice(SURNAMES) + rng.choice(TITLES),
                "company": rng.choice(CITIES) + rng.choice(BRAND) + rng.choice(TRADES) + "有限公司"
                if rng.random() < 0.65
                else "",
                "phone": phone,
                "phone2": landline(PHONE2_FROM + IMPORT_PHONES_FROM + n)
                if rng.random() < PHONE2_SHARE
                else "",
                "source_id": rng.choice(list(sources)[:12]),
                "category_id": rng.choice(list(categories)),
                "grade": rng.choice("ABCD"),
                "team_id": team,
                "owner_id": rng.choice(on_duty[team]),
                "status": status,
                "outcome": "",
                "received_on": received,
                "last_worked_on": received if status == "in_progress" else None,
                "note": "",
            }
        )
    # a copied number must not be one its own team holds already (the row would be an update)
    copied = {(v["team_id"], v["phone"]) for v in fresh if v["phone"] in set(elsewhere)}
    held = set(
        Resource.objects.filter(
            team__in=team_ids, phone__in=list({phone for _, phone in copied})
        ).values_list("team_id", "phone")
    )
    in_file = {(v["team_id"], v["phone"]) for v in existing}
    for n, values in enumerate(fresh):
        key = (values["team_id"], values["phone"])
        if key in held or key in in_file:
            values["phone"] = mobile(IMPORT_PHONES_FROM + 5_000_000 + n)
        in_file.add((values["team_id"], values["phone"]))
        rows.append(cells(values))
    rng.shuffle(rows)
    for line, row in enumerate(rows, start=1):
        row["line"] = line
    columns = [
        ExportColumn(header, value=lambda row, key=key: row[key], kind=kind, width=14)
        for header, key, kind in IMPORT_HEADERS
    ]
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as target:
        write_xlsx(rows, columns, sheet="资源大表", target=target)
    partial.replace(path)
    log(
        f"  import file: {len(rows):,} rows × {len(columns)} columns ({len(existing):,} held, "
        f"{changed:,} of them changed; {len(fresh):,} new), {path.stat().st_size / 2**20:.1f} MiB "
        f"in {time.perf_counter() - began:.1f} s: {path}"
    )
    return path


def change(values: dict, rng: random.Random, recent: list, on_duty: dict) -> None:
    """A week's work on a resource: called, closed, gone dormant, handed to a colleague."""
    day = rng.choice(recent)
    status = values["status"]
    roll = rng.random()
    if status in ("new", "in_progress") and roll < 0.2:
        values["status"] = "closed"
        values["outcome"] = "won" if rng.random() < 0.2 else "lost"
    elif status in ("new", "in_progress") and roll < 0.3:
        values["status"] = "dormant"
    elif status in ("dormant", "closed") and roll < 0.5:
        values["status"], values["outcome"] = "in_progress", ""  # taken up again
    elif roll < 0.4:
        others = [pk for pk in on_duty[values["team_id"]] if pk != values["owner_id"]]
        values["owner_id"] = rng.choice(others)  # handed to a colleague
    else:
        values["status"], values["outcome"] = "in_progress", ""
    if values["last_worked_on"] != day and values["received_on"] <= day:
        values["last_worked_on"] = day
    else:  # called before: what was said is noted
        values["note"] = (values["note"] + "；" if values["note"] else "") + rng.choice(NOTES)


def generate(seed: int = 2026, resources: int | None = None, log=print) -> dict:
    """Fill an empty, migrated database and write the import file; returns the timings (and
    how many resources, and the days of cover each team was given)."""
    count = resources or default_count()
    log(f"Generating the resource pool (seed {seed}, today {TODAY}, {count:,} resources) ...")
    generator = Generator(seed, log=log)
    steps = generator.run(count)
    began = time.perf_counter()
    write_import_file(seed, count, log)
    steps["import file"] = round(time.perf_counter() - began, 1)
    return {"seconds": steps, "count": count, "target_days": generator.target_days}


def row_counts() -> dict[str, int]:
    from duban.core.models import ImportBatch
    from duban.org.models import BusinessLine, Employee, Team, User
    from duban.resources.models import Category, CoverDay, Handover, Resource, Source
    from duban.supervision.models import TableVersion

    models = [User, BusinessLine, Team, Employee, Source, Category, Resource, Handover]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["Handover.resources"] = Handover.resources.through.objects.count()
    counts["Resource (workable)"] = Resource.objects.workable().count()
    for model in [CoverDay, TableVersion, ImportBatch]:
        counts[model.__name__] = model.objects.count()
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "env"], default="sqlite")
    parser.add_argument("--sqlite-path", help="SQLite file (default: DATA_DIR/" + SQLITE_NAME)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--resources", type=int, help="default: 10,000,000 on PostgreSQL, 1,000,000 on SQLite"
    )
    args = parser.parse_args(argv)
    configure(args.db, args.sqlite_path)
    if not is_empty():
        print("The database already holds data; nothing generated.", file=sys.stderr)
        return 1
    generate(seed=args.seed, resources=args.resources)
    for model, count in row_counts().items():
        print(f"  {model:<22}{count:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
