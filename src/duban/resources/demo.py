"""The demo company's resources: every front team's pool (about 30,000 resources), its big
table imported last week and this week, a week of hand-overs with some not yet received.

电销三组 is short of cover (its lead is asked for a supply plan); 电销五组 did not send this
week's table; 横洲 (电销一组) hands resources over to 小祁 (电销二组) as a swap both leads
approved, and 王立霞 records how 小祁 works them and what came of it (S-RES-6). 小祁, who signs
in, has two hand-overs to confirm on the phone today.
"""

import datetime as dt
import io

from django.utils import timezone

from duban.core import calendar
from duban.core.demo import DemoCompany
from duban.core.exporting import ExportColumn, write_xlsx
from duban.core.services import import_commit, import_preview
from duban.org.choices import EmployeeStatus, TeamKind
from duban.org.models import Employee
from duban.resources import services
from duban.resources.choices import ResourceStatus
from duban.resources.importers import TableImporter
from duban.resources.models import Category, CoverDay, Handover, Resource, Source
from duban.resources.selectors import cover

SOURCES = ["老客户转介绍", "展会", "官网来电", "购买名单", "合作伙伴"]
CATEGORIES = ["制造业", "贸易", "教育", "医药", "互联网"]
COVER_DAYS = {"电销三组": 1.5}  # the team short of cover; the others have 10–12 days
STALE_TEAM = "电销五组"  # this week's table not sent (S-RES-1)
TREND_WEEKS = 8
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
FIRMS = "华鑫 中诚 恒泰 新元 瑞丰 金桥 东方 汇通 博远 宏达 天成 永安 海纳 正和 联创".split()
KINDS = "科技 贸易 实业 建设 信息 医药 物流 电子 食品 教育".split()

# the big table as a team keeps it: its own headers, read by the importer's synonyms
TABLE = [
    ExportColumn("客户姓名", value=lambda r: r["contact_name"]),
    ExportColumn("公司名称", value=lambda r: r["company"], width=24),
    ExportColumn("手机号码", value=lambda r: r["phone"], width=16),
    ExportColumn("渠道", value=lambda r: r["source"]),
    ExportColumn("行业", value=lambda r: r["category"]),
    ExportColumn("意向等级", value=lambda r: r["grade"]),
    ExportColumn("负责人", value=lambda r: r["owner"]),
    ExportColumn("状态", value=lambda r: r["status"]),
    ExportColumn("跟进结果", value=lambda r: r["outcome"]),
    ExportColumn("分配日期", value=lambda r: r["received_on"], kind="date"),
    ExportColumn("最近跟进日期", value=lambda r: r["last_worked_on"], kind="date"),
]
STATUS_WORDS = {
    ResourceStatus.NEW: "新分配",
    ResourceStatus.IN_PROGRESS: "跟进中",
    ResourceStatus.DORMANT: "沉睡",
    ResourceStatus.CLOSED: "已关闭",
}


def build(company: DemoCompany) -> None:
    Source.objects.bulk_create(Source(name=name, order=i) for i, name in enumerate(SOURCES))
    Category.objects.bulk_create(Category(name=name, order=i) for i, name in enumerate(CATEGORIES))
    teams = [t for t in company.parts["teams"].values() if t.kind == TeamKind.FRONT]
    today = company.today
    last_week = calendar.subtract_workdays(today, 5)
    this_week = calendar.previous_workday(today)
    rows = {team.name: _pool(company, team, last_week) for team in teams}
    admin = company.parts["admin"]
    _import(admin, [r for team_rows in rows.values() for r in team_rows], last_week)
    for team in teams:  # the week's work, then this week's table
        _week(company, rows[team.name], last_week, this_week)
    current = [r for name, team_rows in rows.items() if name != STALE_TEAM for r in team_rows]
    _import(admin, current, this_week)
    _leaver_holds(company.parts["teams"]["电销四组"])
    _handovers(company, teams, today)
    _trend(company, teams, today)


