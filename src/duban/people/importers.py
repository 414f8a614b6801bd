"""The roster (花名册) as HR keeps it, imported all or nothing (S-HR-3).

A row is an employee of a team: it is the employee with the same 工号 when the row has one,
else the one of the team with the same name (current before former; a former one only with
the same hire date). What a row says otherwise than the register becomes a staff change,
recorded and applied through duban.people.services: someone new joins, a leave date leaves,
another team is a transfer, another kind of post a post change, 休假 a long leave and back
from it a return. Only changes of the last RECENT_DAYS demand the lead's plans; someone hired
long ago whom the register lacks is added as they are, without a change (a first import is
the baseline). Columns the sheet leaves out keep what the employee had; an employee the
sheet leaves out is not touched (absence is no leave).
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from duban.core.choices_parsing import choice_parser
from duban.core.history import import_reason
from duban.core.importing import Column, Importer, Preview, Row, RowError, TableChoice
from duban.core.parsing import ParseError, parse_date, parse_phone, parse_text
from duban.org.choices import EmployeeStatus, Post, post_of
from duban.org.models import Employee
from duban.org.roster import RowTeams
from duban.people import services
from duban.people.choices import ChangeKind
from duban.people.models import Training, TrainingResult

FIELDS = [  # compared with the register to tell changed from unchanged
    "number",
    "name",
    "team_id",
    "position",
    "post",
    "status",
    "hire_date",
    "leave_date",
    "phone",
]
DEFAULTS = {  # of a new employee, for a column the sheet leaves out
    "number": "",
    "position": "",
    "status": EmployeeStatus.ACTIVE,
    "leave_date": None,
    "phone": "",
}
KEPT = [*FIELDS, "pk", "version", "changes"]  # changes: the kinds of change, "transfer,post"
LEFT, ON_LEAVE = EmployeeStatus.LEFT, EmployeeStatus.ON_LEAVE
AT_WORK = {EmployeeStatus.ACTIVE, EmployeeStatus.PROBATION}


def text(max_length):
    return lambda value: parse_text(value, max_length=max_length)


parse_post = choice_parser(
    "org.employee.post",
    default=None,
    synonyms={  # the words HR writes; an admin may add more (选项同义词)
        "主管": Post.LEAD,
        "组长": Post.LEAD,
        "经理": Post.LEAD,
        "资深": Post.SENIOR,
        "高级": Post.SENIOR,
        "骨干": Post.SENIOR,
        "普通": Post.JUNIOR,
        "普通员工": Post.JUNIOR,
        "一般": Post.JUNIOR,
        "内勤": Post.INSIDE,
        "助理": Post.INSIDE,
        "实习": Post.TRAINEE,
        "实习生": Post.TRAINEE,
        "新人": Post.TRAINEE,
        "见习": Post.TRAINEE,
    },
)
parse_status = choice_parser(
    "org.employee.status",
    default=None,
    synonyms={
        "在职": EmployeeStatus.ACTIVE,
        "在岗": EmployeeStatus.ACTIVE,
        "正式": EmployeeStatus.ACTIVE,
        "已转正": EmployeeStatus.ACTIVE,
        "试用": EmployeeStatus.PROBATION,
        "试用期": EmployeeStatus.PROBATION,
        "休假": EmployeeStatus.ON_LEAVE,
        "长假": EmployeeStatus.ON_LEAVE,
        "休长假": EmployeeStatus.ON_LEAVE,
        "离职": EmployeeStatus.LEFT,
        "已离职": EmployeeStatus.LEFT,
    },
)


class RosterImporter(RowTeams, Importer):
    title = "花名册"
    columns = [
        Column("number", "工号", ("员工编号", "编号", "工号ID", "工号id"), text(30)),
        Column("name", "姓名", ("员工姓名", "名字"), text(50), True),
        Column("team", "团队", ("部门", "所属团队", "组别", "小组"), text(50)),
        Column("position", "岗位", ("职位", "岗位名称"), text(50)),
        Column("post", "岗位类别", ("岗位类型", "职级"), parse_post),  # blank: read from 岗位
        Column("hire_date", "入职日期", ("入职时间", "到岗日期"), parse_date, True),
        Column("leave_date", "离职日期", ("离职时间",), parse_date),
        Column("status", "状态", ("在职状态", "员工状态"), parse_status),
        Column("phone", "手机", ("手机号", "电话"), parse_phone),
    ]

    def __init__(self, user, options: dict | None = None, *, today=None):
        self.teams_for(user, options)
        if user.role not in services.EDITORS:  # executives and members import nothing
            self.roster.teams, self.teams, self.default_team = {}, {}, None
        self.today = today or timezone.localdate()

    def table_choices(self, mapped: set[str]) -> list[TableChoice]:
        if "team" in mapped or self.default_team is not None:
            return []
        teams = sorted(self.roster.teams.values(), key=lambda team: team.name)
        why = "表格中没有团队列：请选择这张表属于哪个团队，或指定哪一列是团队。"
        return [TableChoice("team", "整张表属于", [(str(t.pk), t.name) for t in teams], why)]

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []

        def error(field, reason):
            errors.append(
                RowError(row.line, self.label_of(field, labels), row.raw.get(field, ""), reason)
            )

        team = self._row_team(values, error)
        values["team_id"] = team.pk if team else None
        for field in ("post", "status"):
            if field in values and values[field] is None:
                del values[field]  # a blank cell: as the register has it (or read from the title)
        if values.get("position") and "post" not in values:
            values["post_of_title"] = post_of(values["position"])
        hired, left = values.get("hire_date"), values.get("leave_date")
        if hired and hired > self.today:
            error("hire_date", f"入职日期 {hired} 晚于今天：请在到岗后再导入")
        if left is not None:
            if values.setdefault("status", LEFT) != LEFT:
                error("status", "填了离职日期，状态却不是离职：请清空离职日期或把状态改为离职")
            if left > self.today:
                error("leave_date", f"离职日期 {left} 晚于今天：请在离职后再导入")
            if hired and left < hired:
                error("leave_date", f"离职日期 {left} 早于入职日期 {hired}")
        elif values.get("status") == LEFT and "leave_date" in values:
            error("leave_date", "状态为离职时必须填写离职日期")
        return errors

    def _row_team(self, values: dict, error):
        """The team the row names, else the one the whole table was given."""
        name = values.pop("team", "") or ""
        if not name:
            if self.default_team is None:
                error("team", "无法确定这一行属于哪个团队：请填写团队")
            return self.default_team
        team = self.teams.get(name)
        if team is None:
            error("team", f'没有这个团队，或您无权导入它的数据 "{name}"')
        return team

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        """The same 工号 twice; or, in rows without one, the same name twice in a team (a
        former employee's row is told apart by its hire date)."""
        errors, seen = [], {}
        for row in rows:
            values = row.values
            if values.get("number"):
                field, key = "number", values["number"]
            else:
                left = values.get("status") == LEFT
                field, key = (
                    "name",
                    (values["team_id"], values["name"], left and values["hire_date"]),
                )
            first = seen.setdefault((field, key), row.line)
            if first == row.line:
                continue
            if field == "number":
                reason = f'与第 {first} 行重复 "{key}"'
            else:
                reason = f"与第 {first} 行同名（同一团队）：请填写工号以区分两人"
            errors.append(RowError(row.line, self.label_of(field, labels), values[field], reason))
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        progress("compare", 0, len(rows))
        by_number, by_name = self._existing(rows)
        matched, changes, recent, baseline = {}, 0, 0, 0
        for row in rows:
            old, why = self._match(row.values, by_number, by_name)
            if not why and old is not None and old["pk"] in matched:
                why = f"与第 {matched[old['pk']]} 行是同一位员工"
            if why:
                self._error(preview, row, "number" if row.values.get("number") else "name", why)
                continue
            values = self._filled(row.values, old)
            kinds, problems = self._changes(values, old)
            for field, reason in problems:
                self._error(preview, row, field, reason)
            if problems:
                continue
            if old is not None:
                matched[old["pk"]] = row.line
            values["changes"] = ",".join(kinds)
            row.values = {key: values[key] for key in KEPT}  # one order for all rows
            dates = [self._dated(kind, values) for kind in kinds]
            changes += len(dates)
            recent += sum(services.is_recent(day, today=self.today) for day in dates)
            if old is None:
                baseline += ChangeKind.JOIN not in kinds
                preview.new.append(row)
            elif kinds or any(values[field] != old[field] for field in FIELDS):
                preview.changed.append(row)
            else:
                preview.unchanged.append(row)
        self._notes(preview, changes, recent, baseline)

    def _error(self, preview: Preview, row: Row, field: str, reason: str) -> None:
        label = self.label_of(field, self.labels)
        preview.errors.append(RowError(row.line, label, row.raw.get(field, ""), reason))

    def _existing(self, rows: list[Row]):
        """The employees the rows may be: by 工号, and by (team, name)."""
        numbers = [row.values["number"] for row in rows if row.values.get("number")]
        teams = {row.values["team_id"] for row in rows}
        found = Employee.objects.filter(Q(number__in=numbers) | Q(team__in=teams))
        by_number, by_name = {}, defaultdict(list)
        for employee in found.values("pk", "version", *FIELDS):
            if employee["number"]:
                by_number[employee["number"]] = employee
            by_name[(employee["team_id"], employee["name"])].append(employee)
        return by_number, by_name

    def _match(self, values: dict, by_number, by_name) -> tuple[dict | None, str]:
        """(the employee the row is, or None for someone new, "") or (None, why not)."""
        number, name = values.get("number"), values["name"]
        if number and (old := by_number.get(number)):
            if old["team_id"] not in self.roster.teams:
                return None, f"工号 {number} 是您无权导入数据的团队的员工"
            return old, ""
        namesakes = by_name.get((values["team_id"], name), [])
        if number:  # a number not in the register: someone without one may be given it
            namesakes = [e for e in namesakes if not e["number"]]
        current = [e for e in namesakes if e["status"] != LEFT]
        former = [
            e for e in namesakes if e["status"] == LEFT and e["hire_date"] == values["hire_date"]
        ]
        order = (former, current) if values.get("status") == LEFT else (current, former)
        for found in order:
            if len(found) > 1:
                return None, f"本团队有 {len(found)} 位“{name}”：请填写工号以区分"
            if found:
                return found[0], ""
        return None, ""

    @staticmethod
    def _filled(values: dict, old: dict | None) -> dict:
        """The row with what the sheet leaves out taken from the register (or the defaults):
        a kind of post read from a title only when the title is new."""
        title_post = values.pop("post_of_title", None)
        if "post" not in values:
            same_title = old and values.get("position", old["position"]) == old["position"]
            values["post"] = old["post"] if same_title else title_post or Post.JUNIOR
        for field in FIELDS:
            if field not in values:
                values[field] = old[field] if old else DEFAULTS[field]
        values["pk"], values["version"] = (old["pk"], old["version"]) if old else (None, None)
        return values

    def _changes(self, values: dict, old: dict | None) -> tuple[list[str], list[tuple]]:
        """The changes the row records, and why it cannot be imported, as (field, reason)."""
        status, hired, left = values["status"], values["hire_date"], values["leave_date"]
        if status == LEFT and left is None:
            return [], [("leave_date", "状态为离职时必须填写离职日期")]
        if left is not None and left < hired:  # the register's leave date, the sheet's hire
            return [], [("hire_date", f"入职日期 {hired} 晚于离职日期 {left}")]
        if old is None:
            recent = services.is_recent
            kinds = [ChangeKind.JOIN] if recent(values["hire_date"], today=self.today) else []
            if status == LEFT and recent(values["leave_date"], today=self.today):
                kinds.append(ChangeKind.LEAVE)
            return kinds, []
        if old["status"] == LEFT:
            return self._former(values, old)
        leaving, kinds, problems = status == LEFT, [], []
        if values["team_id"] != old["team_id"]:
            kinds.append(ChangeKind.TRANSFER)
        if values["post"] != old["post"]:
            kinds.append(ChangeKind.POST)
        if leaving and kinds:
            field = "team" if ChangeKind.TRANSFER in kinds else "post"
            problems.append((field, "同一行既离职又调岗或改岗位类别：请写离职时的团队和岗位类别"))
        if status == ON_LEAVE and old["status"] != ON_LEAVE:
            kinds.append(ChangeKind.LONG_LEAVE)
        if old["status"] == ON_LEAVE and status in AT_WORK:
            kinds.append(ChangeKind.RETURN)
        if leaving:
            kinds.append(ChangeKind.LEAVE)
        return kinds, problems

    @staticmethod
    def _former(values: dict, old: dict) -> tuple[list[str], list[tuple]]:
        """A former employee's row corrects what the register has, or cannot be imported."""
        if values["status"] != LEFT:
            reason = (
                f"{old['name']} 已于 {old['leave_date']} 离职：重新入职请另起一行，写新的入职日期"
            )
            return [], [("status", reason)]
        if values["team_id"] != old["team_id"]:
            return [], [("team", "已离职的员工不能调岗：请写离职时所在的团队")]
        return [], []

    def _dated(self, kind: str, values: dict) -> dt.date:
        """The day a change is recorded on: a join on the hire date, a leave on the leave
        date, any other on the day of the import (the roster does not date it)."""
        if kind == ChangeKind.JOIN:
            return values["hire_date"]
        if kind == ChangeKind.LEAVE:
            return values["leave_date"]
        return self.today

    @staticmethod
    def _notes(preview: Preview, changes: int, recent: int, baseline: int) -> None:
        days = services.RECENT_DAYS
        if changes:
            preview.notes.append(
                f"导入后将记录 {changes} 条人员变动，其中 {recent} 条在最近 {days} 天内，"
                "将向团队主管要人员计划（新到团队的还要培训方案）；更早的只记录，不要计划。"
            )
        if baseline:
            preview.notes.append(
                f"有 {baseline} 位新员工入职已超过 {days} 天，作为花名册的基础数据加入，"
                "不记录入职变动。"
            )

    def refusal(self, preview: Preview) -> str:
        rows = {row.values["pk"]: row.values for row in preview.changed}
        current = {
            pk: (version, team_id)
            for pk, version, team_id in Employee.objects.select_for_update()
            .filter(pk__in=list(rows))
            .values_list("pk", "version", "team_id")
        }
        stale = [v["name"] for pk, v in rows.items() if current.get(pk, (None,))[0] != v["version"]]
        if stale:
            return gettext(
                "检查之后，有 %(count)d 位员工已被他人修改（%(names)s）。为避免覆盖他人的修改，"
                "本次没有导入任何数据，请重新检查后再导入。"
            ) % {"count": len(stale), "names": "、".join(stale[:5])}
        teams = {team_id for _version, team_id in current.values()}
        teams |= {row.values["team_id"] for row in [*preview.new, *preview.changed]}
        if teams - set(self.roster.teams):
            return gettext("您已无权导入其中部分团队的数据，本次没有导入任何数据。")
        return ""

    def write(self, preview: Preview, *, batch, progress) -> None:
        note = f"花名册导入（{batch.filename}）"
        reason = import_reason(batch)
        for row in progress.track(preview.new, "write", len(preview.new)):
            self._add(row.values, note=note, reason=reason)
        pks = [row.values["pk"] for row in preview.changed]
        employees = Employee.objects.select_related("team").in_bulk(pks)
        for row in progress.track(preview.changed, "update", len(pks)):
            self._update(employees[row.values["pk"]], row.values, note=note, reason=reason)

    def _add(self, values: dict, *, note: str, reason: str) -> None:
        """A new employee; a leave to record is applied to them as a change."""
        kinds = values["changes"].split(",") if values["changes"] else []
        employee = Employee(
            **{field: values[field] for field in FIELDS if field != "team_id"},
            team=self.roster.teams[values["team_id"]],
        )
        if ChangeKind.LEAVE in kinds:  # on the books until the leave is recorded
            employee.status, employee.leave_date = EmployeeStatus.ACTIVE, None
        self._stamp(employee, reason)
        employee.save()
        for kind in kinds:
            self._record(employee, kind, values, note=note)

    def _update(self, employee: Employee, values: dict, *, note: str, reason: str) -> None:
        """The register's facts corrected, then each change applied and recorded; the status
        set last (a return leaves them active; the sheet may say on probation)."""
        kinds = values["changes"].split(",") if values["changes"] else []
        for field in ("number", "name", "position", "phone", "hire_date"):
            setattr(employee, field, values[field])
        if employee.status == LEFT:  # a former employee's facts corrected
            employee.post, employee.leave_date = values["post"], values["leave_date"]
        self._stamp(employee, reason)
        for kind in kinds:  # in the order _changes found them: a leave last
            self._record(employee, kind, values, note=note)
        final = {"status": values["status"], "leave_date": values["leave_date"]}
        if not kinds or any(getattr(employee, f) != value for f, value in final.items()):
            for field, value in final.items():
                setattr(employee, field, value)
            employee.version += 1
            employee.save()

    def _record(self, employee: Employee, kind: str, values: dict, *, note: str) -> None:
        services.change_import(
            by=self.user,
            employee=employee,
            kind=kind,
            date=self._dated(kind, values),
            today=self.today,
            team=self.roster.teams.get(values["team_id"]),
            post=values["post"],
            note=note,
        )

    def _stamp(self, employee: Employee, reason: str) -> None:
        """Who wrote the history entries of the employee's saves, and why (simple-history)."""
        employee._history_user, employee._change_reason = self.user, reason


def roster_importer(user, options: dict) -> RosterImporter:
    """The roster importer for a user; ``options["team"]`` (a team's id or name) is the team
    of rows that name none."""
    return RosterImporter(user, options)


# --- training attendance sheets (S-HR-4) -----------------------------------------------------

PASSED_WORDS = {"通过", "是", "合格", "及格", "√", "✓", "y", "yes", "pass", "passed", "true"}
FAILED_WORDS = {"未通过", "不通过", "否", "不合格", "不及格", "×", "✗", "n", "no", "fail", "failed"}
UPTAKE_WORDS = {"很好": 5, "优": 5, "好": 4, "良": 4, "一般": 3, "中": 3, "较差": 2, "差": 1}
RESULT_FIELDS = ["score", "passed", "uptake", "note"]


def parse_score(value):
    """A score out of 100: 85, 85.5, 85分."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ParseError(f"无法识别的成绩 {value!r}")
    text = str(value).strip().removesuffix("分").strip()
    try:
        score = Decimal(text)
    except InvalidOperation:
        raise ParseError(f'无法识别的成绩 "{value}"') from None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        raise ParseError(f'成绩应在 0 到 100 之间："{value}"')
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def parse_passed(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    word = parse_text(value).lower()
    if not word:
        return None
    if word in PASSED_WORDS:
        return True
    if word in FAILED_WORDS:
        return False
    raise ParseError(f'无法识别的“是否通过” "{value}"，可填：通过、未通过')


def parse_uptake(value):
    """1 to 5, or 很好 / 好 / 一般 / 较差 / 差."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = parse_text(value)
    if text in UPTAKE_WORDS:
        return UPTAKE_WORDS[text]
    if len(text) == 1 and text.isdecimal() and 1 <= int(text) <= 5:
        return int(text)
    raise ParseError(f'无法识别的接受程度 "{value}"，可填 1–5，或：很好、好、一般、较差、差')


class AttendanceImporter(Importer):
    """A training's sign-in and score sheet (签到/成绩表): each row an attendee of the training's
    team, by 工号 or name, with their score or pass/fail, uptake and a note. Attendees not yet
    on the training are added; a row changes only the columns the sheet has."""

    title = "培训签到/成绩表"
    columns = [
        Column(
            "name", "姓名", ("员工姓名", "学员", "学员姓名", "参训人", "参训人员"), text(50), True
        ),
        Column("number", "工号", ("员工编号", "编号"), text(30)),
        Column("score", "成绩", ("分数", "考核成绩", "得分", "考试成绩"), parse_score),
        Column("passed", "是否通过", ("考核结果", "通过", "是否合格", "结果"), parse_passed),
        Column("uptake", "接受程度", ("掌握程度", "评价", "接受情况"), parse_uptake),
        Column("note", "备注", ("说明", "反馈", "评语"), text(200)),
    ]

    def __init__(self, user, training):
        self.user, self.training = user, training
        self.by_number, self.by_name = {}, defaultdict(list)
        if training is None:  # for the template's columns only
            return
        people = Employee.objects.filter(team=training.team_id, hire_date__lte=training.held_on)
        people = people.exclude(leave_date__lt=training.held_on).only("pk", "name", "number")
        self.by_number = {p.number: p.pk for p in people if p.number}
        for person in people:
            self.by_name[person.name.strip()].append(person.pk)

    def validate(self, row: Row, labels) -> list[RowError]:
        values = row.values
        number, name = values.pop("number", ""), values.pop("name", "")
        found = self.by_number.get(number) if number else None
        if found is None:
            named = self.by_name.get(name, [])
            if len(named) == 1:
                found = named[0]
            else:
                why = (
                    f"培训所属团队（{self.training.team.name}）在培训当天没有这位员工"
                    if not named
                    else f"团队里有 {len(named)} 位“{name}”，请填写工号"
                )
                column = self.label_of("name", labels)
                return [RowError(row.line, column, row.raw.get("name", ""), why)]
        values["employee_id"] = found
        return []

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        seen, errors = {}, []
        for row in rows:
            key = row.values["employee_id"]
            if key in seen:
                reason = f"与第 {seen[key]} 行是同一位员工"
                column = self.label_of("name", labels)
                errors.append(RowError(row.line, column, row.raw.get("name", ""), reason))
            else:
                seen[key] = row.line
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        results = {r.employee_id: r for r in self.training.results.all()}
        for row in rows:
            values = row.values
            old = results.get(values["employee_id"])
            for field in RESULT_FIELDS:
                if field not in values:
                    values[field] = (
                        getattr(old, field) if old else ("" if field == "note" else None)
                    )
            values["pk"] = old.pk if old else None
            row.values = {key: values[key] for key in ["employee_id", "pk", *RESULT_FIELDS]}
            if old is None:
                preview.new.append(row)
            elif any(getattr(old, f) != row.values[f] for f in RESULT_FIELDS):
                preview.changed.append(row)
            else:
                preview.unchanged.append(row)

    def refusal(self, preview: Preview) -> str:
        if not Training.objects.visible_to(self.user).filter(pk=self.training.pk).exists():
            return gettext("您已无权录入这次培训的成绩，本次没有导入任何数据。")
        return ""

    def write(self, preview: Preview, *, batch, progress) -> None:
        TrainingResult.objects.bulk_create(
            TrainingResult(
                training=self.training,
                employee_id=row.values["employee_id"],
                **{f: row.values[f] for f in RESULT_FIELDS},
            )
            for row in preview.new
        )
        changed = [
            TrainingResult(pk=row.values["pk"], **{f: row.values[f] for f in RESULT_FIELDS})
            for row in preview.changed
        ]
        TrainingResult.objects.bulk_update(changed, RESULT_FIELDS)


def attendance_importer(user, options: dict) -> AttendanceImporter:
    """The sheet of ``options["training"]`` (a training's id), which ``user`` may write to;
    without one, the sheet's columns (its template)."""
    if user.role not in services.EDITORS:
        raise PermissionDenied
    if "training" not in options:
        return AttendanceImporter(user, None)
    training = Training.objects.visible_to(user).filter(pk=options.get("training")).first()
    if training is None:
        raise PermissionDenied
    return AttendanceImporter(user, training)
