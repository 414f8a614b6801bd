"""The leads table (销线表) as teams keep it and their daily summary sheet (销线综述表), imported
all or nothing (S-LEAD-4, S-LEAD-5).

A lead has no number of its own, so a row of the leads table is the lead of its team with
the same 负责人 and the same 合作单位, or, for a row that names no 合作单位, the same 意向客户.
A row naming a 合作单位 that none of them has yet is the lead without a partner with the
row's 意向客户, if there is one (the prospect has become a partner). Of these leads, a closed
one (won or lost) is the row's only when the row's 交付日期 is blank or its own, so that a new
attempt at a partner once lost is a new lead; where more than one remain, the one delivered
on the row's 交付日期. A row that still matches two leads is an error (fill in the 交付日期, or
change the lead on its page); a row that matches none is a new lead. Another 负责人 is
therefore another lead: a lead changes hands on its page, not through the table.

Columns the table leaves out keep what the lead had. Leads are written through
duban.leads.services as the pages write them: a changed probability is dated today, won or
lost closes the lead, a lost one needs its reason; a lead changed since the check refuses
the whole import. Leads, supervisors and admins import into the front teams they may see.

A row of the summary sheet is a team's summary of a day: written again, it replaces that
day's, with the team's figures of the day as the data has them at the import.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext

from duban.core.choices_parsing import choice_parser
from duban.core.history import import_reason
from duban.core.importing import Column, Importer, Preview, Row, RowError, TableChoice
from duban.core.parsing import (
    ParseError,
    is_blank,
    normalize_text,
    parse_date,
    parse_money,
    parse_text,
)
from duban.leads import selectors, services
from duban.leads.choices import CLOSED_STAGES, Stage
from duban.leads.models import LeadRequest, LeadSummary, SalesLead
from duban.org.choices import EmployeeStatus, TeamKind
from duban.org.models import Employee
from duban.org.roster import RowTeams
from duban.partners.models import Partner

FIELDS = [  # compared with the lead to tell changed from unchanged, and written
    "team_id",
    "owner_id",
    "partner_id",
    "prospect",
    "request_id",
    "stage",
    "value",
    "probability",
    "next_step",
    "next_on",
    "delivered_on",
    "lost_reason",
]
DEFAULTS = {  # of a new lead, for a column the table leaves out
    "partner_id": None,
    "prospect": "",
    "request_id": None,
    "stage": Stage.CONTACT,
    "value": None,
    "probability": None,  # required of a new lead
    "next_step": "",
    "next_on": None,
    "delivered_on": None,  # the day of the import
    "lost_reason": "",
}
KEPT = ["pk", "version", *FIELDS]
TEAM_HEADERS = ("所属团队", "组别", "小组", "部门")


def text(max_length):
    return lambda value: parse_text(value, max_length=max_length)


parse_stage = choice_parser(
    "leads.saleslead.stage",
    default=None,
    synonyms={  # the words teams write; an admin may add more (选项同义词)
        "接触": Stage.CONTACT,
        "初步沟通": Stage.CONTACT,
        "确认需求": Stage.NEED,
        "方案": Stage.PROPOSAL,
        "报价": Stage.PROPOSAL,
        "方案/报价": Stage.PROPOSAL,
        "谈判": Stage.NEGOTIATION,
        "商谈": Stage.NEGOTIATION,
        "合作": Stage.WON,
        "成交": Stage.WON,
        "已成交": Stage.WON,
        "签约": Stage.WON,
        "已签约": Stage.WON,
        "流失": Stage.LOST,
        "丢单": Stage.LOST,
        "失败": Stage.LOST,
    },
)


def parse_probability(value) -> int | None:
    """A probability in per cent: 60, "60%", or the fraction 0.6 (a cell Excel shows as 60%)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ParseError(f"无法识别的合作概率 {value!r}")
    written = normalize_text(value)
    percent = written.endswith("%")
    try:
        number = Decimal(written.removesuffix("%").strip())
    except InvalidOperation:
        raise ParseError(f'无法识别的合作概率 "{value}"') from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise ParseError(f'合作概率应在 0 到 100 之间："{value}"')
    if not percent and number < 1 and number != 0:
        number *= 100
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_request(value) -> int | None:
    """A request's number (its id): 12, "12", "#12"."""
    written = parse_text(value).removeprefix("#").strip()
    if not written:
        return None
    if not written.isdecimal() or len(written) > 9:  # "²" is a digit, and no id is that long
        raise ParseError(f'无法识别的需求编号 "{value}"')
    return int(written)


