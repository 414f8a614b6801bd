"""What people tells the lead scorecard and the dashboards (S-EVAL-1): headcount against
plan, trainings held against plan and their pass rates, re-trainings, monthly talks; and each
team's headcount, planned headcount and talks of the month."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.core.figures import Figure, figures
from duban.core.scoring import Dimension, Evidence, Period, achieved, measure
from duban.org.models import Team
from duban.people import selectors
from duban.people.models import Settings, Talk, Training, TrainingPlan
from duban.supervision.choices import Area, PlanStatus
from duban.supervision.models import Plan

# days after a training under the pass-rate bar by which its re-training is due (S-HR-4)
RETRAINING_WITHIN = 30


def _teams(period: Period) -> list[Team]:
    return list(Team.objects.filter(pk__in=period.team_ids))


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return reverse(name) + (f"?{query}" if query else "")


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], selectors.month_start(start)
    while month <= end:
        months.append(month)
        month = selectors.month_end(month) + dt.timedelta(days=1)
    return months


# --- measures ------------------------------------------------------------------------------


@measure(
    "headcount",
    dimension=Dimension.COMMITMENT,
    label=_("编制到位"),
    explain=_("每个在期末有编制的团队一项：期末实有人数 ÷ 编制人数，只计有编制的岗位；超编按 1 计"),
)
def headcount(period: Period) -> list[Evidence]:  # S-HR-1
    """One item per team with a headcount plan in force at the end of the period: the people
    on the books then in the posts the plan covers, against the plan (over plan counts 1)."""
    items = []
    for row in selectors.structure(_teams(period), period.end):
        if row.planned_total is None:
            continue
        actual = row.planned_total + row.gap  # the people in the posts the plan covers
        label = gettext("%(team)s %(day)s 编制 %(plan)d 人，实有 %(actual)d 人") % {
            "team": row.team.name,
            "day": f"{period.end:%m-%d}",
            "plan": row.planned_total,
            "actual": actual,
        }
        url = _url("people:structure", team=row.team.pk)
        items.append(Evidence(label, achieved(actual, row.planned_total), url, period.end))
    return items


def _held_against(plans: list[TrainingPlan]) -> dict[int, int]:
    """Plan id -> trainings its team held in the plan's period, of the plan's kind and project
    when it names them (as ``detectors.training_target_missed`` counts them)."""
    if not plans:
        return {}
    held = Training.objects.filter(
        team__in={plan.team_id for plan in plans},
        held_on__range=(min(p.starts_on for p in plans), max(p.ends_on for p in plans)),
    ).values_list("team_id", "held_on", "kind", "project")
    rows = list(held.order_by())
    return {
        plan.pk: sum(
            team_id == plan.team_id
            and plan.starts_on <= day <= plan.ends_on
            and (not plan.kind or kind == plan.kind)
            and (not plan.project or project == plan.project)
            for team_id, day, kind, project in rows
        )
        for plan in plans
    }


@measure(
    "trainings_held",
    dimension=Dimension.IMPROVEMENT,
    label=_("培训计划完成"),
    explain=_(
        "期内结束的培训计划每个一项：计划期内举办的培训次数 ÷ 计划次数（计划写明类型或项目的，"
        "只计该类型或项目的培训）；尚未结束的计划不计"
    ),
)
def trainings_held(period: Period) -> list[Evidence]:  # S-PRJ-6
    """One item per training plan of the lead's teams that ended in the period (due on its
    last day): trainings held in its period against its count. A plan still running at the end
    of the period is not due yet, so not an item (no pro rata)."""
    plans = list(
        TrainingPlan.objects.filter(
            team__in=period.team_ids, ends_on__range=(period.start, period.end)
        ).select_related("team")
    )
    held = _held_against(plans)
    items = []
    for plan in sorted(plans, key=lambda p: (p.ends_on, p.pk)):
        what = plan.project or (plan.get_kind_display() if plan.kind else "")
        label = gettext(
            "%(team)s 培训计划%(what)s %(start)s 至 %(end)s：计划 %(planned)d 次，举办 %(held)d 次"
        ) % {
            "team": plan.team.name,
            "what": f"（{what}）" if what else "",
            "start": f"{plan.starts_on:%m-%d}",
            "end": f"{plan.ends_on:%m-%d}",
            "planned": plan.count,
            "held": held[plan.pk],
        }
        url = _url("people:training_list", team=plan.team_id, month=f"{plan.ends_on:%Y-%m}")
        items.append(Evidence(label, achieved(held[plan.pk], plan.count), url, plan.ends_on))
    return items


@measure(
    "trainings_passed",
    dimension=Dimension.IMPROVEMENT,
    label=_("培训通过率"),
    explain=_("期内举办、已录入成绩的培训每次一项：通过率 ÷ 人力设置的通过率底线，达到底线按 1 计"),
)
def trainings_passed(period: Period) -> list[Evidence]:
    """One item per training of the lead's teams held in the period with at least one result
    recorded: its pass rate against the settings' bar."""
    settings = Settings.current()
    held = Training.objects.filter(
        team__in=period.team_ids, held_on__range=(period.start, period.end)
    ).select_related("team")
    items = []
    for row in selectors.training_figures(held.order_by("held_on", "pk"), settings):
        if row.pass_rate is None:
            continue
        training = row.training
        label = gettext(
            "%(team)s %(day)s 培训「%(topic)s」通过率 %(rate)d%%"
            "（%(scored)d 人中 %(passed)d 人通过），底线 %(bar)d%%"
        ) % {
            "team": training.team.name,
            "day": f"{training.held_on:%m-%d}",
            "topic": training.topic,
            "rate": row.pass_rate,
            "scored": row.scored,
            "passed": row.passed,
            "bar": settings.pass_rate_bar,
        }
        credit = achieved(row.pass_rate, settings.pass_rate_bar)
        items.append(Evidence(label, credit, training.get_absolute_url(), training.held_on))
    return items


