"""The demo company's supervision: three months of check-ins, matters, risks and plans.

Built after the organisation (duban.org.demo). Past check-ins are mostly done, a few waived,
and some of the last two weeks missed, so today's agenda has overdue items and live risks.
"""

import datetime as dt
import random
import zlib
from collections import defaultdict

from django.utils import timezone

from duban.core.demo import DemoCompany
from duban.supervision import services
from duban.supervision.choices import (
    Area,
    Channel,
    CheckInStatus,
    Outcome,
    Priority,
    RiskLevel,
    ScopeKind,
)
from duban.supervision.default_rules import SEED_RULES
from duban.supervision.models import CheckIn, FollowUpRule, Matter, PlanVersion
from duban.supervision.registry import DEFAULT_RULES
from duban.supervision.tick import checkins_materialize, tick

HISTORY_DAYS = 91
MISSED_RECENTLY = 0.05  # share of the last two weeks' check-ins nobody did
FINDINGS = {  # what a follow-up of each area found, and the result collected
    Area.RESOURCES: [
        ("资源来源以老客户转介绍为主，本周新增 320 条，已分到各组。", Outcome.DONE),
        ("流转资源已全部接收，王立霞已安排内勤当天回访。", Outcome.DONE),
        ("资源量不足，按日呼叫量只能支撑三天。", Outcome.NOT_DONE),
    ],
    Area.PEOPLE: [
        ("团队 9 人在岗，1 人请假，结构稳定。", Outcome.DONE),
        ("本月绩效谈话完成 6 人，还差 3 人。", Outcome.PARTLY),
    ],
    Area.LEADS: [
        ("销线综述已更新，下一步目标是本周三前约到两家合作单位。", Outcome.DONE),
        ("销线工作已安排，结果回收七成。", Outcome.PARTLY),
    ],
    Area.PROJECTS: [
        ("项目进度正常，后端已接收流转的 12 个项目。", Outcome.DONE),
        ("3 个项目落后于节点，主管已调整分配。", Outcome.PARTLY),
    ],
    Area.RECEIVABLES: [
        ("回款计划已列出，大额款项客户承诺月底前支付。", Outcome.PARTLY),
        ("到期款项均已列入回款计划。", Outcome.DONE),
    ],
    Area.AFTERSALES: [
        ("新增售后 3 件，均在时效内处理。", Outcome.DONE),
        ("1 件售后超时，责任判定待定。", Outcome.NOT_DONE),
    ],
    Area.GENERAL: [("已沟通，按计划推进。", Outcome.DONE)],
}
TIMES = [dt.time(9, 30), dt.time(10, 0), dt.time(14, 0), dt.time(16, 30)]


def build(company: DemoCompany) -> None:
    org = company.parts
    supervisor = org["supervisor"]
    _assign_rules(company, supervisor)
    start = company.today - dt.timedelta(days=HISTORY_DAYS)
    checkins_materialize(today=start, horizon_days=HISTORY_DAYS + 14)
    _past_checkins(company, supervisor)
    matters = _matters(company, supervisor)
    _risks_and_plans(company, supervisor, matters)


def finish(company: DemoCompany) -> None:
    """With every area's data in place: the coming check-ins, the risks, the escalations."""
    tick(today=company.today)


def _assign_rules(company, supervisor) -> None:
    """The seed's rules for each line, owned by that line's supervisor."""
    if not FollowUpRule.objects.exists():  # `duban demo --reset` flushed the seed's rules too
        FollowUpRule.objects.bulk_create(
            FollowUpRule(area=area, title=title, cadence=cadence, seed_ref=ref, scope="all")
            for area, title, cadence, ref in SEED_RULES
        )
        # and those the areas' migrations made, that follow their items
        FollowUpRule.objects.bulk_create(
            FollowUpRule(**rule, scope="all") for rule in DEFAULT_RULES
        )
    lines, owners = (
        company.parts["lines"],
        {
            "华东业务线": supervisor,
            "华南业务线": company.parts["south_supervisor"],
        },
    )
    rules = list(FollowUpRule.objects.all())
    copies = []
    for index, rule in enumerate(rules):
        rule.agreed_time = TIMES[index % len(TIMES)]
        rule.channel = [Channel.WECOM, Channel.PHONE, Channel.FACE][index % 3]
        rule.scope, rule.line, rule.owner = ScopeKind.LINE, lines["华东业务线"], supervisor
        copy = FollowUpRule(
            **{f.attname: getattr(rule, f.attname) for f in FollowUpRule._meta.concrete_fields}
        )
        copy.pk, copy.line, copy.owner = None, lines["华南业务线"], owners["华南业务线"]
        copies.append(copy)
    FollowUpRule.objects.bulk_update(rules, ["owner", "agreed_time", "channel", "scope", "line"])
    FollowUpRule.objects.bulk_create(copies)