class FrontTeams(RowTeams):
    """The teams a table's rows may belong to: the front teams ``user`` sees, if a lead,
    supervisor or admin (services.WRITERS); none otherwise."""

    def front_teams_for(self, user, options: dict | None) -> None:
        self.teams_for(user, options)
        writer = user.role in services.WRITERS
        self.roster.teams = {
            pk: team
            for pk, team in self.roster.teams.items()
            if writer and team.kind == TeamKind.FRONT
        }
        self.teams = {team.name: team for team in self.roster.teams.values()}
        if self.default_team is not None and self.default_team.pk not in self.roster.teams:
            self.default_team = None

    def refused_teams(self, preview: Preview) -> str:
        teams = {row.values["team_id"] for row in [*preview.new, *preview.changed]}
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
        label = self.label_of(field, self.labels)
        preview.errors.append(RowError(row.line, label, row.raw.get(field, ""), reason))


# --- the leads table -------------------------------------------------------------------------


class LeadImporter(FrontTeams, Importer):
    title = "销线表"
    person_field, person_label = "owner", "负责人"
    columns = [
        Column("team", "团队", TEAM_HEADERS, text(50)),
        Column("owner", "负责人", ("跟进人", "业务员", "销售", "归属人", "对接人"), text(50), True),
        Column("partner", "合作单位", ("合作方", "合作客户", "单位名称", "客户单位"), text(100)),
        Column("prospect", "意向客户", ("客户", "客户名称", "潜在客户", "意向单位"), text(100)),
        Column("stage", "阶段", ("销线阶段", "进展", "当前阶段"), parse_stage),
        Column("value", "预计金额", ("金额", "预估金额", "预计合作金额"), parse_money),
        Column("probability", "合作概率", ("概率", "合作概率（%）", "成功率"), parse_probability),
        Column("next_step", "下一步", ("下一步计划", "下步工作"), text(200)),
        Column("next_on", "下一步日期", ("下一步时间", "计划日期"), parse_date),
        Column("delivered_on", "交付日期", ("交付后端日期", "交付时间", "移交日期"), parse_date),
        Column("lost_reason", "流失原因", ("丢单原因", "失败原因"), text(200)),
        Column("request", "对应需求", ("需求编号", "需求"), parse_request),
    ]

    def __init__(self, user, options: dict | None = None, *, today=None):
        self.front_teams_for(user, options)
        self.today = today or timezone.localdate()
        self.partners = dict(Partner.objects.values_list("name", "pk"))
        teams = list(self.roster.teams)
        self.requests = dict(
            LeadRequest.objects.filter(team__in=teams).values_list("pk", "team_id")
        )
        self.former = defaultdict(list)  # (team id, name) -> former employees, who own leads
        left = Employee.objects.filter(team__in=teams, status=EmployeeStatus.LEFT)
        for team_id, name, pk in left.values_list("team_id", "name", "pk"):
            self.former[(team_id, name.strip())].append(pk)

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []
        error = self.collect(row, labels, errors)
        team = self._owner_and_team(values, error)
        values["team_id"] = team.pk if team else None
        self._customer(values, error, "partner" in row.columns)
        for field in ("stage", "delivered_on"):  # a blank cell: as the lead has it (if new:
            if field in values and values[field] is None:  # 初步接触, delivered today)
                del values[field]
        if values.get("value") is not None and values["value"] < 0:
            error("value", "预计金额不能为负数")
        if values.get("stage") == Stage.LOST and values.get("lost_reason") == "":
            error("lost_reason", "已流失的销线须写明流失原因")
        if "request" in values:
            values["request_id"] = number = values.pop("request")
            if number is not None and team and self.requests.get(number) != team.pk:
                error("request", f"没有编号为 {number} 的需求，或它不是{team.name}承接的需求")
        return errors

    def _customer(self, values: dict, error, has_partner: bool) -> None:
        """The partner a row names, by its name; a row names a partner or a prospect."""
        name = values.pop("partner", None)
        if name is not None:
            values["partner_id"] = self.partners.get(name) if name else None
            if name and values["partner_id"] is None:
                error("partner", f'合作单位中没有 "{name}"：请先添加，或写在意向客户列')
        if not name and not values.get("prospect"):
            error("partner" if has_partner else "prospect", "请填写合作单位或意向客户")

    def _owner_and_team(self, values: dict, error):
        """The row's team, from its 团队 or its 负责人 (RowTeams); a 负责人 who has left is one
        of the former employees of the row's 团队 (their leads come back from an export)."""
        name, team = (values.get("owner") or "").strip(), self.teams.get(values.get("team") or "")
        if name and team is not None:
            current = [t for _pk, t in self.roster.people.get(name, []) if t == team.pk]
            former = self.former.get((team.pk, name), [])
            if not current and len(former) == 1:
                del values["owner"], values["team"]
                values["owner_id"], values["owner_left"] = former[0], True
                return team
        return self.row_team(values, error)

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        """Two rows of one lead: the same team, 负责人, customer and 交付日期."""
        seen, errors = {}, []
        for row in rows:
            values = row.values
            key = (
                values["team_id"],
                values["owner_id"],
                _named(values),
                values.get("delivered_on"),
            )
            first = seen.setdefault(key, row.line)
            if first != row.line:
                field = _name_field(values)
                reason = f"与第 {first} 行是同一条销线（负责人、客户和交付日期都相同）"
                label = self.label_of(field, labels)
                errors.append(RowError(row.line, label, row.raw.get(field, ""), reason))
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        progress("compare", 0, len(rows))
        by_partner, by_prospect = self._existing(rows)
        matched = {}
        for row in rows:
            old, why = self._match(row.values, by_partner, by_prospect)
            if not why and old is not None and old["pk"] in matched:
                why = f"与第 {matched[old['pk']]} 行是同一条销线"
            if why:
                self.add_error(preview, row, _name_field(row.values), why)
                continue
            values = self._filled(row.values, old)
            field, why = self._refused_row(values, old)
            if why:
                self.add_error(preview, row, field, why)
                continue
            if old is None:
                preview.new.append(row)
            else:
                matched[old["pk"]] = row.line
                same = all(values[name] == old[name] for name in FIELDS)
                (preview.unchanged if same else preview.changed).append(row)
            row.values = {key: values[key] for key in KEPT}  # one order for all rows

    def _existing(self, rows: list[Row]):
        """The leads of the rows' teams, by (team, owner, partner) and (team, owner, prospect)."""
        teams = {row.values["team_id"] for row in rows}
        by_partner, by_prospect = defaultdict(list), defaultdict(list)
        for lead in SalesLead.objects.filter(team__in=teams).values("pk", "version", *FIELDS):
            team_owner = (lead["team_id"], lead["owner_id"])
            if lead["partner_id"]:
                by_partner[(*team_owner, lead["partner_id"])].append(lead)
            if lead["prospect"]:
                by_prospect[(*team_owner, lead["prospect"])].append(lead)
        return by_partner, by_prospect

    @staticmethod
    def _match(values: dict, by_partner, by_prospect) -> tuple[dict | None, str]:
        """(the lead the row is, or None for a new one, "") or (None, why not): the rule of
        the module's docstring."""
        team_owner = (values["team_id"], values["owner_id"])
        partner, prospect = values.get("partner_id"), values.get("prospect")
        if not partner:
            return _one(by_prospect.get((*team_owner, prospect), []), values)
        old, why = _one(by_partner.get((*team_owner, partner), []), values)
        if old is not None or why or not prospect:
            return old, why
        unlinked = by_prospect.get((*team_owner, prospect), [])
        return _one([lead for lead in unlinked if not lead["partner_id"]], values)

    @staticmethod
    def _filled(values: dict, old: dict | None) -> dict:
        """The row with what the table leaves out taken from the lead (or the defaults); an
        open lead has no reason for a loss (services._closing)."""
        for field in FIELDS:
            if field not in values:
                values[field] = old[field] if old else DEFAULTS[field]
        if values["stage"] not in CLOSED_STAGES:
            values["lost_reason"] = ""
        values["pk"], values["version"] = (old["pk"], old["version"]) if old else (None, None)
        return values

    @staticmethod
    def _refused_row(values: dict, old: dict | None) -> tuple[str, str]:
        """(field, why the row cannot be imported), or ("", "")."""
        if values["probability"] is None:
            return "probability", "新销线须填写合作概率"
        if values["stage"] == Stage.LOST and not values["lost_reason"]:
            return "lost_reason", "已流失的销线须写明流失原因"
        if old is None and values.get("owner_left"):
            return "owner", "这位负责人已离职：新销线请写在职的负责人"
        return "", ""

    def refusal(self, preview: Preview) -> str:
        rows = {row.values["pk"]: row.values for row in preview.changed}
        current = dict(
            SalesLead.objects.select_for_update()
            .filter(pk__in=list(rows))
            .values_list("pk", "version")
        )
        stale = [pk for pk, values in rows.items() if current.get(pk) != values["version"]]
        if stale:
            names = SalesLead.objects.filter(pk__in=stale[:5]).select_related("partner")
            return gettext(
                "检查之后，有 %(count)d 条销线已被他人修改（%(names)s）。为避免覆盖他人的修改，"
                "本次没有导入任何数据，请重新检查后再导入。"
            ) % {"count": len(stale), "names": "、".join(map(str, names))}
        return self.refused_teams(preview)

    def write(self, preview: Preview, *, batch, progress) -> None:
        progress("write", force=True)
        changed = [row.values["pk"] for row in preview.changed]
        leads = SalesLead.objects.select_related("team").in_bulk(changed)
        written = [
            (SalesLead(team=self.roster.teams[row.values["team_id"]]), _written(row.values))
            for row in preview.new
        ]
        written += [(leads[row.values["pk"]], _written(row.values)) for row in preview.changed]
        services.leads_import(
            by=self.user, today=self.today, leads=written, reason=import_reason(batch)
        )


