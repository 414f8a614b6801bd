"""The project table (项目表) as teams keep it and their daily indicator sheet (每日指标表),
imported all or nothing (S-PRJ-1, S-PRJ-5).

A row of the project table is the project of its team with the same 项目名称: it changes that
project, or is a new one (a project is renamed on its page, not through the table; projects
the table leaves out stay as they are). The row's team is its 团队; else the team its 主管
leads (a 主管 is a user, not an employee of the roster: the one team among the user's whose
leads include someone of that name); else the team chosen for the whole table (the ``team``
option, asked for when no column says it); else the team of a lead who leads only one. A 主管
is a lead of the row's team, or the one the project already has. Columns the table leaves
out keep what the project had, and so do blank cells of 主管, 开始日期, 阶段, 目标类型 and 状态
(a new project: its team's lead, the day of the import, 调研, 数量, 进行中). The class follows
the dates (Project.save). A project changed since the check refuses the whole import.

Each import of the project table is a dated version of each of its teams' tables
(supervision's table versions, kind PROJECT_TABLE) with its difference from the last: the
projects new, changed, and of these those whose class changed and those finished.

The daily indicator sheet is read in either of two shapes:

- wide, as teams keep it: 日期, 项目 (and 团队, where two of the user's teams each have a
  project of that name), then a column for each indicator headed by its name, a unit in
  brackets allowed (外呼量（个）); a blank cell leaves that day's value as it is. Headers such
  as 序号, 星期 or 备注 are not indicators (NOT_INDICATORS), nor is a header chosen not to be
  imported on the mapping page, unless it names an indicator of the user's projects;
- long: 日期, 项目, 指标, 实际, one value a row.

A value is a number ≥ 0 (12.5万 and 1,200 are read). It becomes the indicator's actual of the
day, replacing one already there; the import's counts are of values, not of rows.

Leads, supervisors and admins (services.WRITERS) import into the teams they may see.
"""

import datetime as dt
import re
from collections import defaultdict
from itertools import chain

from django.utils import timezone
from django.utils.translation import gettext

from duban.core.choices_parsing import choice_parser
from duban.core.history import import_reason
from duban.core.importing import IGNORE, Column, Importer, MappingRequired, Preview, Row, RowError
from duban.core.parsing import ParseError, parse_date, parse_money, parse_text
from duban.core.tabular import TabularError, header_key
from duban.org.choices import TeamKind
from duban.org.models import Team, User
from duban.org.roster import RowTeams
from duban.partners.models import Partner
from duban.projects import services
from duban.projects.choices import ProjectStatus, Stage, TargetKind
from duban.projects.models import Actual, Indicator, Project, cycle_class
from duban.projects.supervised import PROJECT_TABLE
from duban.supervision.services import TableDiff, table_versions_record

TEAM_HEADERS = ("所属团队", "组别", "小组", "部门")
YEARS = 5  # a date further from today is a typing error (as on the project's form)
_UNIT = re.compile(r"\([^()]*\)$")


def text(max_length):
    return lambda value: parse_text(value, max_length=max_length)


parse_stage = choice_parser(
    "projects.project.stage",
    default=None,
    synonyms={  # the words teams write; an admin may add more (选项同义词)
        "前期调研": Stage.RESEARCH,
        "需求调研": Stage.RESEARCH,
        "筹备": Stage.RESEARCH,
        "推广": Stage.PROMOTION,
        "执行": Stage.PROMOTION,
        "实施": Stage.PROMOTION,
        "上线": Stage.DELIVERY,
        "验收": Stage.DELIVERY,
        "结项": Stage.CLOSING,
        "总结": Stage.CLOSING,
    },
)
parse_status = choice_parser(
    "projects.project.status",
    default=None,
    synonyms={
        "进行": ProjectStatus.ACTIVE,
        "在做": ProjectStatus.ACTIVE,
        "跟进中": ProjectStatus.ACTIVE,
        "暂缓": ProjectStatus.PAUSED,
        "搁置": ProjectStatus.PAUSED,
        "完成": ProjectStatus.DONE,
        "结束": ProjectStatus.DONE,
        "已结束": ProjectStatus.DONE,
        "已结项": ProjectStatus.DONE,
        "取消": ProjectStatus.CANCELLED,
        "终止": ProjectStatus.CANCELLED,
        "已终止": ProjectStatus.CANCELLED,
    },
)
parse_target_kind = choice_parser(
    "projects.project.target_kind",
    default=None,
    synonyms={"数": TargetKind.QUANTITY, "量": TargetKind.QUANTITY, "元": TargetKind.AMOUNT},
)