def _past_checkins(company, supervisor) -> None:
    """Past check-ins done (a finding each), a few waived, some recent ones missed."""
    rng, today = company.rng, company.today
    recent = today - dt.timedelta(days=14)
    groups = defaultdict(list)  # (area, index into its FINDINGS), or "waived"
    # in an order of what they are, not of their keys: rules recreated after a reset (demo
    # --reset) make the same day's check-ins in another order, and the demo must not change
    rows = CheckIn.objects.filter(date__lt=today).order_by(
        "date", "team__name", "area", "title", "pk"
    )
    moments = {}  # when each result was collected: mostly at the agreed time
    for pk, day, area, agreed, title, team in rows.values_list(
        "pk", "date", "area", "agreed_time", "title", "team__name"
    ):
        roll = rng.random()
        if day >= recent and roll < MISSED_RECENTLY:
            continue  # missed: stays on the agenda as overdue
        key = "waived" if roll > 0.97 else (area, rng.randrange(len(FINDINGS[area])))
        groups[key].append(pk)
        moments[pk] = _collected_at(day, agreed, f"{team}{title}")
    for key, pks in groups.items():
        if key == "waived":
            fields = {"status": CheckInStatus.WAIVED, "waive_reason": "主管外出培训，改期沟通"}
        else:
            area, index = key
            findings, outcome = FINDINGS[area][index]
            fields = {
                "status": CheckInStatus.DONE,
                "findings": findings,
                "outcome": outcome,
                "next_step": "按约定节点跟进，结果回收后反馈",
            }
        found = list(CheckIn.objects.filter(pk__in=pks))
        for checkin in found:
            for name, value in fields.items():
                setattr(checkin, name, value)
            checkin.done_at, checkin.done_by = moments[checkin.pk], supervisor
        CheckIn.objects.bulk_update(found, [*fields, "done_at", "done_by"], batch_size=500)


def _collected_at(day: dt.date, agreed: dt.time | None, what: str) -> dt.datetime:
    """The moment a past check-in's result was collected: within the grace of its agreed
    time nine times in ten, two hours late otherwise (drawn from the check-in itself, not
    from the company's sequence, so the rest of the demo stays as it was)."""
    draw = random.Random(zlib.crc32(f"{day}{what}".encode()))
    start = dt.datetime.combine(
        day, agreed or dt.time(16, 0), tzinfo=timezone.get_current_timezone()
    )
    late = draw.random() < 0.1
    return start + dt.timedelta(minutes=120 + draw.randint(0, 60) if late else draw.randint(0, 25))


MATTERS = [
    # title, team, priority, deadline offset (days from today), status path
    ("电销二组资源缺口：本周补充 500 条有效资源", "电销二组", Priority.URGENT, 1, "open"),
    ("横洲转小祁的资源流转结果回收", "电销二组", Priority.HIGH, -2, "in_progress"),
    ("电销一组新人二次培训计划", "电销一组", Priority.NORMAL, 5, "in_progress"),
    ("华东合作交付组 11 月售后跟踪表返回", "华东合作交付组", Priority.NORMAL, -6, "open"),
    ("电销三组优秀员工评选组织情况", "电销三组", Priority.NORMAL, 3, "awaiting"),
    ("电销四组大客户回款节奏梳理", "电销四组", Priority.HIGH, -20, "landed"),
    ("电销五组销线综述按日更新", "电销五组", Priority.NORMAL, -10, "failed"),
    ("华南合作交付组人员结构调整沟通", "华南合作交付组", Priority.NORMAL, -15, "cancelled"),
]


def _agreed_at(today: dt.date, offset: int) -> dt.datetime:
    day = today + dt.timedelta(days=min(offset, 0) - 1)
    return dt.datetime.combine(day, dt.time(15, 0), tzinfo=timezone.get_current_timezone())


def _matters(company, supervisor) -> dict[str, Matter]:
    teams, today = company.parts["teams"], company.today
    matters = {}
    for title, team_name, priority, offset, path in MATTERS:
        team = teams[team_name]
        lead = team.leads.first()
        matter = Matter.objects.create(
            title=title,
            team=team,
            owner=lead,
            supervisor=supervisor,
            deadline=today + dt.timedelta(days=offset),
            priority=priority,
            planned=priority != Priority.URGENT,
            agreed_at=_agreed_at(today, offset) if priority != Priority.URGENT else None,
            description="督办跟进到落地，结果回收后验证。",
        )
        services.matter_chase(
            matter=matter, by=supervisor, channel=Channel.WECOM, note="请按约定时间反馈进展"
        )
        if path in {"in_progress", "awaiting", "landed", "failed"}:
            services.matter_start(matter=matter, by=lead)
        if path in {"awaiting", "landed", "failed"}:
            services.matter_submit(matter=matter, by=lead)
        if path in {"landed", "failed"}:
            services.matter_verify(
                matter=matter, by=supervisor, landed=path == "landed", note="已核实"
            )
        if path == "cancelled":
            services.matter_cancel(matter=matter, by=supervisor, note="并入月度人员计划")
        matters[title] = matter
    return matters


