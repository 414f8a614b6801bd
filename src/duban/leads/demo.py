"""The demo company's sales leads: 华东合作交付组 asks 电销一组 for broadband leads (on track)
and 电销二组 for cloud-trial leads (trending to miss: its lead is asked for a plan); 华南合作交付组
asks 电销四组 (not yet agreed) and was declined by 电销五组; partners with reporting cycles, one
reporting in two working days with no follow-up; a month of summaries, one day missing in
电销二组; closed leads enough for the calibration chart (赵磊's team estimates well, one owner of
电销二组 is over-confident)."""

import datetime as dt
import random

from django.utils import timezone

from duban.core import calendar
from duban.core.demo import SEED, DemoCompany
from duban.leads import selectors, services
from duban.leads.choices import Cycle, Stage
from duban.leads.models import LeadSummary, LeadTask, PartnerCycle, SalesLead
from duban.org.choices import EmployeeStatus, Post
from duban.partners.models import Partner
from duban.supervision.choices import Outcome

PARTNERS = ["华信通信集团", "云帆数据服务中心", "长江宽带运营部", "星河智慧园区"]
PROSPECTS = "顺达 佳和 明远 新航 北辰 恒昌 嘉禾 远景 卓越 鸿运 华盛 安泰".split()
INDUSTRIES = ["制造", "商贸", "教育", "医疗", "物流"]


def build(company: DemoCompany) -> None:
    rng = random.Random(SEED + 13)  # its own: the areas built after it draw as before
    teams, today = company.parts["teams"], company.today
    partners = {name: Partner.objects.create(name=name, fixed_partner=True) for name in PARTNERS}
    east, south = teams["华东合作交付组"], teams["华南合作交付组"]
    start = calendar.subtract_workdays(today, 15)
    target = calendar.add_workdays(today, 10)
    broadband = _agreed(
        east, teams["电销一组"], "企业宽带新装", 60, 50, start, target, partners["长江宽带运营部"]
    )
    cloud = _agreed(
        east,
        teams["电销二组"],
        "云服务试用客户",
        40,
        40,
        start,
        target,
        partners["云帆数据服务中心"],
    )
    _deliver(rng, broadband, 32, start, today)  # on pace: 50 over 26 working days
    _deliver(rng, cloud, 7, start, today)  # far behind: 7 of the 23 due by now
    services.request_raise(
        by=_lead(south),
        back_team=south,
        team=teams["电销四组"],
        today=today,
        kind="园区企业专线",
        quantity=30,
        deadline=today + dt.timedelta(days=45),
        quality="有明确采购预算、决策人已接触",
        partner=partners["星河智慧园区"],
    )
    declined = services.request_raise(
        by=_lead(south),
        back_team=south,
        team=teams["电销五组"],
        today=calendar.subtract_workdays(today, 4),
        kind="医疗机构信息化",
        quantity=20,
        deadline=today + dt.timedelta(days=30),
    )
    services.request_decline(
        request=declined, by=_lead(teams["电销五组"]), reason="本月人手不够，下月再承接"
    )
    _closed(rng, teams, today)
    _tasks(rng, [teams["电销一组"], teams["电销二组"]], [broadband, cloud], today)
    _summaries(teams, today)
    _cycles(partners, teams, today)


def _lead(team):
    return team.leads.order_by("pk").first()


def _people(team):
    return list(
        team.employees.filter(status__in=[EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION])
        .exclude(post=Post.LEAD)
        .order_by("pk")
    )