def indicator_key(name: str) -> str:
    """How an indicator's name is compared with a header: as headers are, without a unit in
    brackets at its end (外呼量（个） is 外呼量)."""
    return _UNIT.sub("", header_key(name))


def parse_number(value):
    """A target or an actual: a number ≥ 0, as money is written (12.5万, 1,200)."""
    try:
        number = parse_money(value)
    except ParseError:
        raise ParseError(f'无法识别的数值 "{value}"') from None
    if number is not None and number < 0:
        raise ParseError("不能为负数")
    return number


class WriterTeams(RowTeams):
    """The teams a table's rows may belong to: those ``user`` sees, if a lead, supervisor or
    admin (services.WRITERS); none otherwise."""

    person_field, person_label = "lead", "主管"

    def writer_teams_for(self, user, options: dict | None) -> None:
        self.teams_for(user, options)
        if user.role not in services.WRITERS:
            self.roster.teams, self.teams, self.default_team = {}, {}, None

    def refused_teams(self, preview: Preview) -> str:
        teams = {row.values["team_id"] for row in chain(preview.new, preview.changed)}
        if teams - set(self.roster.teams):
            return gettext("您已无权导入其中部分团队的数据，本次没有导入任何数据。")
        return ""

    def collect(self, row: Row, labels: dict, errors: list):
        """A function that adds an error of ``row`` about a field to ``errors``."""

        def error(field, reason):
            label = self.label_of(field, labels)
            errors.append(RowError(row.line, label, row.raw.get(field, ""), reason))

        return error

    def add_error(self, preview: Preview, row: Row, field: str, reason: str) -> None:
        self.collect(row, self.labels, preview.errors)(field, reason)


# --- the project table -----------------------------------------------------------------------

FIELDS = [  # compared with the project to tell changed from unchanged, and written
    "lead_id",
    "partner_id",
    "back_team_id",
    "back_contact",
    "starts_on",
    "ends_on",
    "stage",
    "target_kind",
    "target",
    "status",
    "note",
]
DEFAULTS = {  # of a new project, for a column the table leaves out
    "lead_id": None,  # its team's lead (services.projects_import)
    "partner_id": None,
    "back_team_id": None,
    "back_contact": "",
    "starts_on": None,  # the day of the import
    "stage": Stage.RESEARCH,
    "target_kind": TargetKind.QUANTITY,
    "target": None,
    "status": ProjectStatus.ACTIVE,
    "note": "",
}
KEPT_BLANK = ("lead", "starts_on", "stage", "target_kind", "status")  # a blank cell: as it was
MORE = ("class_changed", "finished")  # the version's own differences
KEPT = ["pk", "version", "team_id", "name", *FIELDS, *MORE]


