"""The resource big table (资源大表) as leads keep it, imported all or nothing (S-RES-1).

A row is a resource of a team: it updates the team's resource with the same number when the
sheet has a number column, else the one with the same phone number. Columns the sheet leaves
out keep what the resource had; a source or category the lists do not have yet is added.
"""

import datetime as dt
import re
from collections import defaultdict
from operator import itemgetter

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from duban.core.bulk import insert_rows, one_parameter, update_rows
from duban.core.choices_parsing import choice_parser
from duban.core.history import import_reason, keep_baselines, record_bulk_changes
from duban.core.importing import Column, Importer, Preview, Row, RowError
from duban.core.parsing import (
    ParseError,
    mask_phone,
    normalize_text,
    parse_date,
    parse_phone,
    parse_text,
)
from duban.org.roster import RowTeams
from duban.resources.choices import Grade, Outcome, ResourceStatus
from duban.resources.models import Category, Resource, Source
from duban.resources.supervised import RESOURCE_TABLE
from duban.supervision.services import TableDiff, table_versions_record

CHUNK = 5000
FIELDS = [  # compared with the database to tell changed from unchanged, written in this order
    "number",
    "contact_name",
    "company",
    "phone",
    "phone2",
    "source_id",
    "category_id",
    "grade",
    "team_id",
    "owner_id",
    "status",
    "outcome",
    "received_on",
    "last_worked_on",
    "note",
]
DEFAULTS = {  # of a new resource, for a column the sheet leaves out
    "number": "",
    "contact_name": "",
    "company": "",
    "phone2": "",
    "source_id": None,
    "category_id": None,
    "grade": "",
    "owner_id": None,
    "status": ResourceStatus.NEW,
    "outcome": "",
    "received_on": None,
    "last_worked_on": None,
    "note": "",
}
# the fields a changed row changes, as "status,owner_id": its difference for the table version
KEPT = [*FIELDS, "source", "category", "pk", "version", "changed"]
# new rows go in by team and phone (SQLite): the order of the indexes new rows spread over most
BY_TEAM_AND_PHONE = itemgetter(FIELDS.index("team_id"), FIELDS.index("phone"))
GROUPS = 20  # changed rows are updated in groups by the fields they change, at most so many
GRADES = frozenset(Grade.values)
_MOBILE = re.compile(r"1[3-9]\d{9}").fullmatch
NAMED = {"source": ("source_id", Source), "category": ("category_id", Category)}


def phone(value) -> str:
    """A number in one form; a masked one (138****5678, from an export without full numbers)
    cannot be read back."""
    if value.__class__ is str and len(value) == 11 and value.isdigit() and _MOBILE(value):
        return value  # most cells: a mobile written plainly, no call further
    if isinstance(value, str) and "*" in value:
        raise ParseError("号码已脱敏（带 *），无法导入：请使用含完整号码的导出")
    return parse_phone(value)


def grade(value) -> str:
    """A, A类, A级, a级客户 → A."""
    if value in GRADES:
        return value
    text = normalize_text(value).strip().upper() if value is not None else ""
    if not text:
        return ""
    if text[0] in GRADES and (len(text) == 1 or text[1] in "类级等"):
        return text[0]
    raise ParseError(f'无法识别的级别 "{value}"，可填：A、B、C、D')


def text(max_length):
    def parse(value):
        if value.__class__ is str and len(value) <= max_length and value[:1] != "'":
            return value.strip()  # most cells: no call further
        return parse_text(value, max_length=max_length)

    return parse


parse_status = choice_parser(
    "resources.resource.status",
    default=None,
    synonyms={  # the words offices write; an admin may add more (选项同义词)
        "新": ResourceStatus.NEW,
        "新分配": ResourceStatus.NEW,
        "未拨打": ResourceStatus.NEW,
        "未跟进": ResourceStatus.NEW,
        "待跟进": ResourceStatus.NEW,
        "跟进": ResourceStatus.IN_PROGRESS,
        "在跟": ResourceStatus.IN_PROGRESS,
        "有意向": ResourceStatus.IN_PROGRESS,
        "意向": ResourceStatus.IN_PROGRESS,
        "休眠": ResourceStatus.DORMANT,
        "暂停": ResourceStatus.DORMANT,
        "搁置": ResourceStatus.DORMANT,
        "关闭": ResourceStatus.CLOSED,
        "结束": ResourceStatus.CLOSED,
        "完结": ResourceStatus.CLOSED,
    },
)
parse_outcome = choice_parser(
    "resources.resource.outcome",
    default="",
    synonyms={
        "已成交": Outcome.WON,
        "签单": Outcome.WON,
        "已签单": Outcome.WON,
        "成单": Outcome.WON,
        "拒绝": Outcome.LOST,
        "无效": Outcome.LOST,
        "空号": Outcome.LOST,
        "停机": Outcome.LOST,
        "没意向": Outcome.LOST,
    },
)