def _agreed(back, front, kind, quantity, accepted, start, target, partner):
    request = services.request_raise(
        by=_lead(back),
        back_team=back,
        team=front,
        today=start,
        kind=kind,
        quantity=quantity,
        deadline=target,
        quality="有意向、留了决策人联系方式",
        partner=partner,
    )
    middle = calendar.add_workdays(start, len(calendar.workdays_between(start, target)) // 2)
    services.request_agree(
        request=request,
        by=_lead(front),
        accepted=accepted,
        starts_on=start,
        target_on=target,
        milestones=[
            {"title": "首批交付", "due_on": middle, "quantity": accepted // 2},
            {"title": "全部交付", "due_on": target, "quantity": accepted},
        ],
    )
    return services.request_confirm(request=request, by=_lead(back))


def _deliver(rng, request, count, start, today) -> None:
    days = calendar.workdays_between(start, today)
    people = _people(request.team)
    for number in range(count):
        day = days[min(len(days) - 1, number * len(days) // max(count, 1))]
        probability = rng.choice([30, 40, 50, 60, 70])
        SalesLead.objects.create(
            team=request.team,
            request=request,
            prospect=f"{rng.choice(PROSPECTS)}{rng.choice(INDUSTRIES)}{number + 1}号",
            owner=rng.choice(people),
            stage=rng.choice([Stage.CONTACT, Stage.NEED, Stage.PROPOSAL]),
            value=rng.choice([20000, 50000, 80000, 120000]),
            probability=probability,
            probability_on=day,
            delivered_on=day,
            next_step="上门演示",
            # the next steps ahead, a few of them let slip
            next_on=calendar.add_workdays(today, rng.randint(1, 5))
            if rng.random() < 0.9
            else calendar.subtract_workdays(today, 2),
        )


def _closed(rng, teams, today) -> None:
    """Leads closed over the last months: 电销三组 estimates as things turn out; one owner of
    电销二组 says 80 % where one in three comes through."""
    for team_name, honest in (("电销三组", True), ("电销二组", False), ("电销一组", True)):
        team = teams[team_name]
        people = _people(team)
        for number in range(24):
            owner = people[number % len(people)] if honest else people[0]
            probability = rng.choice([10, 30, 50, 70, 90]) if honest else rng.choice([70, 80, 90])
            won = rng.random() < (probability / 100 if honest else 0.35)
            day = today - dt.timedelta(days=rng.randint(20, 120))
            SalesLead.objects.create(
                team=team,
                prospect=f"{rng.choice(PROSPECTS)}{rng.choice(INDUSTRIES)}（{team_name[-2:]}{number}）",
                owner=owner,
                stage=Stage.WON if won else Stage.LOST,
                probability=probability,
                probability_on=day - dt.timedelta(days=5),
                delivered_on=day - dt.timedelta(days=30),
                closed_on=day,
                lost_reason="" if won else rng.choice(["预算不足", "选了竞品", "需求取消"]),
                value=rng.choice([30000, 60000, 90000]),
            )


def _tasks(rng, teams, requests, today) -> None:
    """The last working days' tasks with their results, one result not collected; today's
    arranged, half collected."""
    for team, request in zip(teams, requests, strict=True):
        people = _people(team)[:4]
        for back in range(3, -1, -1):
            day = calendar.subtract_workdays(today, back)
            for number, person in enumerate(people):
                task = LeadTask.objects.create(
                    team=team,
                    date=day,
                    assignee=person,
                    request=request,
                    work="回访意向客户并确认决策人" if number % 2 else "新名单首呼",
                    planned=20,
                    arranged_by=_lead(team),
                )
                missing = (back == 0 and number % 2) or (
                    back == 2 and number == 0 and team.name == "电销二组"
                )
                if not missing:
                    task.outcome = rng.choice([Outcome.DONE, Outcome.DONE, Outcome.PARTLY])
                    task.achieved = rng.randint(8, 20)
                    task.next_step = "约上门演示"
                    task.explained = rng.random() < 0.85
                    task.collected_at = timezone.now()
                    task.save()


def _summaries(teams, today) -> None:
    """The last month's summaries of 电销一组 and 电销二组 (one day missing in 电销二组);
    today's still to write."""
    for team in (teams["电销一组"], teams["电销二组"]):
        days = calendar.workdays_between(
            today - dt.timedelta(days=30), calendar.previous_workday(today)
        )
        for number, day in enumerate(days):
            if team.name == "电销二组" and number == len(days) - 3:
                continue
            LeadSummary.objects.create(
                team=team,
                date=day,
                text=f"今日交付销线，跟进意向客户；第 {number + 1} 个工作日。",
                next_target="本周交付 10 条",
                next_milestone="周五首批交付",
                figures=selectors.day_figures(team, day),
                written_by=_lead(team),
            )


def _cycles(partners, teams, today) -> None:
    """Cycles of the cooperating partners; 华信通信集团 reports in two working days and no one
    has followed it up."""
    soon = calendar.add_workdays(today, 2)
    PartnerCycle.objects.create(
        partner=partners["华信通信集团"],
        team=teams["电销一组"],
        cycle=Cycle.MONTHLY,
        day=soon.day,
        lead_days=3,
    )
    PartnerCycle.objects.create(
        partner=partners["云帆数据服务中心"],
        team=teams["电销二组"],
        cycle=Cycle.WEEKLY,
        day=5,
        lead_days=2,
    )
    PartnerCycle.objects.create(
        partner=partners["星河智慧园区"],
        team=teams["电销四组"],
        cycle=Cycle.QUARTERLY,
        day=15,
        lead_days=5,
    )


def finish(company: DemoCompany) -> None:
    """电销二组's cloud-trial request has been projected short since the previous working day:
    today's tick has asked its lead for a plan (automatic 倒逼)."""
    from duban.supervision.models import Risk
    from duban.supervision.tick import plans_autodemand

    Risk.objects.filter(key__startswith="leads-shortfall:", resolved_on=None).update(
        opened_on=calendar.previous_workday(company.today)
    )
    plans_autodemand(today=company.today)