def _pool(company, team, as_of) -> list[dict]:
    """A team's resources: workable ones for its days of cover, and closed and dormant ones."""
    rng = company.rng
    sellers = list(
        Employee.objects.filter(team=team, position="电话销售").exclude(status=EmployeeStatus.LEFT)
    )
    on_duty = [e for e in sellers if e.status != EmployeeStatus.ON_LEAVE]
    capacity = sum(e.daily_capacity for e in on_duty)
    days = COVER_DAYS.get(team.name, rng.uniform(10.5, 12))
    workable = int(capacity * days)
    rows = []
    for n in range(workable + workable // 5):
        closed = n >= workable
        status = (
            rng.choice([ResourceStatus.CLOSED, ResourceStatus.CLOSED, ResourceStatus.DORMANT])
            if closed
            else rng.choice([ResourceStatus.NEW, ResourceStatus.IN_PROGRESS])
        )
        source = rng.choices(SOURCES, weights=[25, 20, 15, 30, 10])[0]
        won_rate = 0.02 if source == "购买名单" else 0.35
        outcome = ""
        if status == ResourceStatus.CLOSED:
            outcome = "成交" if rng.random() < won_rate else "无意向"
        received = as_of - dt.timedelta(days=int(rng.triangular(0, 120, 10)))
        worked = None
        if status != ResourceStatus.NEW or rng.random() < 0.3:
            worked = min(as_of, received + dt.timedelta(days=rng.randint(0, 20)))
        owner = rng.choice(sellers)
        rows.append(
            {
                "team": team,
                "contact_name": rng.choice(SURNAMES) + rng.choice(["先生", "女士", "经理", "总"]),
                "company": rng.choice(FIRMS) + rng.choice(KINDS) + "有限公司",
                # 11 digits whatever the team's key (PostgreSQL's keys grow past 99)
                "phone": f"1{rng.choice('3589')}{team.pk % 100:02d}{n:07d}",
                "source": source,
                "category": rng.choice(CATEGORIES),
                "grade": rng.choices("ABCD", weights=[10, 30, 40, 20])[0],
                "owner": owner.name,
                "status": STATUS_WORDS[status],
                "outcome": outcome,
                "received_on": received,
                "last_worked_on": worked,
            }
        )
    return rows


def _leaver_holds(team) -> None:
    """Someone of the team left after the table was sent and still holds 40 resources."""
    leaver = Employee.objects.filter(team=team, status=EmployeeStatus.LEFT).first()
    if leaver is None:
        return
    held = Resource.objects.workable().filter(team=team).order_by("pk")[:40]
    Resource.objects.filter(pk__in=list(held.values_list("pk", flat=True))).update(owner=leaver)


def _week(company, rows, start, end) -> None:
    """A week of work on the table: calls made, some closed, some gone dormant, a few handed
    to a colleague, new ones received."""
    rng = company.rng
    owners = sorted({r["owner"] for r in rows})
    for row in rows:
        if row["status"] in ("已关闭", "沉睡"):
            continue
        chance = rng.random()
        if chance < 0.05:
            row["status"], row["outcome"] = "已关闭", "成交" if rng.random() < 0.3 else "无意向"
            row["last_worked_on"] = end
        elif chance < 0.08:
            row["status"] = "沉睡"
        elif chance < 0.1:
            row["owner"] = rng.choice(owners)
        elif chance < 0.5:
            row["status"], row["last_worked_on"] = "跟进中", end
    team = rows[0]["team"]
    for n in range(len(rows) // 25):
        rows.append(
            {
                **rows[n],
                "phone": f"1{rng.choice('3589')}{team.pk % 100:02d}9{n:06d}",
                "status": "新分配",
                "outcome": "",
                "received_on": end,
                "last_worked_on": None,
            }
        )


def _import(user, rows, as_of) -> None:
    buffer = io.BytesIO()
    write_xlsx(rows, TABLE, sheet="资源大表", target=buffer)
    importer = TableImporter(user, as_of)
    batch, preview = import_preview(
        importer=importer,
        data=buffer.getvalue(),
        filename=f"资源大表-{as_of:%Y%m%d}.xlsx",
        kind="resource_table",
        by=user,
    )
    assert preview.ok, [str(e) for e in preview.errors[:3]]
    import_commit(importer=importer, batch=batch)


def _handovers(company, teams, today) -> None:
    """A week of hand-overs in each team: most received, some sent and not yet received, one
    team's late; the seed's swap 横洲 → 小祁; two for 小祁 to confirm today."""
    rng = company.rng
    people = {e.name: e for e in Employee.objects.filter(name__in=["横洲", "小祁"])}
    leads = {team.name: team.leads.first() for team in teams}
    days = calendar.workdays_between(today - dt.timedelta(days=8), today)
    for team in teams:
        sellers = list(
            Employee.objects.filter(team=team, position="电话销售", status=EmployeeStatus.ACTIVE)
        )
        lead = leads[team.name]
        for day in days:
            for _ in range(rng.randint(1, 3)):
                giver, receiver = rng.sample(sellers, 2)
                handover = _plan(lead, giver, receiver, day, rng.randint(5, 40), "均衡各人资源量")
                if handover is None:
                    continue
                if day == today:
                    continue  # planned for today
                late = team.name == "电销四组" and day == days[-3]
                services.handover_send(handover=handover, by=lead)
                if not late:
                    services.handover_receive(handover=handover, by=lead, today=day)
                _date(handover, day, received=not late)
    hengzhou, xiaoqi = people["横洲"], people["小祁"]
    swap_day = days[-4]
    swap = _plan(leads["电销一组"], hengzhou, xiaoqi, swap_day, 30, "横洲转岗做老客户，资源交小祁")
    services.handover_approve(handover=swap, by=leads["电销二组"])
    services.handover_send(handover=swap, by=leads["电销一组"])
    services.handover_receive(handover=swap, by=xiaoqi.user, today=swap_day)
    _date(swap, swap_day, received=True)
    services.handover_arrange(
        handover=swap,
        by=leads["电销二组"],
        arrangement="小祁三天内逐条回访，A、B 级当天打完；王立霞每天下班前看结果",
        result="已回访 30 条，约到 4 家面谈，2 家有意向",
    )
    colleague = (
        Employee.objects.filter(
            team=hengzhou.team, position="电话销售", status=EmployeeStatus.ACTIVE
        )
        .exclude(pk=hengzhou.pk)
        .order_by("name")
        .first()
    )
    for giver, count in [(hengzhou, 20), (colleague, 15)]:
        handover = _plan(leads["电销一组"], giver, xiaoqi, today, count, "支援电销二组")
        if handover is not None:
            services.handover_approve(handover=handover, by=leads["电销二组"])


def _plan(lead, giver, receiver, day, count, reason):
    held = Resource.objects.workable().filter(owner=giver).count()
    if held < count:
        return None
    return services.handover_plan(
        by=lead,
        from_employee=giver,
        to_employee=receiver,
        planned_on=day,
        count=count,
        reason=reason,
    )


def _date(handover, day, *, received: bool) -> None:
    """Stamp a past hand-over with its own day, as if it had happened then."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
    fields = {"sent_at": at, "created_at": at - dt.timedelta(hours=1)}
    if received:
        fields["received_at"] = at + dt.timedelta(hours=3)
    Handover.objects.filter(pk=handover.pk).update(**fields)


def _trend(company, teams, today) -> None:
    """The weekly trend behind today's figure: what duban tick recorded each working day of
    the past weeks (today's is recorded by the tick itself)."""
    rng = company.rng
    now = {row.team.pk: row for row in cover(teams, today=today)}
    days = calendar.workdays_between(today - dt.timedelta(weeks=TREND_WEEKS), today)
    records = []
    for team in teams:
        row = now[team.pk]
        level = 1.0
        for day in reversed(days[:-1]):  # walking back from today's figure, a little each day
            level *= 1 + rng.uniform(-0.03, 0.05)
            records.append(
                CoverDay(
                    team=team, day=day, workable=int(row.workable * level), capacity=row.capacity
                )
            )
    CoverDay.objects.bulk_create(records)


def finish(company: DemoCompany) -> None:
    """电销三组 has been short of cover since the previous working day: today's tick has asked
    its lead for a supply plan (automatic 倒逼)."""
    from duban.supervision.models import Risk
    from duban.supervision.tick import plans_autodemand

    team = company.parts["teams"]["电销三组"]
    Risk.objects.filter(key=f"res-cover-low:team:{team.pk}", resolved_on=None).update(
        opened_on=calendar.previous_workday(company.today)
    )
    plans_autodemand(today=company.today)