class ResourceImporter(RowTeams, Importer):
    title = "资源大表"
    distinct_fields = ("source", "category")
    person_field, person_label = "owner", "负责人"
    columns = [
        Column("number", "资源编号", ("编号", "客户编号", "资源ID", "资源id", "序号ID"), text(40)),
        Column("contact_name", "联系人", ("姓名", "客户姓名", "联系人姓名", "称呼"), text(50)),
        Column(
            "company",
            "单位",
            ("公司", "公司名称", "单位名称", "企业名称", "客户名称", "客户单位"),
            text(100),
        ),
        Column(
            "phone",
            "电话",
            ("手机", "手机号", "手机号码", "联系电话", "电话号码", "联系方式", "号码", "客户电话"),
            phone,
            True,
        ),
        Column("phone2", "备用电话", ("电话2", "座机", "固定电话", "其他电话", "备用号码"), phone),
        Column(
            "source", "来源", ("渠道", "资源来源", "来源渠道", "获取渠道", "资源渠道"), text(50)
        ),
        Column("category", "分类", ("行业", "资源分类", "类别", "客户类型", "行业分类"), text(50)),
        Column("grade", "级别", ("等级", "客户级别", "意向等级", "资源等级", "客户等级"), grade),
        Column("team", "团队", ("所属团队", "组别", "小组", "部门"), text(50)),
        Column(
            "owner",
            "负责人",
            ("业务员", "销售", "员工", "跟进人", "归属人", "所属员工", "使用人", "坐席"),
            text(50),
        ),
        Column("status", "状态", ("资源状态", "跟进状态"), parse_status),
        Column("outcome", "结果", ("跟进结果", "成交情况", "结论"), parse_outcome),
        Column(
            "received_on",
            "领取日期",
            ("分配日期", "下发日期", "领取时间", "分配时间", "入库日期"),
            parse_date,
        ),
        Column(
            "last_worked_on",
            "最近跟进",
            ("最后跟进日期", "最近跟进日期", "最近拨打", "最近联系", "跟进日期"),
            parse_date,
        ),
        Column("note", "备注", ("跟进记录", "说明"), text(500)),
    ]

    def __init__(self, user, options: dict | None = None):
        self.teams_for(user, options)
        self.today = timezone.localdate()
        self.named = {
            name: dict(model.objects.values_list("name", "pk"))
            for name, (_f, model) in NAMED.items()
        }

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []
        if "status" in values and values["status"] is None:
            del values["status"]  # a blank cell: the status stays as it is (new if new)

        def error(field, reason):
            errors.append(
                RowError(row.line, self.label_of(field, labels), row.raw.get(field, ""), reason)
            )

        team = self.row_team(values, error)
        values["team_id"] = team.pk if team else None
        if values.get("outcome") and values.get("status") not in (None, ResourceStatus.CLOSED):
            error("outcome", "只有已关闭的资源才有结果：请把状态改为已关闭，或清空结果")
        elif values.get("outcome"):
            values["status"] = ResourceStatus.CLOSED  # a result means the resource is done
        received, worked = values.get("received_on"), values.get("last_worked_on")
        for field, day in (("received_on", received), ("last_worked_on", worked)):
            if day is not None and day > self.today:
                error(field, f"日期 {day} 晚于今天")
        return errors

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        """The same number, or the same phone, twice in one team's rows."""
        errors = []
        for field in ("number", "phone"):
            seen = {}
            for row in rows:
                value = row.values.get(field)
                if not value:
                    continue
                key = (row.values["team_id"], value)
                if key in seen:
                    reason = f'与第 {seen[key]} 行重复 "{value}"'
                    errors.append(RowError(row.line, self.label_of(field, labels), value, reason))
                else:
                    seen[key] = row.line
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        others = 0  # rows whose number another team holds: said as a count, never whose
        for start in range(0, len(rows), CHUNK):
            progress("compare", start, len(rows))
            chunk = rows[start : start + CHUNK]
            by_number, by_phone, holders = self._existing(chunk)
            for row in chunk:
                values = row.values
                team_id = values["team_id"]
                old = (
                    by_number.get((team_id, values["number"]))
                    if values.get("number")
                    else by_phone.get((team_id, values["phone"]))
                )
                for name, (field, _model) in NAMED.items():
                    label = values.pop(name, None)
                    if label is not None:  # in the sheet (blank clears it)
                        values[field] = self.named[name].get(label) if label else None
                    # a name not on the list yet, added when the rows are written
                    values[name] = label if label and values[field] is None else ""
                clash = by_phone.get((team_id, values["phone"])) if values.get("number") else None
                if clash is not None and (old is None or clash["pk"] != old["pk"]):
                    preview.errors.append(
                        RowError(
                            row.line,
                            self.label_of("phone", self.labels),
                            values["phone"],
                            f"本团队已有这个号码的资源（编号 {clash['number'] or '无'}）",
                        )
                    )
                    continue
                held_by = holders.get(values["phone"])
                if old is None and held_by and (len(held_by) > 1 or team_id not in held_by):
                    others += 1
                for field in FIELDS:
                    if field not in values:
                        values[field] = old[field] if old else DEFAULTS[field]
                values["pk"], values["version"] = (
                    (old["pk"], old["version"]) if old else (None, None)
                )
                values["changed"] = ",".join(self._changed(values, old)) if old else ""
                row.values = values = {key: values[key] for key in KEPT}  # one order for all
                if old is None:
                    preview.new.append(row)
                elif values["changed"]:
                    preview.changed.append(row)
                else:
                    preview.unchanged.append(row)
        if others:
            preview.notes.append(
                f"有 {others} 行的电话号码在其他团队已有资源（为保护信息，不显示是哪个团队）；"
                "导入后这些资源会在两个团队同时存在，请与督办确认是否需要调换。"
            )

    @staticmethod
    def _changed(values, old) -> list[str]:
        """The fields whose value the row changes (a source or category not on the list yet
        changes its field)."""
        named = {field for name, (field, _model) in NAMED.items() if values[name]}
        return [f for f in FIELDS if f in named or old[f] != values[f]]

    def _existing(self, chunk):
        """The resources the chunk's rows may be: by (team, number) and by (team, phone); and
        the teams that hold each phone (which a row of another team may be told, not whose)."""
        numbers = [row.values["number"] for row in chunk if row.values.get("number")]
        phones = [row.values["phone"] for row in chunk]
        fields = ["pk", "version", *FIELDS]
        by_number, by_phone, holders = {}, {}, defaultdict(set)
        if numbers:
            teams = sorted({row.values["team_id"] for row in chunk})
            found_rows = Resource.objects.filter(team__in=teams, number__in=one_parameter(numbers))
            for found in found_rows.values(*fields):
                by_number[(found["team_id"], found["number"])] = found
        found_rows = Resource.objects.filter(~Q(phone=""), phone__in=one_parameter(phones))
        for found in found_rows.values(*fields):
            by_phone[(found["team_id"], found["phone"])] = found
            holders[found["phone"]].add(found["team_id"])
        return by_number, by_phone, holders

    def refusal(self, preview: Preview) -> str:
        stale = []
        for start in range(0, len(preview.changed), CHUNK):
            chunk = {r.values["pk"]: r.values for r in preview.changed[start : start + CHUNK]}
            current = dict(
                Resource.objects.select_for_update()
                .filter(pk__in=one_parameter(list(chunk)))
                .values_list("pk", "version")
            )
            stale += [
                values["phone"]
                for pk, values in chunk.items()
                if current.get(pk) != values["version"]
            ]
        if stale:
            return gettext(
                "检查之后，有 %(count)d 行已被他人修改（%(keys)s）。为避免覆盖他人的修改，"
                "本次没有导入任何数据，请重新检查后再导入。"
            ) % {"count": len(stale), "keys": "、".join(stale[:5])}
        return ""

    def write(self, preview: Preview, *, batch, progress) -> None:
        for name, (_field, model) in NAMED.items():
            names = {n for n in preview.distinct(name) if n}
            if missing := names - set(self.named[name]):
                model.objects.bulk_create([model(name=n) for n in sorted(missing)])
                self.named[name] = dict(model.objects.values_list("name", "pk"))
        new = progress.track(preview.new, "write", len(preview.new))
        insert_rows(
            Resource,
            [*FIELDS, "version", "batch"],
            ((*self._values(row), 1, batch.pk) for row in new),
            order=BY_TEAM_AND_PHONE,
        )
        changed = [row.values["pk"] for row in preview.changed]
        keep_baselines(Resource, changed)
        for fields, rows in self._by_changed(
            progress.track(preview.changed, "update", len(changed))
        ):
            update_rows(
                Resource,
                [*fields, "version", "batch"],
                (
                    (
                        *self._values(row, fields),
                        row.values["version"] + 1,
                        batch.pk,
                        row.values["pk"],
                    )
                    for row in rows
                ),
            )
        record_bulk_changes(Resource, changed, user=self.user, reason=import_reason(batch))

    @staticmethod
    def _by_changed(rows) -> list[tuple[list[str], list[Row]]]:
        """The changed rows grouped by the fields they change: an UPDATE that sets a field
        rewrites every index holding it (SQLite, whether or not the value differs), so a
        changed note or call date is written without touching the indexes. The rarest groups
        beyond GROUPS are written together with every field."""
        groups = defaultdict(list)
        for row in rows:
            groups[row.values["changed"]].append(row)
        ordered = sorted(groups.items(), key=lambda group: -len(group[1]))
        kept = [(names.split(","), rows) for names, rows in ordered[:GROUPS]]
        rest = [row for _names, rows in ordered[GROUPS:] for row in rows]
        return kept + ([(FIELDS, rest)] if rest else [])

    def _values(self, row: Row, fields=FIELDS) -> tuple:
        values = row.values
        for name, (field, _model) in NAMED.items():
            if values[name]:
                values[field] = self.named[name][values[name]]
        return tuple(values[field] for field in fields)


