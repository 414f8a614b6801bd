"""The after-sales workflows (S-AS-1 … S-AS-4): every write of the area goes through here."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duban.aftersales.choices import OPEN_CASES, CaseStatus, Responsibility
from duban.aftersales.models import Case, CaseStep, MonthlyTable, Review, Settings
from duban.core import calendar
from duban.core.transitions import transition
from duban.org.choices import Role
from duban.org.models import Team

WRITERS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}
SUPERVISORS = {Role.ADMIN, Role.SUPERVISOR}
CHANGED = gettext_lazy("这个案例的状态已经变化，请刷新页面后再操作。")
MOVES = {  # status → where it may go
    "accept": ([CaseStatus.NEW, CaseStatus.REOPENED], CaseStatus.ACCEPTED),
    "start": ([CaseStatus.ACCEPTED, CaseStatus.REOPENED], CaseStatus.IN_PROGRESS),
    "close": ([CaseStatus.RESOLVED], CaseStatus.CLOSED),
    "reopen": ([CaseStatus.RESOLVED, CaseStatus.CLOSED], CaseStatus.REOPENED),
}


def _may(user, team) -> None:
    if user.role not in WRITERS:
        raise PermissionDenied
    if not Team.objects.visible_to(user).filter(pk=team.pk).exists():
        raise PermissionDenied


def deadlines(severity: str, reported_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(respond by, resolve by) on working hours of working days (S-AS-3)."""
    hours, days = Settings.current().limits(severity)
    day = (
        dt.datetime.combine(dt.date(2000, 1, 1), calendar.DAY_ENDS)
        - dt.datetime.combine(dt.date(2000, 1, 1), calendar.DAY_STARTS)
    ).total_seconds() / 3600
    local = timezone.localtime(reported_at)
    return calendar.add_working_hours(local, hours), calendar.add_working_hours(local, days * day)


def case_register(*, by, team: Team, reported_at: dt.datetime, severity: str, **fields) -> Case:
    """A case registered, its deadlines set from its severity."""
    _may(by, team)
    lead = fields.pop("lead", None) or team.leads.order_by("pk").first()
    if lead is None:
        raise ValidationError(_("这个团队还没有主管：请先在组织架构里指定"))
    handler = fields.get("handler")
    if handler is not None and handler.team_id != team.pk:
        raise ValidationError(_("处理人须是本团队的员工"))
    respond_by, resolve_by = deadlines(severity, reported_at)
    for _attempt in range(5):
        number = _number(reported_at)
        case = Case(
            number=number,
            team=team,
            lead=lead,
            reported_at=reported_at,
            severity=severity,
            respond_by=respond_by,
            resolve_by=resolve_by,
            **fields,
        )
        case.full_clean(exclude=["number"])
        try:
            with transaction.atomic():
                case.save()
                CaseStep.objects.create(case=case, at=timezone.now(), by=by, what=_("登记"))
            return case
        except IntegrityError:  # another registration took the number meanwhile
            continue
    raise ValidationError(_("编号冲突，请重试"))


def _number(reported_at: dt.datetime) -> str:
    """SH202611-0001 …: the month's next number after the highest given (never one of a
    deleted case again)."""
    prefix = f"SH{timezone.localtime(reported_at):%Y%m}-"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    suffix = last[len(prefix) :] if last else "0"
    return f"{prefix}{(int(suffix) if suffix.isdigit() else 0) + 1:04d}"


def case_move(*, case: Case, by, move: str) -> Case:
    """Accept, start, close or reopen."""
    _may(by, case.team)
    allowed, to = MOVES[move]
    now = timezone.now()
    changes = {}
    if move == "accept" and case.responded_at is None:
        changes["responded_at"] = now
    if move == "close":
        changes["closed_at"] = now
    if move == "reopen":
        changes.update(resolved_at=None, closed_at=None, confirmed=False)
    with transaction.atomic():
        transition(case, allowed_from=allowed, to=to, message=CHANGED, **changes)
        CaseStep.objects.create(case=case, at=now, by=by, what=str(CaseStatus(to).label))
    return case