def _name_field(values: dict) -> str:
    """The column that names whom a row's lead is with, for its errors."""
    return "partner" if values.get("partner_id") else "prospect"


def _named(values: dict) -> tuple:
    """Whom a row's lead is with: its partner, else its prospect."""
    if values.get("partner_id"):
        return ("partner", values["partner_id"])
    return ("prospect", values.get("prospect", ""))


def _one(leads: list[dict], values: dict) -> tuple[dict | None, str]:
    """The lead of ``leads`` (those of the row's team, owner and customer) that the row is."""
    day = values.get("delivered_on")
    if day is not None:
        leads = [o for o in leads if o["stage"] not in CLOSED_STAGES or o["delivered_on"] == day]
        if len(leads) > 1:
            leads = [o for o in leads if o["delivered_on"] == day] or leads
    if len(leads) <= 1:
        return (leads[0] if leads else None), ""
    if day is None:
        return None, f"本团队有 {len(leads)} 条负责人和客户都相同的销线：请填写交付日期以区分"
    return None, (
        f"本团队有 {len(leads)} 条负责人、客户和交付日期都相同的销线，无法区分：请在页面上修改"
    )


def _written(values: dict) -> dict:
    return {field: values[field] for field in FIELDS if field != "team_id"}


def lead_importer(user, options: dict) -> LeadImporter:
    """The leads-table importer for a user; ``options["team"]`` (a team's id or name) is the
    team of rows whose 负责人 does not say it."""
    return LeadImporter(user, options)