class TableImporter(ResourceImporter):
    """The weekly big table: the same rows, recorded as a dated version per team with its
    difference from the last: new, reassigned, closed, gone dormant."""

    title = "资源大表（版本）"

    def __init__(self, user, as_of: dt.date, options: dict | None = None):
        super().__init__(user, options)
        self.as_of = as_of

    def write(self, preview: Preview, *, batch, progress) -> None:
        super().write(preview, batch=batch, progress=progress)
        progress("version", force=True)
        diffs = defaultdict(
            lambda: TableDiff(rows=0, more={"reassigned": [], "closed": [], "dormant": []})
        )
        for outcome in ("new", "changed", "unchanged"):
            for row in getattr(preview, outcome):
                values = row.values
                diff = diffs[values["team_id"]]
                diff.rows += 1
                key = values["number"] or mask_phone(values["phone"])  # personal: masked
                if outcome == "new":
                    diff.new.append(key)
                elif outcome == "changed":
                    diff.changed.append(key)
                    changes = values["changed"].split(",")
                    if "owner_id" in changes:
                        diff.more["reassigned"].append(key)
                    if "status" in changes:
                        if values["status"] == ResourceStatus.CLOSED:
                            diff.more["closed"].append(key)
                        elif values["status"] == ResourceStatus.DORMANT:
                            diff.more["dormant"].append(key)
        for diff in diffs.values():
            diff.summary = {name: len(keys) for name, keys in diff.more.items()}
        table_versions_record(kind=RESOURCE_TABLE.name, as_of=self.as_of, batch=batch, diffs=diffs)


def table_importer(user, options: dict) -> TableImporter:
    """The big-table importer for a user; ``options["as_of"]`` (ISO date) defaults to today,
    ``options["team"]`` (a team's id or name) is the team of rows that name none."""
    as_of = options.get("as_of")
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return TableImporter(user, day, options)