def step_record(*, case: Case, by, what: str) -> CaseStep:
    """A step of the handling; the first one answers the case if nobody has yet."""
    _may(by, case.team)
    if not what.strip():
        raise ValidationError(_("请写明处理过程"))
    if case.status not in OPEN_CASES:
        raise ValidationError(_("案例已解决或关闭：请先重新打开"))
    now = timezone.now()
    with transaction.atomic():
        step = CaseStep.objects.create(case=case, at=now, by=by, what=what.strip())
        Case.objects.filter(pk=case.pk, responded_at=None).update(responded_at=now)
    return step


def case_resolve(*, case: Case, by, resolution: str, confirmed: bool) -> Case:
    _may(by, case.team)
    if not resolution.strip():
        raise ValidationError(_("请写明处理结果"))
    now = timezone.now()
    with transaction.atomic():
        transition(
            case,
            allowed_from=OPEN_CASES,
            to=CaseStatus.RESOLVED,
            message=CHANGED,
            resolution=resolution.strip(),
            confirmed=confirmed,
            resolved_at=now,
            responded_at=case.responded_at or now,
        )
        CaseStep.objects.create(
            case=case, at=now, by=by, what=_("已解决：%(r)s") % {"r": resolution.strip()}
        )
    return case


def responsibility_decide(
    *, case: Case, by, responsibility: str, person: str = "", disputed: bool = False
) -> Case:
    """Who answers for the case (定责), decided by a supervisor; a disputed one is marked."""
    if by.role not in SUPERVISORS:
        raise PermissionDenied
    _may(by, case.team)
    if responsibility not in Responsibility.values:
        raise ValidationError(_("请选择责任方"))
    case.responsibility, case.responsible_person, case.disputed = (
        responsibility,
        person.strip(),
        disputed,
    )
    case.decided_by, case.decided_at = by, timezone.now()
    case.version += 1
    case.save(
        update_fields=[
            "responsibility",
            "responsible_person",
            "disputed",
            "decided_by",
            "decided_at",
            "version",
        ]
    )
    return case


def review_record(*, by, team: Team, held_on: dt.date, asked: str, cases) -> Review:
    """The twice-weekly review recorded; it completes the team's after-sales check-in of the
    day (S-AS-2) when a rule has one."""
    from duban.supervision.choices import Area, CheckInStatus, Outcome
    from duban.supervision.models import CheckIn
    from duban.supervision.services import checkin_record

    if by.role not in SUPERVISORS:
        raise PermissionDenied
    _may(by, team)
    if not asked.strip():
        raise ValidationError(_("请写明对主管的要求"))
    with transaction.atomic():
        review = Review.objects.create(team=team, held_on=held_on, asked=asked.strip(), by=by)
        review.cases.set(cases)
        for checkin in CheckIn.objects.filter(
            team=team, date=held_on, rule__area=Area.AFTERSALES, status=CheckInStatus.PLANNED
        ):
            checkin_record(checkin=checkin, by=by, outcome=Outcome.DONE, findings=asked.strip())
    return review


def table_generate(*, team: Team, month: dt.date) -> MonthlyTable:
    """The team's tracking table of a month from its cases (S-AS-4); generated again while not
    returned."""
    from duban.aftersales.selectors import table_rows

    month = month.replace(day=1)
    table, _created = MonthlyTable.objects.get_or_create(team=team, month=month)
    if table.returned_at is None:
        table.rows = table_rows(team, month)
        table.save(update_fields=["rows"])
    return table


def table_return(*, table: MonthlyTable, by, corrections: str = "") -> MonthlyTable:
    """The lead returns the table, confirmed, with any corrections."""
    _may(by, table.team)
    if table.returned_at is not None:
        raise ValidationError(_("这张表已经返回"))
    table.returned_at, table.returned_by, table.corrections = (
        timezone.now(),
        by,
        corrections.strip(),
    )
    table.save(update_fields=["returned_at", "returned_by", "corrections"])
    return table
