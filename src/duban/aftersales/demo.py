"""The demo company's after-sales: three months of cases with their causes, most resolved on
time, a few late (two still open past their deadline), some resolved without responsibility
decided; last month's tracking tables returned, except 电销四组's."""

import datetime as dt
import random

from django.utils import timezone

from duban.aftersales import services
from duban.aftersales.choices import CaseStatus, Channel, Responsibility, Severity
from duban.aftersales.models import Case, CaseStep, Category, Cause, MonthlyTable
from duban.core import calendar
from duban.core.demo import SEED, DemoCompany
from duban.org.choices import TeamKind

CAUSES = ["开通延迟", "计费争议", "网络故障", "服务态度", "资料错误", "功能不会用"]
CATEGORIES = ["安装开通", "账单", "故障", "投诉", "咨询"]
LATE_TEAM = "电销四组"  # last month's table not returned


def build(company: DemoCompany) -> None:
    rng = random.Random(SEED + 19)  # its own: the areas built after it draw as before
    Cause.objects.bulk_create(Cause(name=n, order=i) for i, n in enumerate(CAUSES))
    Category.objects.bulk_create(Category(name=n, order=i) for i, n in enumerate(CATEGORIES))
    causes, categories = list(Cause.objects.all()), list(Category.objects.all())
    teams = [t for t in company.parts["teams"].values() if t.kind == TeamKind.FRONT]
    today = company.today
    zone = timezone.get_current_timezone()
    from duban.partners.models import Partner

    partners = list(Partner.objects.order_by("pk")[:12])
    for number in range(90):
        team = rng.choice(teams)
        lead = team.leads.order_by("pk").first()
        day = calendar.subtract_workdays(today, rng.randint(0, 62))
        at = dt.datetime.combine(
            day, dt.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45])), tzinfo=zone
        )
        severity = rng.choices(
            [Severity.URGENT, Severity.HIGH, Severity.NORMAL], weights=[1, 3, 8]
        )[0]
        handler = rng.choice(list(team.employees.filter(status__in=["active", "probation"])))
        case = services.case_register(
            by=lead,
            team=team,
            reported_at=at,
            severity=severity,
            handler=handler,
            partner=rng.choice(partners) if partners and rng.random() < 0.12 else None,
            channel=rng.choice(list(Channel)),
            category=rng.choice(categories),
            cause=rng.choices(causes, weights=[8, 5, 4, 2, 2, 3])[0],
            description=rng.choice(
                [
                    "客户反映宽带开通后无法上网",
                    "账单金额与合同不符",
                    "业务员承诺的优惠没有兑现",
                    "系统登录不了",
                    "资料填写错误导致开通失败",
                ]
            ),
        )
        _handle(case, lead, at, today, rng, late=number % 15 == 0)
    _late(company, teams, today, partners)
    _tables(teams, today)


def _late(company, teams, today, partners) -> None:
    """An urgent case of 电销二组 reported a week ago and still being handled: past its
    deadline, escalated; and a partner with three cases this month."""
    team = next(t for t in teams if t.name == "电销二组")
    lead = team.leads.order_by("pk").first()
    zone = timezone.get_current_timezone()
    at = dt.datetime.combine(calendar.subtract_workdays(today, 5), dt.time(10, 30), tzinfo=zone)
    case = services.case_register(
        by=lead,
        team=team,
        reported_at=at,
        severity=Severity.URGENT,
        channel=Channel.PHONE,
        description="专线中断，客户业务停摆",
        cause=Cause.objects.get(name="网络故障"),
    )
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.IN_PROGRESS, responded_at=calendar.add_working_hours(at, 1)
    )
    CaseStep.objects.create(
        case=case, at=calendar.add_working_hours(at, 1), by=lead, what="已联系后端排查线路"
    )
    if partners:
        for back in (3, 9, 17):
            day = calendar.subtract_workdays(today, back)
            repeat = services.case_register(
                by=lead,
                team=team,
                reported_at=dt.datetime.combine(day, dt.time(14), tzinfo=zone),
                severity=Severity.NORMAL,
                channel=Channel.WECOM,
                partner=partners[0],
                description="客户再次反映网速慢",
                cause=Cause.objects.get(name="网络故障"),
            )
            _handle(repeat, lead, repeat.reported_at, today, random.Random(back), late=False)


def _handle(case, lead, at, today, rng, late: bool) -> None:
    """Respond, work and resolve the case as it went; recent ones still open."""
    age = (today - at.date()).days
    respond = calendar.add_working_hours(at, rng.uniform(0.5, 6 if late else 1.5))
    updates = {"status": CaseStatus.ACCEPTED, "responded_at": respond}
    steps = [(respond, "受理，联系客户了解情况")]
    if age > 2 and not (late and age < 20):
        hours = rng.uniform(3, 60 if late else 30)
        resolved = calendar.add_working_hours(at, hours)
        if resolved.date() < today:
            steps.append((calendar.add_working_hours(at, hours / 2), "上门/远程处理"))
            updates.update(
                status=CaseStatus.CLOSED if age > 14 else CaseStatus.RESOLVED,
                resolved_at=resolved,
                closed_at=resolved if age > 14 else None,
                resolution="已处理完毕，客户确认恢复正常",
                confirmed=True,
            )
            if rng.random() < 0.8 or age > 30:
                updates.update(
                    responsibility=rng.choices(list(Responsibility), weights=[3, 4, 2, 1, 1, 2])[0],
                    decided_by=lead,
                    decided_at=resolved,
                    disputed=rng.random() < 0.05,
                )
    elif age > 0:
        updates["status"] = CaseStatus.IN_PROGRESS
    Case.objects.filter(pk=case.pk).update(**updates)
    CaseStep.objects.bulk_create(
        CaseStep(case=case, at=when, by=lead, what=what) for when, what in steps
    )


def _tables(teams, today) -> None:
    """The last three months' tables, returned by every lead but, last month, 电销四组's."""
    month = today.replace(day=1)
    for back in range(3):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        for team in teams:
            if not Case.objects.filter(team=team).exists():
                continue
            table = services.table_generate(team=team, month=month)
            if table.rows and not (back == 0 and team.name == LATE_TEAM):
                services.table_return(table=table, by=team.leads.order_by("pk").first())
    MonthlyTable.objects.filter(rows=[]).delete()