class ProjectImporter(WriterTeams, Importer):
    title = "项目表"
    columns = [
        Column("team", "团队", TEAM_HEADERS, text(50)),
        Column("name", "项目名称", ("项目", "项目名"), text(100), True),
        Column("lead", "主管", ("项目主管", "负责主管", "负责人"), text(50)),
        Column("partner", "合作单位", ("合作方", "合作客户", "客户名称"), text(100)),
        Column("back_team", "后端团队", ("后端对接团队", "对接团队", "后端"), text(50)),
        Column("back_contact", "后端对接人", ("对接人", "后端联系人"), text(50)),
        Column("starts_on", "开始日期", ("开始时间", "启动日期", "立项日期"), parse_date),
        Column("ends_on", "计划结束", ("计划结束日期", "结束日期", "计划完成"), parse_date, True),
        Column("stage", "阶段", ("项目阶段", "当前阶段"), parse_stage),
        Column("target_kind", "目标类型", ("目标口径",), parse_target_kind),
        Column("target", "目标", ("目标值", "项目目标", "目标量"), parse_number),
        Column("status", "状态", ("项目状态",), parse_status),
        Column("note", "说明", ("备注", "项目说明"), text(2000)),
    ]

    def __init__(self, user, options: dict | None = None, *, today=None):
        self.writer_teams_for(user, options)
        self.today = today or timezone.localdate()
        as_of = (options or {}).get("as_of")
        self.as_of = dt.date.fromisoformat(as_of) if as_of else self.today
        self.partners = dict(Partner.objects.values_list("name", "pk"))
        self.back_teams = defaultdict(list)  # name -> [(id, line id)]
        for pk, name, line in Team.objects.filter(kind=TeamKind.BACK).values_list(
            "pk", "name", "line_id"
        ):
            self.back_teams[name].append((pk, line))
        self.leads = defaultdict(dict)  # team id -> a lead's name -> user id
        self.led = defaultdict(list)  # a lead's name -> the user's teams they lead
        for team in Team.objects.filter(pk__in=list(self.roster.teams)).prefetch_related("leads"):
            for lead in team.leads.all():
                self.leads[team.pk][lead.display_name] = lead.pk
                self.led[lead.display_name].append(team.pk)
        self.lead_names = {}  # the present leads of the projects compared: user id -> name

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []
        error = self.collect(row, labels, errors)
        team = self._team(values, error)
        values["team_id"] = team.pk if team else None
        self._named(values, error, team)
        for field in KEPT_BLANK:
            if field in values and values[field] in (None, ""):
                del values[field]
        starts, ends = values.get("starts_on"), values.get("ends_on")
        if starts and ends and ends < starts:
            error("ends_on", "计划结束日期不能早于开始日期")
        return errors

    def _team(self, values: dict, error) -> Team | None:
        """The row's team: its 团队, else the one team its 主管 leads, else the table's."""
        name = values.pop("team", "") or ""
        if name:
            team = self.teams.get(name)
            if team is None:
                error("team", f'没有这个团队，或您无权导入它的数据 "{name}"')
            return team
        lead = values.get("lead") or ""
        led = self.led.get(lead, [])
        if len(led) == 1:
            return self.roster.teams[led[0]]
        if self.default_team is not None:
            return self.default_team
        if led:
            names = "、".join(self.roster.teams[pk].name for pk in led)
            error("lead", f"“{lead}”是 {len(led)} 个团队的主管（{names}），请在表中写明团队")
        else:
            error("team", "无法确定这一行属于哪个团队：请填写团队或主管")
        return None

    def _named(self, values: dict, error, team: Team | None) -> None:
        """The partner and the back-end team a row names, by their names (blank: none)."""
        if "partner" in values:
            name = values.pop("partner")
            values["partner_id"] = self.partners.get(name) if name else None
            if name and values["partner_id"] is None:
                error("partner", f'往来单位中没有 "{name}"：请先添加')
        if "back_team" in values:
            name = values.pop("back_team")
            found = self.back_teams.get(name, []) if name else [(None, None)]
            if len(found) > 1 and team is not None:  # the same name in two lines: the row's
                found = [(pk, line) for pk, line in found if line == team.line_id] or found
            values["back_team_id"] = found[0][0] if len(found) == 1 else None
            if not found:
                error("back_team", f'没有这个后端团队 "{name}"')
            elif len(found) > 1:
                error("back_team", f'有 {len(found)} 个后端团队叫 "{name}"，无法区分')

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        seen, errors = {}, []
        for row in rows:
            name = row.values["name"]
            first = seen.setdefault((row.values["team_id"], name), row.line)
            if first != row.line:
                reason = f'与第 {first} 行是同一个项目 "{name}"'
                errors.append(RowError(row.line, self.label_of("name", labels), name, reason))
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        progress("compare", 0, len(rows))
        existing = self._existing(rows)
        for row in rows:
            values = row.values
            old = existing.get((values["team_id"], values["name"]))
            field, why = self._filled(values, old)
            if why:
                self.add_error(preview, row, field, why)
                continue
            if old is None:
                preview.new.append(row)
            elif all(values[name] == old[name] for name in FIELDS):
                preview.unchanged.append(row)
            else:
                preview.changed.append(row)
            row.values = {key: values[key] for key in KEPT}  # one order for all rows

    def _existing(self, rows: list[Row]) -> dict:
        """The projects of the rows' teams by (team, name); their leads' names."""
        teams = {row.values["team_id"] for row in rows}
        found = Project.objects.filter(team__in=teams).values(
            "pk", "version", "team_id", "name", "cycle", *FIELDS
        )
        existing = {(p["team_id"], p["name"]): p for p in found}
        leads = User.objects.in_bulk({p["lead_id"] for p in existing.values()})
        self.lead_names = {pk: user.display_name for pk, user in leads.items()}
        return existing

    def _filled(self, values: dict, old: dict | None) -> tuple[str, str]:
        """The row with what it leaves out taken from the project (or the defaults), and its
        differences for the version; or (field, why the row cannot be imported)."""
        name = values.pop("lead", None)
        if name is not None:
            values["lead_id"] = self.leads[values["team_id"]].get(name)
            if values["lead_id"] is None and old and self.lead_names.get(old["lead_id"]) == name:
                values["lead_id"] = old["lead_id"]
            if values["lead_id"] is None:
                team = self.roster.teams[values["team_id"]]
                return "lead", f"“{name}”不是{team.name}的主管"
        for field in FIELDS:
            if field not in values:
                values[field] = old[field] if old else DEFAULTS[field]
        values["starts_on"] = values["starts_on"] or self.today
        if values["ends_on"] < values["starts_on"]:
            return "ends_on", "计划结束日期不能早于开始日期"
        for field in ("starts_on", "ends_on"):
            moved = old is None or values[field] != old[field]
            if moved and abs((values[field] - self.today).days) > 366 * YEARS:
                return field, "日期应在五年内"
        values["pk"], values["version"] = (old["pk"], old["version"]) if old else (None, None)
        cycle = cycle_class(values["starts_on"], values["ends_on"])
        values["class_changed"] = bool(old) and cycle != old["cycle"]
        done = ProjectStatus.DONE
        values["finished"] = bool(old) and values["status"] == done and old["status"] != done
        return "", ""

    def refusal(self, preview: Preview) -> str:
        rows = {row.values["pk"]: row.values for row in preview.changed}
        current = dict(
            Project.objects.select_for_update()
            .filter(pk__in=list(rows))
            .values_list("pk", "version")
        )
        stale = [
            values["name"] for pk, values in rows.items() if current.get(pk) != values["version"]
        ]
        if stale:
            return gettext(
                "检查之后，有 %(count)d 个项目已被他人修改（%(names)s）。为避免覆盖他人的修改，"
                "本次没有导入任何数据，请重新检查后再导入。"
            ) % {"count": len(stale), "names": "、".join(stale[:5])}
        return self.refused_teams(preview)

    def write(self, preview: Preview, *, batch, progress) -> None:
        progress("write", force=True)
        changed = [row.values["pk"] for row in preview.changed]
        projects = Project.objects.select_related("team").in_bulk(changed)
        written = [
            (
                Project(team=self.roster.teams[row.values["team_id"]], name=row.values["name"]),
                _written(row.values),
            )
            for row in preview.new
        ]
        written += [(projects[row.values["pk"]], _written(row.values)) for row in preview.changed]
        services.projects_import(by=self.user, projects=written, reason=import_reason(batch))
        progress("version", force=True)
        table_versions_record(
            kind=PROJECT_TABLE.name, as_of=self.as_of, batch=batch, diffs=_diffs(preview)
        )
        if written:  # a class may have changed: the check-ins follow it
            services.replan(today=self.today)


