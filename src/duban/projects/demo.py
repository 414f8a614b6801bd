"""The demo company's projects: every class in hand (3 months or less, 3–6 months, long), one
whose end date moved out so that it became a 3–6-month project, new projects with a week and a
half of indicators (电销二组's projected to miss its month), milestones, summaries at their
cadence and hand-overs to the back end, one not yet received."""

import datetime as dt
import io
import random
from decimal import Decimal

from duban.core import calendar
from duban.core.demo import SEED, DemoCompany
from duban.core.exporting import write_xlsx
from duban.core.services import import_commit, import_preview
from duban.projects import services
from duban.projects.importers import project_table_importer
from duban.projects.models import Actual, Indicator, Project, ProjectSummary
from duban.projects.selectors import follow_up_days
from duban.projects.tables import EXPORT_COLUMNS

INDICATORS = [
    ("外呼量", "通", 120, 600, 2400),
    ("有效沟通", "个", 30, 150, 600),
    ("意向客户", "个", 6, 30, 120),
]


def build(company: DemoCompany) -> None:
    rng = random.Random(SEED + 17)  # its own: the areas built after it draw as before
    teams, today = company.parts["teams"], company.today
    east, south = teams["华东合作交付组"], teams["华南合作交付组"]
    specs = [  # team, name, started days ago, months planned, back team
        ("电销一组", "企业宽带季度推广", 40, 2.5, east),
        ("电销一组", "智慧园区长期合作", 200, 14, east),
        ("电销三组", "教育行业专线试点", 70, 5, east),
        ("电销四组", "医疗机构信息化", 30, 2, south),
        ("电销五组", "物流园区网络升级", 120, 9, south),
    ]
    for team_name, name, ago, months, back in specs:
        start = today - dt.timedelta(days=ago)
        project = _project(
            teams[team_name], name, start, start + dt.timedelta(days=int(months * 30.4)), back
        )
        _summaries(project, today)
        _milestones(project, today, rng)
    moved = Project.objects.get(name="企业宽带季度推广")
    services.project_update(  # the partner asked for six weeks more: it is now a 3–6 month project
        project=moved,
        by=company.parts["supervisor"],
        expected_version=moved.version,
        ends_on=moved.ends_on + dt.timedelta(days=45),
    )
    handover = Project.objects.get(name="教育行业专线试点")
    first = services.handover_record(
        by=_lead(handover.team),
        project=handover,
        to_team=east,
        what="首批签约客户名单",
        handed_on=calendar.subtract_workdays(today, 6),
        to_person="周敏",
    )
    services.handover_receive(
        by=_lead(east),
        handover=first,
        received_on=calendar.subtract_workdays(today, 5),
        next_goal="两周内完成开通",
    )
    services.handover_record(
        by=_lead(handover.team),
        project=handover,
        to_team=east,
        what="第二批意向客户",
        handed_on=calendar.subtract_workdays(today, 3),
        to_person="周敏",
    )
    _tables(company, teams, today)
    for team_name, name, short in (
        ("电销二组", "云服务新客户拓展", True),
        ("电销一组", "企业邮箱新项目", False),
    ):
        start = calendar.subtract_workdays(today, 8)
        project = _project(teams[team_name], name, start, start + dt.timedelta(days=80), east)
        _indicators(project, today, rng, short)
        _summaries(project, today)


def _tables(company, teams, today) -> None:
    """This week's project tables as the leads export and send them back (电销五组's not)."""
    for name in ("电销一组", "电销三组", "电销四组"):
        team = teams[name]
        rows = Project.objects.filter(team=team)
        buffer = io.BytesIO()
        write_xlsx(rows, EXPORT_COLUMNS, sheet="项目表", target=buffer)
        importer = project_table_importer(_lead(team), {"as_of": today.isoformat()})
        batch, preview = import_preview(
            importer=importer,
            data=buffer.getvalue(),
            filename=f"{name}项目表-{today:%Y%m%d}.xlsx",
            kind="project_table",
            by=_lead(team),
        )
        assert preview.ok, [str(e) for e in preview.errors[:3]]
        import_commit(importer=importer, batch=batch)


def _lead(team):
    return team.leads.order_by("pk").first()


def _project(team, name, start, end, back):
    return services.project_create(
        by=_lead(team),
        team=team,
        name=name,
        starts_on=start,
        ends_on=end,
        back_team=back,
        lead=_lead(team),
        target=Decimal(200),
        note="",
    )


def _summaries(project, today) -> None:
    """Summaries on the project's follow-up days, the latest one missed for 电销五组's."""
    days = follow_up_days(
        project, max(project.starts_on, today - dt.timedelta(days=42)), today - dt.timedelta(days=1)
    )
    if project.team.name == "电销五组":
        days = days[:-1]
    ProjectSummary.objects.bulk_create(
        ProjectSummary(
            project=project,
            date=day,
            progress="本周推进顺利，客户反馈良好。",
            next_goal="完成下一批签约",
            next_milestone="月底前首批交付",
            allocation="2 人专职、1 名内勤",
            written_by=project.lead,
        )
        for day in days
    )


def _milestones(project, today, rng) -> None:
    for weeks, title in ((2, "完成调研"), (6, "首批签约"), (12, "全面推广")):
        due = project.starts_on + dt.timedelta(weeks=weeks)
        done = due < today and not (project.team.name == "电销三组" and title == "首批签约")
        milestone = services.project_milestone_add(
            by=project.lead, project=project, title=title, due_on=due
        )
        if done:
            services.milestone_done(milestone=milestone, by=project.lead, done_on=due)


def _indicators(project, today, rng, short: bool) -> None:
    """A week and a half of actuals; 电销二组's at about 60 % of its targets."""
    pace = 0.6 if short else 1.05
    for name, unit, daily, weekly, monthly in INDICATORS:
        indicator = Indicator.objects.create(
            project=project, name=name, unit=unit, daily=daily, weekly=weekly, monthly=monthly
        )
        Actual.objects.bulk_create(
            Actual(
                indicator=indicator,
                date=day,
                value=Decimal(round(daily * pace * rng.uniform(0.85, 1.15))),
                recorded_by=project.lead,
            )
            for day in calendar.workdays_between(
                project.starts_on, calendar.previous_workday(today)
            )
        )


def finish(company: DemoCompany) -> None:
    """The new project of 电销二组 has been projected short since the previous working day:
    today's tick has asked its lead for a plan (automatic 倒逼)."""
    from duban.supervision.models import Risk
    from duban.supervision.tick import plans_autodemand

    Risk.objects.filter(key__startswith="prj-indicator:", resolved_on=None).update(
        opened_on=calendar.previous_workday(company.today)
    )
    plans_autodemand(today=company.today)
