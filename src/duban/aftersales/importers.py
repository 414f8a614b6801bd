"""The after-sales register (售后登记表) as teams keep it, imported all or nothing.

A row is a case: it updates the case with its 编号, or registers a new one (with that number,
or the next of its month when the row has none). Columns the register leaves out keep what
the case had. A 客户 must be a partner already; a 类别 or 原因 not on the lists yet is added.
New cases, and cases whose severity or report time changes, get their deadlines from
services.deadlines. Resolved or closed cases need their 处理结果; the 责任方 is the
supervisors' to decide (定责). A case changed since the check refuses the whole import.
Leads, supervisors and admins (services.WRITERS) import into the teams they may see.
"""

import datetime as dt
import math
import re
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext

from duban.aftersales import services
from duban.aftersales.choices import (
    OPEN_CASES,
    CaseStatus,
    Channel,
    Responsibility,
    Severity,
)
from duban.aftersales.models import Case, CaseStep, Category, Cause
from duban.core.choices_parsing import choice_parser
from duban.core.history import import_reason
from duban.core.importing import Column, Importer, Preview, Row, RowError
from duban.core.parsing import ParseError, date_out_of_bounds, parse_date, parse_text
from duban.org.roster import RowTeams
from duban.partners.models import Partner

FIELDS = [  # compared with the case to tell changed from unchanged, and written
    "team_id",
    "handler_id",
    "partner_id",
    "project",
    "reported_at",  # ISO text: kept between check and commit as text
    "channel",
    "category_id",
    "cause_id",
    "severity",
    "status",
    "description",
    "resolution",
    "responsibility",
]
DEFAULTS = {  # of a new case, for a column the register leaves out
    "handler_id": None,
    "partner_id": None,
    "project": "",
    "reported_at": None,  # required of a new case
    "channel": Channel.PHONE,
    "category_id": None,
    "cause_id": None,
    "severity": Severity.NORMAL,
    "status": CaseStatus.NEW,
    "resolution": "",
    "responsibility": "",
}
NAMED = {"category": ("category_id", Category), "cause": ("cause_id", Cause)}
KEPT = ["number", *FIELDS, "category", "cause", "pk", "version"]
DONE = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})
_TIME = re.compile(
    r"^(?P<day>.+?)(?:[\sT]+(?P<h>\d{1,2})[:：](?P<m>\d{2})(?:[:：](?P<s>\d{2}))?)?$"
)


def text(max_length):
    return lambda value: parse_text(value, max_length=max_length)