def _answered(training_ids: list[int]) -> dict[int, tuple[dt.date, bool]]:
    """Training id -> (the day it was first answered, by a re-training held (True) or by the
    landing of the plan its pass-rate risk forced (False))."""
    found: dict[int, tuple[dt.date, bool]] = {}
    retrained = (
        Training.objects.filter(retraining_of__in=training_ids)
        .order_by()
        .values("retraining_of")
        .annotate(first=Min("held_on"))
        .values_list("retraining_of", "first")
    )
    for pk, day in retrained:
        found[pk] = (day, True)
    keys = {f"hr-pass-low:training:{pk}": pk for pk in training_ids}  # detectors.pass_rate_low
    landed = Plan.objects.filter(
        risk__key__in=list(keys), status=PlanStatus.LANDED, closed_on__isnull=False
    ).values_list("risk__key", "closed_on")
    for key, day in landed:
        pk = keys[key]
        if pk not in found or day < found[pk][0]:
            found[pk] = (day, False)
    return found


@measure(
    "retrainings",
    dimension=Dimension.FLEXIBILITY,
    label=_("二次培训"),
    explain=_(
        "通过率低于底线的培训，须在培训后 30 天内举办二次培训（或其方案落地）：按时做到为 1，"
        "到期未做到为 0；按时做到的计入做到的那一期，否则计入到期的那一期"
    ),
)
def retrainings(period: Period) -> list[Evidence]:  # S-HR-4
    """One item per training of the lead's teams whose pass rate is under the bar (as it is
    now), which demands a re-training within RETRAINING_WITHIN days: credit 1 when a
    re-training was held (or the plan its risk forced landed) by then, 0 when not. An item
    counts in the period in which it was settled: the day it was kept, else its due date;
    one neither kept nor due by the end of the period is not an item yet."""
    settings = Settings.current()
    within = dt.timedelta(days=RETRAINING_WITHIN)
    held = Training.objects.filter(
        team__in=period.team_ids, held_on__range=(period.start - within, period.end)
    ).select_related("team")
    low = [
        row
        for row in selectors.training_figures(held.order_by("held_on", "pk"), settings)
        if row.pass_rate is not None and row.pass_rate < settings.pass_rate_bar
    ]
    answered = _answered([row.training.pk for row in low]) if low else {}
    items = []
    for row in low:
        training, due = row.training, row.training.held_on + within
        kept_on, by_training = answered.get(training.pk, (None, True))
        kept = kept_on is not None and kept_on <= due
        settled = kept_on if kept else due
        if not period.start <= settled <= period.end:
            continue
        label = _retraining_label(row, due, kept_on, by_training)
        items.append(Evidence(label, 1.0 if kept else 0.0, training.get_absolute_url(), due))
    return items