def _written(values: dict) -> dict:
    return {field: values[field] for field in FIELDS}


def _diffs(preview: Preview) -> dict[int, TableDiff]:
    """Each team's part of the table: its projects new, changed, and of these those whose
    class changed and those finished, by name."""
    diffs = defaultdict(lambda: TableDiff(rows=0, more={name: [] for name in MORE}))
    for outcome in ("new", "changed", "unchanged"):
        for row in getattr(preview, outcome):
            values = row.values
            diff = diffs[values["team_id"]]
            diff.rows += 1
            if outcome == "new":
                diff.new.append(values["name"])
            elif outcome == "changed":
                diff.changed.append(values["name"])
                for name in MORE:
                    if values[name]:
                        diff.more[name].append(values["name"])
    for diff in diffs.values():
        diff.summary = {name: len(names) for name, names in diff.more.items()}
    return diffs


def project_table_importer(user, options: dict) -> ProjectImporter:
    """The project-table importer for a user; ``options["as_of"]`` (ISO date) is the
    version's date, today by default; ``options["team"]`` (a team's id or name) is the team
    of rows that name neither a team nor a 主管."""
    return ProjectImporter(user, options)


# --- the daily indicator sheet ---------------------------------------------------------------

NOT_INDICATORS = frozenset(  # headers of a wide sheet that are not indicators
    header_key(header)
    for header in ("", "序号", "星期", "周几", "备注", "说明", "填写人", "录入人", "合计")
)