def _risks_and_plans(company, supervisor, matters) -> None:
    teams, today = company.parts["teams"], company.today

    def risk(team, area, level, title, evidence):
        return services.risk_raise(
            by=supervisor,
            area=area,
            level=level,
            title=title,
            evidence=evidence,
            team=teams[team],
            today=today - dt.timedelta(days=company.rng.randint(1, 20)),
        )

    def demand(subject, days, request="说明原因，给出补救措施和节点"):
        lead = subject.team.leads.first()
        submit_by = today + dt.timedelta(days=days)  # past for plans demanded back then
        plan = services.plan_demand(
            subject=subject, by=supervisor, lead=lead, submit_by=submit_by, request=request
        )
        return plan, lead

    def submit(plan, lead, milestones):
        staff = plan.team.employees.current().exclude(user=lead).first()
        services.plan_submit(
            plan=plan,
            by=lead,
            cause="资源来源集中在单一渠道，流转后接收不及时",
            measures="增加转介绍渠道；每日下班前核对接收情况；周五复盘",
            milestones=[
                {"title": t, "due_date": today + dt.timedelta(days=d), "owner": staff}
                for t, d in milestones
            ],
        )

    # demanded, not yet due / demanded and overdue
    plan, _ = demand(
        risk(
            "电销一组",
            Area.RESOURCES,
            RiskLevel.RED,
            "电销一组新资源九成来自购买名单，来源单一",
            "本月新增资源 1,200 条，其中购买名单 1,080 条\n购买名单成交率不足 2%",
        ),
        2,
    )
    demand(
        risk(
            "电销四组",
            Area.PEOPLE,
            RiskLevel.YELLOW,
            "电销四组两名员工离职，未见人员计划",
            "11 月离职 2 人\n未提交补员和培训方案",
        ),
        -3,
    )
    # submitted, waiting for review
    plan, lead = demand(
        risk(
            "电销二组",
            Area.LEADS,
            RiskLevel.RED,
            "销线量按进度完不成本月目标",
            "本月目标 60 条，进度过半完成 18 条",
        ),
        1,
    )
    submit(plan, lead, [("补充两名内勤跟进销线", 3), ("每日更新销线综述", 1)])
    # returned, to be resubmitted
    plan, lead = demand(
        risk(
            "电销五组",
            Area.RECEIVABLES,
            RiskLevel.YELLOW,
            "大额回款延期",
            "客户承诺 11 月 15 日支付 ¥860,000.00，未到账",
        ),
        0,
    )
    submit(plan, lead, [("与客户财务确认付款日期", 2)])
    services.plan_review(
        plan=plan, by=supervisor, approve=False, comment="没有说明延期原因，也没有催款节奏"
    )
    # approved: one milestone done, one overdue
    plan, lead = demand(matters["横洲转小祁的资源流转结果回收"], -8)
    submit(
        plan,
        lead,
        [("王立霞安排小祁逐条回访", -5), ("结果回收并反馈督办", -1), ("复盘流转流程", 6)],
    )
    services.plan_review(plan=plan, by=supervisor, approve=True, comment="")
    first = plan.versions.get().milestones.order_by("due_date").first()
    services.milestone_done(
        milestone=first,
        by=lead,
        evidence="已回访 86 条，接收率 92%",
        done_on=today - dt.timedelta(days=5),
    )
    # landed, and failed
    for title, landed in [("电销三组新人流失风险", True), ("电销四组售后处理超时", False)]:
        team = "电销三组" if landed else "电销四组"
        area = Area.PEOPLE if landed else Area.AFTERSALES
        plan, lead = demand(risk(team, area, RiskLevel.YELLOW, title, "近两周出现异常"), -20)
        submit(plan, lead, [("完成一对一沟通", -15)])
        services.plan_review(plan=plan, by=supervisor, approve=True, comment="")
        milestone = PlanVersion.objects.get(plan=plan).milestones.get()
        services.milestone_done(
            milestone=milestone, by=lead, evidence="已完成", done_on=today - dt.timedelta(days=14)
        )
        services.plan_verify(
            plan=plan,
            by=supervisor,
            landed=landed,
            note="督办核实",
            today=today - dt.timedelta(days=10),
        )
