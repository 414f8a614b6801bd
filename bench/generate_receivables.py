"""Generate a large receivables book for the receivables benchmark (not part of the test suite).

Deterministic for a given seed: 4 business lines, 50 teams with one lead each, a supervisor
(``duban1``) who supervises every line, an administrator (``admin``), 20,000 customers and
1,000,000 receivables whose due dates run from two years before ``TODAY`` to two months after
it (most of the old ones settled), plus the previous AR-table version (as of 2026-06-15). Then
writes the 100,000-row AR table (xlsx, 15 columns, numbers new to the database) that the
benchmark imports.

Run on its own (the benchmark calls ``generate`` itself when the database is empty):

    DUBAN_DATA_DIR=bench/data .venv/bin/python bench/generate_receivables.py --db sqlite
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
import zoneinfo
from decimal import Decimal
from pathlib import Path

from generate_supervision import BENCH_DIR, LINES, create_postgres_database, fast_sqlite, insert

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/duban_bench_ar"
SQLITE_NAME = "bench_receivables.sqlite3"

TODAY = dt.date(2026, 6, 30)  # "today" of every measurement
PREVIOUS_AS_OF = dt.date(2026, 6, 15)  # the AR-table version before the imported one
HISTORY_DAYS = 730  # due dates from two years ago ...
AHEAD_DAYS = 61  # ... to two months ahead
RECEIVABLES = 1_000_000
CUSTOMERS = 20_000
IMPORT_ROWS = 100_000
NUMBER_PREFIX = "FP"
IMPORT_FIRST = 9_000_001  # imported numbers: FP09000001 ... (new to the database)
IMPORT_NUMBERS_FROM = f"{NUMBER_PREFIX}{IMPORT_FIRST - 1:08d}"  # every row >= this was imported
BATCH = 5000

CITIES = "杭州 宁波 温州 苏州 无锡 南京 上海 合肥 广州 深圳 佛山 东莞".split()
CITIES += "厦门 福州 北京 天津 济南 青岛 郑州 石家庄 太原 成都 重庆 西安".split()
CITIES += "昆明 贵阳 南宁 长沙 武汉 南昌".split()
BRAND = "恒达盛华鑫源泰安宏远嘉信德瑞丰隆润通兴旺金辉新锐博创佳和立诚永昌汇力中天海"
INDUSTRY = "电子 科技 商贸 建材 机电 医疗器械 信息技术 物流 环保 食品 化工 纺织 家居 教育".split()
INDUSTRY += "文化传媒 新能源 供应链 网络 农业 工程".split()
COMPANY_KIND = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建文斌宇浩凯健俊帆琳晨欣雪婷"
PROJECTS = [
    "年度服务合同",
    "设备采购",
    "软件授权",
    "系统集成",
    "运维服务",
    "广告投放",
    "会员服务",
    "渠道合作",
    "技术咨询",
    "培训服务",
    "耗材供应",
    "",
    "",
]
NOTES = [
    "客户承诺月底前付款",
    "已发催款函",
    "财务审批中",
    "对方资金紧张，分期支付",
    "等待验收后付款",
    "联系人已更换，待确认",
]
# category (choice value), weight
CATEGORIES = [
    ("historical", 55),
    ("fixed_term", 25),
    ("warranty", 10),
    ("prepayment", 5),
    ("in_sale", 5),
]
# (days past due at most, share still open): most old receivables are settled
OPEN_SHARE = [(-1, 0.90), (30, 0.75), (90, 0.50), (180, 0.25), (365, 0.10), (10**6, 0.03)]


def configure(db: str, sqlite_path: str | None = None, migrate: bool = True) -> None:
    """Point Django at the receivables benchmark database, set it up and (by default) migrate."""
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


def import_file_path(seed: int) -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / f"receivables-import-{IMPORT_ROWS // 1000}k-seed{seed}.xlsx"


def cents(amount: int) -> Decimal:
    return Decimal(amount).scaleb(-2)


class Generator:
    def __init__(self, seed: int, today: dt.date = TODAY, log=print):
        from django.conf import settings
        from django.contrib.auth.hashers import make_password

        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.first_due = today - dt.timedelta(days=HISTORY_DAYS)
        self.due_span = HISTORY_DAYS + AHEAD_DAYS + 1
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.password = make_password("bench-duban-2026")  # hashed once, shared by everyone
        self.log = log
        self.used_names: set[str] = set()
        self.category_values = [value for value, _ in CATEGORIES]
        self.category_weights = [weight for _, weight in CATEGORIES]

    def person(self) -> str:
        for _ in range(200):
            candidate = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(1 if self.rng.random() < 0.3 else 2)
            )
            if candidate not in self.used_names:
                break
        self.used_names.add(candidate)
        return candidate

    # --- the organisation and the customers ----------------------------------------------

    def organisation(self) -> None:
        from duban.org.choices import Role, TeamKind
        from duban.org.models import BusinessLine, Team, User

        joined = dt.datetime.combine(self.first_due, dt.time(9), tzinfo=self.tz)

        def user(username, role, name):
            return User(
                username=username, name=name, role=role, password=self.password, date_joined=joined
            )

        self.admin = user("admin", Role.ADMIN, "系统管理员")
        self.supervisor = user("duban1", Role.SUPERVISOR, self.person())
        self.executive = user("lingdao", Role.EXECUTIVE, self.person())
        User.objects.bulk_create([self.admin, self.supervisor, self.executive])

        lines = [BusinessLine(name=name) for name in LINES[:4]]
        BusinessLine.objects.bulk_create(lines)
        BusinessLine.supervisors.through.objects.bulk_create(
            BusinessLine.supervisors.through(businessline_id=line.pk, user_id=self.supervisor.pk)
            for line in lines
        )
        teams = []
        for number in range(40):
            line = lines[number % len(lines)]
            teams.append(Team(name=f"{line.name[:2]}电销{number // len(lines) + 1}组", line=line))
        for number in range(10):
            line = lines[number % len(lines)]
            name = f"{line.name[:2]}后端{number // len(lines) + 1}组"
            teams.append(Team(name=name, line=line, kind=TeamKind.BACK))
        Team.objects.bulk_create(teams)
        leads = [user(f"lead{i + 1:02d}", Role.LEAD, self.person()) for i in range(len(teams))]
        User.objects.bulk_create(leads)
        Team.leads.through.objects.bulk_create(
            Team.leads.through(team_id=team.pk, user_id=lead.pk)
            for team, lead in zip(teams, leads, strict=True)
        )
        self.teams = teams
        self.team_lead = {team.pk: lead for team, lead in zip(teams, leads, strict=True)}

    def customers(self) -> None:
        from duban.partners.choices import Condition
        from duban.partners.models import Partner

        rng = self.rng
        names: set[str] = set()
        customers = []
        while len(customers) < CUSTOMERS:
            name = (
                rng.choice(CITIES)
                + rng.choice(BRAND)
                + rng.choice(BRAND)
                + rng.choice(INDUSTRY)
                + rng.choice(COMPANY_KIND)
            )
            if name in names:
                continue
            names.add(name)
            roll = rng.random()
            customers.append(
                Partner(
                    name=name,
                    code=f"C{len(customers) + 1:05d}",
                    credit_days=rng.choice([0, 30, 30, 45, 60, 90]),
                    fixed_partner=rng.random() < 0.15,
                    condition=Condition.RISKY
                    if roll < 0.02
                    else Condition.WATCH
                    if roll < 0.07
                    else Condition.NORMAL,
                )
            )
        insert(Partner, customers)
        self.customer_list = customers
        self.home_team = self.home_teams(len(customers))

    def home_teams(self, count: int) -> list:
        """Each customer deals mostly with one team (a stream of its own, so that the import
        file can be written again from the database)."""
        rng = random.Random(self.seed + 2)
        return [rng.choice(self.teams) for _ in range(count)]

    # --- receivables -----------------------------------------------------------------------

    def receivable(self, number: str, *, due_from: int = 0, due_span: int | None = None):
        """One unsaved Receivable; its customer, team and lead are model instances."""
        from duban.receivables.models import Receivable

        rng = self.rng
        index = int(CUSTOMERS * rng.random() ** 2)  # a few customers owe a lot of receivables
        customer = self.customer_list[index]
        team = self.home_team[index] if rng.random() < 0.85 else rng.choice(self.teams)
        lead = self.team_lead[team.pk] if rng.random() < 0.92 else None
        category = rng.choices(self.category_values, self.category_weights)[0]
        due = None
        if rng.random() >= 0.003:  # a few rows have no due date
            offset = due_from + rng.randrange(due_span or self.due_span)
            due = self.first_due + dt.timedelta(days=offset)
        basis = due or self.today - dt.timedelta(days=rng.randrange(HISTORY_DAYS))
        invoice = basis - dt.timedelta(days=customer.credit_days or rng.randrange(0, 15))
        amount = max(100, int(rng.lognormvariate(14.2, 1.1)))  # cents; median about 15,000 元
        age = (self.today - due).days if due else 0
        open_share = next(share for days, share in OPEN_SHARE if age <= days)
        if rng.random() < open_share:
            paid = int(amount * rng.uniform(0.1, 0.9)) if rng.random() < 0.35 else 0
            status, settled = "open", None
        else:
            paid, status = amount, "settled"
            settled = min(self.today, basis + dt.timedelta(days=rng.randrange(-10, 60)))
        agreed = None
        if category == "prepayment" or rng.random() < 0.1:
            agreed = basis + dt.timedelta(days=rng.randrange(0, 30))
        return Receivable(
            number=number,
            customer=customer,
            team=team,
            lead=lead,
            project_name=rng.choice(PROJECTS),
            category=category,
            invoice_date=invoice,
            due_date=due,
            agreed_payment_date=agreed,
            warranty_due_date=invoice + dt.timedelta(days=365) if category == "warranty" else None,
            amount=cents(amount),
            paid=cents(paid),
            outstanding=cents(amount - paid),
            status=status,
            settled_on=settled,
            note=rng.choice(NOTES) if rng.random() < 0.15 else "",
        )

    def receivables(self, count: int = RECEIVABLES) -> int:
        from duban.receivables.models import Receivable

        rows = (self.receivable(f"{NUMBER_PREFIX}{n:08d}") for n in range(1, count + 1))
        return insert(Receivable, rows, batch=BATCH)

    def previous_version(self) -> None:
        """The AR-table version of two weeks before, so an import computes its aging diff."""
        from django.db.models import Count, Sum

        from duban.core.models import ImportBatch
        from duban.receivables.models import Receivable, Settings
        from duban.supervision.models import TableVersion

        Settings.current()
        batch = ImportBatch.objects.create(
            kind="ar_table",
            filename=f"应收账表-{PREVIOUS_AS_OF:%Y%m%d}.xlsx",
            file=f"imports/{PREVIOUS_AS_OF:%Y/%m}/generated.xlsx",  # no file: history only
            sha256="0" * 64,
            uploaded_by=self.admin,
            status=ImportBatch.Status.COMMITTED,
            options={"as_of": PREVIOUS_AS_OF.isoformat()},
            committed_at=dt.datetime.combine(PREVIOUS_AS_OF, dt.time(17), tzinfo=self.tz),
        )
        per_team = (
            Receivable.objects.open()
            .values("team")
            .annotate(rows=Count("pk"), total=Sum("outstanding"))
            .order_by("team")
        )
        TableVersion.objects.bulk_create(
            TableVersion(
                kind="ar_table",
                team_id=row["team"],
                as_of=PREVIOUS_AS_OF,
                batch=batch,
                rows=row["rows"],
                summary={"total_outstanding": str(row["total"]), "settled": 0, "aged": 0},
            )
            for row in per_team
        )

    def import_rows(self, count: int = IMPORT_ROWS) -> list:
        """The rows of the AR table to import: new numbers; due dates of the last year and
        the next two months (a table lists what was invoiced lately)."""
        rng = random.Random(self.seed + 1)  # independent of the database's stream
        saved, self.rng = self.rng, rng
        try:
            recent = HISTORY_DAYS - 365
            return [
                self.receivable(
                    f"{NUMBER_PREFIX}{IMPORT_FIRST + n:08d}",
                    due_from=recent,
                    due_span=self.due_span - recent,
                )
                for n in range(count)
            ]
        finally:
            self.rng = saved

    def run(self, receivables: int = RECEIVABLES) -> dict:
        steps = {}
        began = last = time.perf_counter()

        def step(label):
            nonlocal last
            now = time.perf_counter()
            steps[label] = round(now - last, 1)
            last = now
            self.log(f"  {label}: {steps[label]} s")

        with fast_sqlite():
            self.organisation()
            self.customers()
            step("organisation and customers")
            self.log(f"  receivables: {receivables:,} ...")
            self.receivables(receivables)
            step("receivables")
            self.previous_version()
            step("previous table version")
        steps["total"] = round(time.perf_counter() - began, 1)
        return steps


def load_generator(seed: int, log=print) -> Generator:
    """A generator whose organisation and customers are those already in the database (the
    same seed made them), so the import file can be written again without regenerating."""
    from duban.org.models import Team, User
    from duban.partners.models import Partner

    generator = Generator(seed, log=log)
    generator.teams = list(Team.objects.order_by("pk"))
    by_team = dict(Team.leads.through.objects.values_list("team_id", "user_id"))
    users = User.objects.in_bulk(by_team.values())
    generator.team_lead = {team: users[user] for team, user in by_team.items()}
    generator.customer_list = list(Partner.objects.order_by("pk"))
    generator.home_team = generator.home_teams(len(generator.customer_list))
    return generator


def write_import_file(seed: int, generator: Generator | None = None, log=print) -> Path:
    """Write the 100,000-row AR table with the export columns (the headers the importer
    reads), from unsaved receivables of existing customers and teams."""
    from duban.core.exporting import write_xlsx
    from duban.receivables.tables import EXPORT_COLUMNS

    began = time.perf_counter()
    path = import_file_path(seed)
    generator = generator or load_generator(seed, log)
    rows = generator.import_rows()
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as target:
        write_xlsx(rows, EXPORT_COLUMNS, sheet="应收账表", target=target)
    partial.replace(path)
    log(
        f"  import file: {len(rows):,} rows × {len(EXPORT_COLUMNS)} columns, "
        f"{path.stat().st_size / 2**20:.1f} MiB in {time.perf_counter() - began:.1f} s: {path}"
    )
    return path


def generate(seed: int = 2026, receivables: int = RECEIVABLES, log=print) -> dict:
    """Fill an empty, migrated database and write the import file; returns the timings."""
    log(f"Generating the receivables book (seed {seed}, today {TODAY}) ...")
    generator = Generator(seed, log=log)
    steps = generator.run(receivables)
    began = time.perf_counter()
    write_import_file(seed, generator, log)
    steps["import file"] = round(time.perf_counter() - began, 1)
    return steps


def row_counts() -> dict[str, int]:
    from duban.core.models import ImportBatch
    from duban.org.models import BusinessLine, Team, User
    from duban.partners.models import Partner
    from duban.receivables.models import Receivable
    from duban.supervision.models import TableVersion

    counts = {
        model.__name__: model.objects.count()
        for model in [User, BusinessLine, Team, Partner, Receivable, TableVersion, ImportBatch]
    }
    counts["Receivable (open)"] = Receivable.objects.open().count()
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "env"], default="sqlite")
    parser.add_argument("--sqlite-path", help="SQLite file (default: DATA_DIR/" + SQLITE_NAME)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--receivables", type=int, default=RECEIVABLES, help="for a trial run")
    args = parser.parse_args(argv)
    configure(args.db, args.sqlite_path)
    if not is_empty():
        print("The database already holds data; nothing generated.", file=sys.stderr)
        return 1
    generate(seed=args.seed, receivables=args.receivables)
    for model, count in row_counts().items():
        print(f"  {model:<18}{count:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