class ActualsImporter(WriterTeams, Importer):
    title = "每日指标表"
    columns = [
        Column("date", "日期", ("统计日期", "填写日期"), parse_date, True),
        Column("project", "项目", ("项目名称", "项目名"), text(100), True),
        Column("team", "团队", TEAM_HEADERS, text(50)),
        Column("indicator", "指标", ("指标名称",), text(50)),
        Column("value", "实际", ("实际值", "完成数", "数值"), parse_number),
    ]

    def __init__(self, user, options: dict | None = None, *, today=None):
        self.writer_teams_for(user, options)
        self.today = today or timezone.localdate()
        projects = Project.objects.filter(team__in=list(self.roster.teams))
        self.projects = defaultdict(list)  # name -> [(id, team id)]
        for pk, name, team_id in projects.values_list("pk", "name", "team_id"):
            self.projects[name].append((pk, team_id))
        self.indicators = defaultdict(dict)  # project id -> the name's header key -> id
        self.indicator_names = defaultdict(list)  # project id -> names, for errors
        found = Indicator.objects.filter(project__in=projects)
        for pk, project_id, name in found.values_list("pk", "project_id", "name"):
            self.indicators[project_id][indicator_key(name)] = pk
            self.indicator_names[project_id].append(name)
        self.known = {key for keys in self.indicators.values() for key in keys}

    def table_choices(self, mapped: set[str]):
        return []  # a row's project says its team

    def map_headers(self, headers: list[str], overrides: dict[int, str] | None = None):
        """The long sheet's columns; or for a wide one, the columns of its indicators besides:
        every header not otherwise mapped that names an indicator of the user's projects, and
        every other one neither in NOT_INDICATORS nor chosen not to be imported (the mapping
        page offers 不导入 for every header it does not know: an indicator's stays)."""
        self.columns = type(self).columns
        mapping = super().map_headers(headers, overrides)
        long = {"indicator", "value"}
        if long & set(mapping.values()):
            missing = [c for c in self.columns if c.field in long - set(mapping.values())]
            if missing:
                raise MappingRequired(headers, missing, mapping)
            return mapping
        ignored = {index for index, field in (overrides or {}).items() if field == IGNORE}
        wide = [
            index
            for index, header in enumerate(headers)
            if index not in mapping
            and (
                indicator_key(header) in self.known
                or (index not in ignored and header_key(header) not in NOT_INDICATORS)
            )
        ]
        if not wide:
            raise TabularError(
                "表中没有指标列：请每个指标一列（表头写指标名称），或用“指标”“实际”两列。"
            )
        self.columns = [
            *self.columns,
            *(Column(f"i{index}", headers[index], (), parse_number) for index in wide),
        ]
        return mapping | {index: f"i{index}" for index in wide}

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []
        error = self.collect(row, labels, errors)
        if values.get("date") and values["date"] > self.today:
            error("date", f"日期 {values['date']} 晚于今天")
        project = self._project(values, error)
        values["cells"] = []  # (field, indicator id, value) of each value the row gives
        if project is None:
            return errors
        values["project_id"], values["team_id"] = project
        if "indicator" in values:
            self._long(values, error)
            return errors
        for field in [name for name in values if name[:1] == "i" and name[1:].isdigit()]:
            value = values.pop(field)
            if value is None:
                continue
            pk = self.indicators[project[0]].get(indicator_key(self.label_of(field, labels)))
            if pk is None:
                known = "、".join(self.indicator_names[project[0]]) or "无"
                error(field, f"项目“{values['project']}”没有这个指标（它的指标：{known}）")
            values["cells"].append((field, pk, value))
        return errors

    def _project(self, values: dict, error) -> tuple[int, int] | None:
        """(project id, team id) of the row's 项目, among the user's teams' (in its 团队)."""
        name, team_name = values.get("project") or "", values.pop("team", "") or ""
        team = self.teams.get(team_name) if team_name else None
        if team_name and team is None:
            error("team", f'没有这个团队，或您无权导入它的数据 "{team_name}"')
            return None
        if not name:
            return None  # the cell's own error says so
        found = [p for p in self.projects.get(name, []) if team is None or p[1] == team.pk]
        if len(found) == 1:
            return found[0]
        if not found:
            error("project", f'没有这个项目，或它不在您能导入数据的团队 "{name}"')
        else:
            teams = "、".join(self.roster.teams[team_id].name for _pk, team_id in found)
            error("project", f"有 {len(found)} 个项目叫“{name}”（{teams}）：请在表中写明团队")
        return None

    def _long(self, values: dict, error) -> None:
        """A row of the long sheet: one indicator's value."""
        if "value" in values and values["value"] is None:  # (a cell not read has its error)
            error("value", "必填，不能为空")
        name, value = values.pop("indicator"), values.pop("value", None)
        pk = self.indicators[values["project_id"]].get(indicator_key(name)) if name else None
        if not name:
            error("indicator", "必填，不能为空")
        elif pk is None:
            known = "、".join(self.indicator_names[values["project_id"]]) or "无"
            error("indicator", f"项目“{values['project']}”没有这个指标（它的指标：{known}）")
        values["cells"].append(("value", pk, value))

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        """One indicator's value of one day twice: in two rows, or in two columns of one."""
        seen, errors = {}, []
        for row in rows:
            for field, pk, _value in row.values["cells"]:
                line, first = seen.setdefault((pk, row.values["date"]), (row.line, field))
                if (line, first) == (row.line, field):
                    continue
                reason = (
                    f"与「{self.label_of(first, labels)}」列是同一个指标"
                    if line == row.line
                    else f"与第 {line} 行是同一指标同一天的实际"
                )
                label = self.label_of(field, labels)
                errors.append(RowError(row.line, label, row.raw.get(field, ""), reason))
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        """Each value the sheet gives, as a row of its own: new, changed or unchanged."""
        progress("compare", 0, len(rows))
        indicators = {pk for row in rows for _field, pk, _value in row.values["cells"]}
        days = {row.values["date"] for row in rows}
        found = Actual.objects.filter(indicator__in=indicators, date__in=days)
        existing = {
            (a, day): value for a, day, value in found.values_list("indicator", "date", "value")
        }
        for row in rows:
            values = row.values
            for _field, pk, value in values["cells"]:
                actual = {
                    "project_id": values["project_id"],
                    "team_id": values["team_id"],
                    "indicator_id": pk,
                    "date": values["date"],
                    "value": value,
                }
                old = existing.get((pk, values["date"]))
                outcome = "new" if old is None else "unchanged" if old == value else "changed"
                getattr(preview, outcome).append(Row(row.line, actual, row.cells, row.columns))

    def refusal(self, preview: Preview) -> str:
        return self.refused_teams(preview)

    def write(self, preview: Preview, *, batch, progress) -> None:
        days = defaultdict(dict)  # (project id, date) -> indicator id -> value
        for row in chain(preview.new, preview.changed):
            values = row.values
            days[(values["project_id"], values["date"])][values["indicator_id"]] = values["value"]
        projects = Project.objects.select_related("team").in_bulk({pk for pk, _day in days})
        for (pk, day), values in progress.track(list(days.items()), "write", len(days)):
            services.actuals_record(by=self.user, project=projects[pk], date=day, values=values)


def actuals_importer(user, options: dict) -> ActualsImporter:
    """The daily-indicator-sheet importer for a user."""
    return ActualsImporter(user, options)