def parse_moment(value) -> dt.datetime | None:
    """An Excel date and time (or its serial number), or text such as ``2026-11-30 10:30`` or
    ``2026年11月30日 10:30:15``; a date alone is its midnight. Aware, in the company's zone."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, float) and not value.is_integer() and 0 < value < math.inf:
        day = dt.datetime.combine(parse_date(int(value)), dt.time())
        moment = day + dt.timedelta(seconds=round((value - int(value)) * 86400))
    elif isinstance(value, dt.date | int | float):
        moment = dt.datetime.combine(parse_date(value), dt.time())
    else:
        moment = _moment_of_text(parse_text(value))
        if moment is None:
            return None
    if why := date_out_of_bounds(moment.date()):
        raise ParseError(f'{why} "{value}"')
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _moment_of_text(written: str) -> dt.datetime | None:
    if not written:
        return None
    match = _TIME.match(written)
    try:
        day = parse_date(match["day"])
        hms = [int(match[part] or 0) for part in ("h", "m", "s")]
        return dt.datetime.combine(day, dt.time(*hms))
    except (ParseError, ValueError):
        raise ParseError(f'无法识别的时间 "{written}"') from None


def shown_moment(value: dt.datetime) -> str:
    """How the export writes a report time, and the import reads back."""
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


parse_severity = choice_parser(
    "aftersales.case.severity",
    default=None,
    synonyms={
        "特急": Severity.URGENT,
        "严重": Severity.HIGH,
        "较高": Severity.HIGH,
        "一般": Severity.NORMAL,
    },
)
parse_channel = choice_parser(
    "aftersales.case.channel",
    default=None,
    synonyms={
        "微信": Channel.WECOM,
        "企微": Channel.WECOM,
        "电邮": Channel.EMAIL,
        "现场": Channel.VISIT,
    },
)
parse_status = choice_parser(
    "aftersales.case.status",
    default=None,
    synonyms={
        "新": CaseStatus.NEW,
        "待受理": CaseStatus.NEW,
        "受理": CaseStatus.ACCEPTED,
        "跟进中": CaseStatus.IN_PROGRESS,
        "解决": CaseStatus.RESOLVED,
        "已完成": CaseStatus.RESOLVED,
        "关闭": CaseStatus.CLOSED,
        "已完结": CaseStatus.CLOSED,
        "重开": CaseStatus.REOPENED,
    },
)
parse_responsibility = choice_parser(
    "aftersales.case.responsibility",
    default="",
    synonyms={
        "客户": Responsibility.PARTNER,
        "三方": Responsibility.THIRD,
        "无": Responsibility.NONE,
    },
)


class CaseImporter(RowTeams, Importer):
    title = "售后登记表"
    person_field, person_label = "handler", "处理人"
    distinct_fields = ("category", "cause")
    columns = [
        Column("number", "编号", ("案例编号", "售后编号", "工单号"), text(30)),
        Column("partner", "客户", ("客户名称", "合作单位", "单位"), text(100)),
        Column("project", "项目", ("项目名称",), text(100)),
        Column("team", "团队", ("所属团队", "组别", "小组", "部门"), text(50)),
        Column("handler", "处理人", ("负责人", "跟进人", "处理人员"), text(50)),
        Column("reported_at", "报告时间", ("报告日期", "反馈时间", "登记时间"), parse_moment),
        Column("channel", "渠道", ("反馈渠道", "来源"), parse_channel),
        Column("category", "类别", ("问题类别", "售后类别", "分类"), text(50)),
        Column("cause", "原因", ("问题原因", "故障原因"), text(50)),
        Column("severity", "严重程度", ("紧急程度", "级别", "等级"), parse_severity),
        Column("status", "状态", ("处理状态", "进度"), parse_status),
        Column("description", "问题描述", ("问题", "描述", "问题内容"), text(4000), True),
        Column("resolution", "处理结果", ("解决方案", "处理情况"), text(4000)),
        Column("responsibility", "责任方", ("定责", "责任归属"), parse_responsibility),
    ]

    def __init__(self, user, options: dict | None = None, *, now=None):
        self.teams_for(user, options)
        writer = user.role in services.WRITERS
        self.roster.teams = {pk: t for pk, t in self.roster.teams.items() if writer}
        self.teams = {team.name: team for team in self.roster.teams.values()}
        if self.default_team is not None and self.default_team.pk not in self.roster.teams:
            self.default_team = None
        self.now = now or timezone.now()
        self.partners = dict(Partner.objects.values_list("name", "pk"))
        self.named = {
            name: dict(model.objects.values_list("name", "pk"))
            for name, (_f, model) in NAMED.items()
        }
        self.leads = {}  # team id -> the lead new cases of the team are given
        for team in self.roster.teams.values():
            self.leads[team.pk] = team.leads.order_by("pk").first()

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []

        def error(field, reason):
            label = self.label_of(field, labels)
            errors.append(RowError(row.line, label, row.raw.get(field, ""), reason))

        for field in ("severity", "status", "channel"):  # blank: as the case has it
            if field in values and values[field] is None:
                del values[field]
        team = self.row_team(values, error)
        values["team_id"] = team.pk if team else None
        if team is not None and self.leads.get(team.pk) is None:
            error("team", f"{team.name}还没有主管：请先在组织架构里指定")
        self._partner(values, error)
        self._moment(values, error)
        return errors

    def _partner(self, values: dict, error) -> None:
        if "partner" not in values:
            return
        name = values.pop("partner")
        values["partner_id"] = self.partners.get(name) if name else None
        if name and values["partner_id"] is None:
            error("partner", f'合作单位中没有 "{name}"：请先添加')

    def _moment(self, values: dict, error) -> None:
        if values.get("reported_at") is None:
            values.pop("reported_at", None)
            return
        moment = values["reported_at"]
        if moment > self.now + dt.timedelta(minutes=5):
            error("reported_at", f"报告时间 {shown_moment(moment)} 晚于现在")
        values["reported_at"] = _second(moment)

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        seen, errors = {}, []
        for row in rows:
            number = row.values.get("number")
            if not number:
                continue
            first = seen.setdefault(number, row.line)
            if first != row.line:
                label = self.label_of("number", labels)
                errors.append(RowError(row.line, label, number, f"与第 {first} 行编号重复"))
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        progress("compare", 0, len(rows))
        numbers = [row.values["number"] for row in rows if row.values.get("number")]
        found = Case.objects.filter(number__in=numbers).values("number", "pk", "version", *FIELDS)
        existing = {case["number"]: case for case in found}
        for case in existing.values():
            case["reported_at"] = _second(case["reported_at"])
        for row in rows:
            old = existing.get(row.values.get("number") or None)
            values = self._filled(row.values, old)
            field, why = self._refused_row(values, old)
            if why:
                label = self.label_of(field, self.labels)
                preview.errors.append(RowError(row.line, label, row.raw.get(field, ""), why))
                continue
            if old is None:
                preview.new.append(row)
            elif any(values[name] for name in NAMED) or any(values[f] != old[f] for f in FIELDS):
                preview.changed.append(row)
            else:
                preview.unchanged.append(row)
            row.values = {key: values[key] for key in KEPT}  # one order for all rows

    def _filled(self, values: dict, old: dict | None) -> dict:
        """The row with what the register leaves out taken from the case (or the defaults);
        a category or cause not on the list yet kept by name, to be added."""
        values.setdefault("number", "")
        for name, (field, _model) in NAMED.items():
            label = values.pop(name, None)
            if label is not None:  # in the register (blank clears it)
                values[field] = self.named[name].get(label) if label else None
            values[name] = label if label and values[field] is None else ""
        for field in FIELDS:
            if field not in values:
                values[field] = old[field] if old else DEFAULTS[field]
        values["pk"], values["version"] = (old["pk"], old["version"]) if old else (None, None)
        return values

    def _refused_row(self, values: dict, old: dict | None) -> tuple[str, str]:
        """(field, why the row cannot be imported), or ("", "")."""
        if old is not None and old["team_id"] not in self.roster.teams:
            return "number", f"编号 {values['number']} 已是其他团队的案例"
        if old is not None and old["team_id"] != values["team_id"]:
            return "team", "案例不能通过导入换团队"
        if values["reported_at"] is None:
            return "reported_at", "新案例须填写报告时间"
        if values["status"] in DONE and not values["resolution"]:
            return "resolution", "已解决或已关闭的案例须写明处理结果"
        decided = old["responsibility"] if old else ""
        if values["responsibility"] != decided and self.user.role not in services.SUPERVISORS:
            return "responsibility", "责任方由督办认定：请留空或保持原样"
        return "", ""

    def refusal(self, preview: Preview) -> str:
        rows = {row.values["pk"]: row.values for row in preview.changed}
        current = dict(
            Case.objects.select_for_update().filter(pk__in=list(rows)).values_list("pk", "version")
        )
        stale = [
            values["number"] for pk, values in rows.items() if current.get(pk) != values["version"]
        ]
        if stale:
            return gettext(
                "检查之后，有 %(count)d 个案例已被他人修改（%(names)s）。为避免覆盖他人的修改，"
                "本次没有导入任何数据，请重新检查后再导入。"
            ) % {"count": len(stale), "names": "、".join(stale[:5])}
        teams = {row.values["team_id"] for row in [*preview.new, *preview.changed]}
        if teams - set(self.roster.teams):
            return gettext("您已无权导入其中部分团队的数据，本次没有导入任何数据。")
        return ""

    def write(self, preview: Preview, *, batch, progress) -> None:
        self._add_named(preview)
        reason, numbers = import_reason(batch), Numbers()
        rows = [*preview.new, *preview.changed]
        cases = Case.objects.in_bulk([row.values["pk"] for row in preview.changed])
        for row in progress.track(rows, "write", len(rows)):
            values = row.values
            case = cases.get(values["pk"]) or Case(
                number=values["number"] or numbers.next(values["reported_at"]),
                lead=self.leads[values["team_id"]],
            )
            moved = self._apply(case, values)
            case._history_user, case._change_reason = self.user, reason
            case.save()
            for what in moved:
                CaseStep.objects.create(case=case, at=self.now, by=self.user, what=what)

    def _add_named(self, preview: Preview) -> None:
        for name, (_field, model) in NAMED.items():
            names = {n for n in preview.distinct(name) if n}
            if missing := names - set(self.named[name]):
                model.objects.bulk_create([model(name=n) for n in sorted(missing)])
                self.named[name] = dict(model.objects.values_list("name", "pk"))

    def _apply(self, case: Case, values: dict) -> list[str]:
        """Set the row's fields on the case, with the deadlines and the times its status and
        responsibility imply; returns the steps the change records."""
        new, before = case.pk is None, (case.severity, case.reported_at, case.status)
        old_responsibility = case.responsibility
        for name, (field, _model) in NAMED.items():
            if values[name]:
                values[field] = self.named[name][values[name]]
        for field in FIELDS:
            setattr(case, field, values[field])
        case.reported_at = dt.datetime.fromisoformat(values["reported_at"])
        if new or (case.severity, case.reported_at) != before[:2]:
            case.respond_by, case.resolve_by = services.deadlines(case.severity, case.reported_at)
        if case.responsibility != old_responsibility:
            decided = bool(case.responsibility)
            case.decided_by, case.decided_at = (self.user, self.now) if decided else (None, None)
        case.version = 1 if new else case.version + 1
        self._stamp(case)
        if new:
            return [gettext("登记")]
        return [str(CaseStatus(case.status).label)] if case.status != before[2] else []

    def _stamp(self, case: Case) -> None:
        """The times a status implies, as the pages set them (services.case_move)."""
        if case.status != CaseStatus.NEW:
            case.responded_at = case.responded_at or self.now
        if case.status in DONE:
            case.resolved_at = case.resolved_at or self.now
        if case.status == CaseStatus.CLOSED:
            case.closed_at = case.closed_at or self.now
        if case.status in OPEN_CASES:
            case.resolved_at = case.closed_at = None
            case.confirmed = False


class Numbers:
    """The next free numbers of new cases without one: SH202611-0001 and on, by month."""

    def __init__(self):
        self.taken = defaultdict(set)

    def next(self, reported_at: str) -> str:
        moment = dt.datetime.fromisoformat(reported_at)
        prefix = f"SH{timezone.localtime(moment):%Y%m}-"
        if prefix not in self.taken:
            found = Case.objects.filter(number__startswith=prefix).values_list("number", flat=True)
            self.taken[prefix] = set(found)
        count = len(self.taken[prefix])
        while (number := f"{prefix}{count + 1:04d}") in self.taken[prefix]:
            count += 1
        self.taken[prefix].add(number)
        return number


def _second(moment: dt.datetime) -> str:
    """A case's report time as the register has it: to the second, as ISO text."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def case_importer(user, options: dict) -> CaseImporter:
    """The after-sales register's importer for a user; ``options["team"]`` (a team's id or
    name) is the team of rows whose 处理人 does not say it."""
    return CaseImporter(user, options)