def _retraining_label(row, due: dt.date, kept_on, by_training: bool) -> str:
    training = row.training
    values = {
        "team": training.team.name,
        "topic": training.topic,
        "day": f"{training.held_on:%m-%d}",
        "rate": row.pass_rate,
        "due": f"{due:%m-%d}",
        "kept": f"{kept_on:%m-%d}" if kept_on else "",
    }
    if kept_on is None:
        text = gettext(
            "%(team)s 培训「%(topic)s」（%(day)s，通过率 %(rate)d%%）："
            "应于 %(due)s 前二次培训，未培训"
        )
    elif not by_training:
        text = gettext(
            "%(team)s 培训「%(topic)s」（%(day)s，通过率 %(rate)d%%）："
            "二次培训方案 %(kept)s 落地，应于 %(due)s 前"
        )
    else:
        text = gettext(
            "%(team)s 培训「%(topic)s」（%(day)s，通过率 %(rate)d%%）："
            "二次培训 %(kept)s 举办，应于 %(due)s 前"
        )
    return text % values


@measure(
    "talks_done",
    dimension=Dimension.IMPROVEMENT,
    label=_("月度绩效谈话"),
    explain=_(
        "每月应谈的员工（月初在册，不含主管和长假中的员工）每人一项：当月谈过为 1，"
        "月份结束仍未谈为 0；月份未结束时只计已谈的员工"
    ),
)
def talks_done(period: Period) -> list[Evidence]:  # S-HR-5
    """One item per employee due a talk (``selectors.talk_coverage``) in each month the period
    touches, due on the month's last day: 1 with a talk that month, 0 without once the month
    is over. In a month still under way at the end of the period an employee without a talk
    yet is not an item."""
    teams = _teams(period)
    items = []
    for month in _months(period.start, period.end):
        due, over = selectors.month_end(month), selectors.month_end(month) <= period.end
        for row in selectors.talk_coverage(teams, month):
            url = _url("people:talks", team=row.team.pk, month=f"{month:%Y-%m}")
            for person in row.due:
                talk = row.talked.get(person.pk)
                if talk is None and not over:
                    continue
                label = _talk_label(row.team, person, month, talk)
                items.append(Evidence(label, float(talk is not None), url, due))
    return items


def _talk_label(team, person, month: dt.date, talk) -> str:
    values = {"team": team.name, "name": person.name, "month": f"{month:%Y-%m}"}
    if talk is None:
        return gettext("%(team)s %(name)s %(month)s 没有绩效谈话") % values
    values["day"] = f"{talk.held_on:%m-%d}"
    return gettext("%(team)s %(name)s %(month)s 绩效谈话于 %(day)s 完成") % values


# --- figures -------------------------------------------------------------------------------


def employees_url(team_id: int | None, day: dt.date) -> str:
    return _url("org:employee_list", team=team_id, status="current")


def structure_url(team_id: int | None, day: dt.date) -> str:
    return _url("people:structure", team=team_id)


def talks_url(team_id: int | None, day: dt.date) -> str:
    return _url("people:talks", team=team_id, month=f"{day:%Y-%m}")


@figures(
    Figure("hc_actual", Area.PEOPLE, _("实有人数"), "人", link=employees_url),
    Figure("hc_plan", Area.PEOPLE, _("编制人数"), "人", link=structure_url),
    Figure("talks_done_month", Area.PEOPLE, _("本月绩效谈话"), "次", link=talks_url),
)
def people_figures(team_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """As of the end of ``day``: the people on the books (from the history of joins, leaves,
    transfers; those on long leave included, as the structure page counts them), the planned
    headcount in force, and the talks of ``day``'s month held by then (by the employee's
    team now)."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for team_id, posts in selectors.headcount(team_ids, day).items():
        found[team_id]["hc_actual"] = sum(posts.values())
    for team_id, posts in selectors.planned(team_ids, day).items():
        found[team_id]["hc_plan"] = sum(n for n in posts.values() if n is not None)
    talks = (
        Talk.objects.filter(
            employee__team__in=team_ids, month=selectors.month_start(day), held_on__lte=day
        )
        .order_by()
        .values("employee__team")
        .annotate(n=Count("pk"))
        .values_list("employee__team", "n")
    )
    for team_id, count in talks:
        found[team_id]["talks_done_month"] = count
    return dict(found)