# --- the daily summary sheet -----------------------------------------------------------------

SUMMARY_FIELDS = ["text", "next_target", "next_milestone"]


class SummaryImporter(FrontTeams, Importer):
    title = "销线综述表"
    columns = [
        Column("date", "日期", ("综述日期", "填写日期"), parse_date, True),
        Column("team", "团队", TEAM_HEADERS, text(50)),
        Column("text", "综述", ("销线综述", "今日综述", "综述内容"), text(4000), True),
        Column("next_target", "下一目标", ("下步目标", "下一步目标"), text(200), True),
        Column("next_milestone", "下一节点", ("下步节点", "下一个节点"), text(200), True),
    ]

    def __init__(self, user, options: dict | None = None, *, today=None):
        self.front_teams_for(user, options)
        self.today = today or timezone.localdate()

    def table_choices(self, mapped: set[str]) -> list[TableChoice]:
        if "team" in mapped or self.default_team is not None:
            return []
        teams = sorted(self.roster.teams.values(), key=lambda team: team.name)
        why = "表格中没有团队列：请选择这张表属于哪个团队，或指定哪一列是团队。"
        return [TableChoice("team", "整张表属于", [(str(t.pk), t.name) for t in teams], why)]

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []
        error = self.collect(row, labels, errors)
        name = values.pop("team", "") or ""
        team = self.teams.get(name) if name else self.default_team
        if team is None:
            reason = "无法确定这一行属于哪个团队：请填写团队"
            error("team", f'没有这个团队，或您无权导入它的数据 "{name}"' if name else reason)
        values["team_id"] = team.pk if team else None
        if values.get("date") and values["date"] > self.today:
            error("date", f"日期 {values['date']} 晚于今天")
        return errors

    def check_duplicates(self, rows: list[Row], labels) -> list[RowError]:
        seen, errors = {}, []
        for row in rows:
            first = seen.setdefault((row.values["team_id"], row.values["date"]), row.line)
            if first != row.line:
                reason = f"与第 {first} 行是同一团队同一天的综述"
                label = self.label_of("date", labels)
                errors.append(RowError(row.line, label, row.raw.get("date", ""), reason))
        return errors

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        teams = {row.values["team_id"] for row in rows}
        days = {row.values["date"] for row in rows}
        found = LeadSummary.objects.filter(team__in=teams, date__in=days)
        existing = {
            (s["team_id"], s["date"]): s for s in found.values("team_id", "date", *SUMMARY_FIELDS)
        }
        for row in rows:
            old = existing.get((row.values["team_id"], row.values["date"]))
            if old is None:
                preview.new.append(row)
            elif any(row.values[field] != old[field] for field in SUMMARY_FIELDS):
                preview.changed.append(row)
            else:
                preview.unchanged.append(row)

    def refusal(self, preview: Preview) -> str:
        return self.refused_teams(preview)

    def write(self, preview: Preview, *, batch, progress) -> None:
        rows = [*preview.new, *preview.changed]
        for row in progress.track(rows, "write", len(rows)):
            values = row.values
            team = self.roster.teams[values["team_id"]]
            services.summary_write(
                by=self.user,
                team=team,
                date=values["date"],
                figures=selectors.day_figures(team, values["date"]),
                **{field: values[field] for field in SUMMARY_FIELDS},
            )


def summary_importer(user, options: dict) -> SummaryImporter:
    """The summary-sheet importer for a user; ``options["team"]`` (a team's id or name) is
    the team of a sheet without a 团队 column."""
    return SummaryImporter(user, options)
