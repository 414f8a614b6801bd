"""The receivables table (应收账表) as finance keeps it, imported all or nothing."""

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal
from itertools import chain
from operator import itemgetter

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from duban.core.bulk import Staged, insert_rows, one_parameter
from duban.core.choices_parsing import choice_parser
from duban.core.history import import_reason, keep_staged_baselines, record_staged_changes
from duban.core.importing import Column, Importer, Preview, Row, RowError
from duban.core.parsing import CENT, money_unit, parse_date, parse_money, parse_text
from duban.org.models import Team
from duban.org.roster import RowTeams
from duban.partners.models import Partner
from duban.receivables.aging import bucket_of
from duban.receivables.choices import Category, ReceivableStatus
from duban.receivables.models import Receivable, Settings
from duban.receivables.supervised import AR_TABLE
from duban.supervision.services import TableDiff, previous_versions, table_versions_record

CHUNK = 5000  # rows compared, updated or verified by one query
FIELDS = [  # compared with the database to tell changed from unchanged
    "customer_id",
    "team_id",
    "salesperson_id",
    "lead_id",
    "project_name",
    "category",
    "invoice_date",
    "due_date",
    "agreed_payment_date",
    "warranty_due_date",
    "amount",
    "paid",
    "outstanding",
    "status",
    "note",
]


NEW = (None, None)  # the pk and version of a row not in the database yet
_in_order = itemgetter(*FIELDS, "number")  # a validated row has every one of them
_TEAM, _STATUS, _DUE = (FIELDS.index(f) for f in ["team_id", "status", "due_date"])


def _team_status_due(values: tuple) -> tuple:
    """The order of the busiest index, for the write (duban.core.bulk.insert_rows)."""
    return values[_TEAM], values[_STATUS], values[_DUE] or dt.date.min


ZERO = Decimal("0.00")
DEFAULTS = [
    ("project_name", ""),
    ("note", ""),
    ("category", Category.HISTORICAL),
    ("invoice_date", None),
    ("due_date", None),
    ("agreed_payment_date", None),
    ("warranty_due_date", None),
]


def _customer_ids(names: set[str]) -> dict[str, int]:
    found = Partner.objects.filter(name__in=one_parameter(sorted(names)))
    return dict(found.values_list("name", "pk"))


MONEY_FIELDS = ("amount", "paid", "outstanding")
parse_category = choice_parser(
    "receivables.receivable.category",
    default=Category.HISTORICAL,
    synonyms={  # the words offices write; an admin may add more (选项同义词)
        "历史货款": Category.HISTORICAL,
        "历史应收": Category.HISTORICAL,
        "已开票": Category.HISTORICAL,
        "账期款": Category.HISTORICAL,
        "固定账期": Category.FIXED_TERM,
        "合作账期": Category.FIXED_TERM,
        "质保金": Category.WARRANTY,
        "质保款": Category.WARRANTY,
        "保证金": Category.WARRANTY,
        "预付款": Category.PREPAYMENT,
        "预收款": Category.PREPAYMENT,
        "订金": Category.PREPAYMENT,
        "定金": Category.PREPAYMENT,
        "售中款": Category.IN_SALE,
        "销售回款": Category.IN_SALE,
        "货款": Category.IN_SALE,
    },
)


def text(max_length):
    def parse(value):
        if value.__class__ is str and len(value) <= max_length and value[:1] != "'":
            return value.strip()  # most cells: no call further
        return parse_text(value, max_length=max_length)

    return parse


class ReceivableImporter(RowTeams, Importer):
    title = "应收账表"
    staged = None  # the changed rows' new values, while a commit runs (``staging``)
    key_field = "number"
    distinct_fields = ("team_id", "customer")
    person_field, person_label = "salesperson", "业务员"
    columns = [
        Column(
            "number", "单号", ("发票号", "发票号码", "票号", "单据号", "应收单号"), text(60), True
        ),
        Column("customer", "客户名称", ("客户", "单位名称", "付款单位", "购买方"), text(100), True),
        Column("team", "团队", ("所属团队", "组别", "小组", "部门"), text(50)),
        Column(
            "salesperson",
            "业务员",
            ("销售", "销售员", "经办人", "负责人", "业务代表", "客户经理", "跟单员"),
            text(50),
        ),
        Column("lead", "负责主管", ("主管", "业务负责人", "团队主管"), text(50)),
        Column("project_name", "项目", ("项目名称", "合同名称"), text(200)),
        Column("category", "类别", ("款项类别", "款项类型", "款项性质"), parse_category),
        Column("invoice_date", "开票日期", ("发票日期", "开票日"), parse_date),
        Column("due_date", "到期日", ("到期日期", "应收日期", "账期到期日"), parse_date),
        Column("agreed_payment_date", "约定付款日", ("约定付款日期",), parse_date),
        Column("warranty_due_date", "质保到期日", ("质保到期日期",), parse_date),
        Column(
            "amount",
            "应收金额",
            ("金额", "开票金额", "发票金额", "价税合计", "应收款", "合同金额"),
            parse_money,
            True,
        ),
        Column("paid", "已回款", ("已回款金额", "已收款", "已收金额", "回款金额"), parse_money),
        Column(
            "outstanding",
            "未回款",
            ("未回款金额", "未收金额", "应收余额", "余额", "欠款", "欠款金额"),
            parse_money,
        ),
        Column("note", "备注", ("催收情况", "说明"), text(500)),
    ]

    def __init__(self, user, options: dict | None = None):
        self.teams_for(user, options)
        self.leads = {}
        for team_id, user_id, name in Team.leads.through.objects.values_list(
            "team_id", "user_id", "user__name"
        ):
            self.leads[(team_id, name)] = user_id

    def validate(self, row: Row, labels) -> list[RowError]:
        values, errors = row.values, []
        failed = (  # fields of a bad cell, reported already (most rows have none)
            {field for field in row.columns if field not in values}
            if len(values) < len(row.columns)
            else set()
        )

        def error(field, reason):
            raw = row.raw.get(field, "")
            errors.append(RowError(row.line, self.label_of(field, labels), raw, reason))

        team = self.row_team(values, error, failed)
        values.setdefault("salesperson_id", None)  # the sheet may have no salesperson column
        values["team_id"] = team.pk if team else None
        lead_name = values.pop("lead", "") or ""
        values["lead_id"] = self.leads.get((team.pk, lead_name)) if team and lead_name else None
        if team and lead_name and values["lead_id"] is None:
            error("lead", f"{lead_name} 不是 {team.name} 的主管")
        if "amount" in values and values["amount"] is not None:
            self._money(row, failed, error)
        for field, default in DEFAULTS:  # columns the file may leave out
            if field not in values:
                values[field] = default
        if values["category"] == Category.PREPAYMENT and not values["agreed_payment_date"]:
            if not failed & {"category", "agreed_payment_date"}:
                error("agreed_payment_date", "预付款需要填写约定付款日")
        return errors

    def _money(self, row: Row, failed, error) -> None:
        """Received + outstanding = amount, within the rounding of the coarsest cell written
        in 万; an outstanding amount the sheet states is kept as stated."""
        values = row.values
        amount, paid, outstanding = values["amount"], values.get("paid"), values.get("outstanding")
        if failed & {"paid", "outstanding"}:
            return
        if amount < 0:
            error("amount", "应收金额不能为负数")
            return
        if paid is None and outstanding is None:
            paid, outstanding = ZERO, amount
        elif paid is None:
            paid = amount - outstanding
        elif outstanding is None:
            outstanding = amount - paid
        else:
            gap = paid + outstanding - amount
            if gap:  # within the rounding of the coarsest cell written in 万, if any
                unit = max(money_unit(row.cells[row.columns[f]]) for f in MONEY_FIELDS)
                if abs(gap) > (unit if unit > CENT else 0):
                    error(
                        "outstanding",
                        f"已回款 {paid:,.2f} 加未回款 {outstanding:,.2f} "
                        f"不等于应收金额 {amount:,.2f}",
                    )
            paid = amount - outstanding  # what is still owed, as the sheet states it
        if values.get("paid") is not None and values["paid"] > amount:
            error("paid", f"已回款 {values['paid']:,.2f} 大于应收金额 {amount:,.2f}")
        elif outstanding > amount:
            error("outstanding", f"未回款 {outstanding:,.2f} 大于应收金额 {amount:,.2f}")
        elif paid < 0 or outstanding < 0:
            error("paid", "已回款和未回款都不能为负数")
        values["paid"], values["outstanding"] = paid, outstanding
        values["status"] = ReceivableStatus.SETTLED if outstanding == 0 else ReceivableStatus.OPEN

    def compare(self, rows: list[Row], preview: Preview, *, progress) -> None:
        visible = {team.pk for team in self.teams.values()}
        for start in range(0, len(rows), CHUNK):
            progress("compare", start, len(rows))
            chunk = rows[start : start + CHUNK]
            numbers = one_parameter([row.values["number"] for row in chunk])
            existing = {
                r["number"]: r
                for r in Receivable.objects.filter(number__in=numbers).values(
                    "pk", "number", "version", "customer__name", *FIELDS
                )
            }
            for row in chunk:
                values = row.values
                old = existing.get(values["number"])
                values["pk"], values["version"] = (old["pk"], old["version"]) if old else NEW
                # the customer as the row has it now, or None: the write looks names up
                same_customer = old is not None and old["customer__name"] == values["customer"]
                values["customer_id"] = old["customer_id"] if same_customer else None
                if old is None:
                    preview.new.append(row)
                elif old["team_id"] not in visible:  # said as any conflict: not whose it is
                    label = self.label_of("number", self.labels)
                    preview.errors.append(
                        RowError(row.line, label, values["number"], "单号已被占用")
                    )
                elif any(old[f] != values.get(f) for f in FIELDS):
                    preview.changed.append(row)
                else:
                    preview.unchanged.append(row)

    @contextmanager
    def staging(self, preview: Preview, *, batch, progress):
        """The changed rows' new values (FIELDS, version, batch) in a temporary table, with
        the customers known by then: the commit's transaction checks and writes them with a
        few statements, and holds the database for no longer."""
        if not preview.changed:
            yield
            return
        self.customers = _customer_ids(preview.distinct("customer"))
        rows = progress.track(preview.changed, "update", len(preview.changed))
        self.staged = Staged(
            Receivable,
            [*FIELDS, "version", "batch"],
            (
                (*self._values(row, self.customers)[:-1], row.values["version"] + 1, batch.pk)
                + (row.values["pk"],)
                for row in rows
            ),
        )
        try:
            yield
        finally:
            self.staged.drop()
            self.staged = None

    def refusal(self, preview: Preview) -> str:
        visible = {team.pk for team in self.teams.values()}
        outside = []
        if not preview.distinct("team_id") <= visible:  # else no row need be read for it
            outside = [
                r.values["number"]
                for r in chain(preview.new, preview.changed)
                if r.values["team_id"] not in visible
            ]
        stale = []
        if self.staged is not None:  # the rows changed since the check, or moved out of sight
            teams = one_parameter(sorted(visible) or [0])
            found = self.staged.differing(
                f"old.version <> new.version - 1 OR old.team_id NOT IN ({teams.sql})",
                teams.params,
                lock=True,  # so that none can move now, until the commit ends
            )
            stale, moved = self._stale_or_moved(preview, set(found), visible)
            outside += moved
        if outside:
            return gettext(
                "有 %(count)d 行属于您无权导入的团队（%(keys)s），本次没有导入任何数据。"
            ) % {"count": len(outside), "keys": "、".join(outside[:5])}
        if stale:
            return gettext(
                "检查之后，有 %(count)d 行已被他人修改（%(keys)s）。为避免覆盖他人的修改，"
                "本次没有导入任何数据，请重新检查后再导入。"
            ) % {"count": len(stale), "keys": "、".join(stale[:5])}
        return ""

    @staticmethod
    def _stale_or_moved(preview: Preview, found: set, visible: set) -> tuple[list, list]:
        """Of the changed rows ``found`` by the check against the database, the numbers of
        those changed since (a payment, an edit, another import) and of those now in a team
        this user may not import into."""
        if not found:
            return [], []
        rows = Receivable.objects.filter(pk__in=one_parameter(sorted(found)))
        current = {
            pk: (version, team)
            for pk, version, team in rows.values_list("pk", "version", "team_id")
        }
        stale, moved = [], []
        for row in preview.changed:
            values = row.values
            if values["pk"] not in found:
                continue
            version, team = current.get(values["pk"], (None, None))
            if version != values["version"]:
                stale.append(values["number"])
            elif team not in visible:
                moved.append(values["number"])
        return stale, moved

    def write(self, preview: Preview, *, batch, progress) -> None:
        names = preview.distinct("customer")
        known = _customer_ids(names)
        if new_names := names - set(known):
            new = [Partner(name=name) for name in sorted(new_names)]
            Partner.objects.bulk_create(new, batch_size=CHUNK)
            known = _customer_ids(names)
        new = progress.track(preview.new, "write", len(preview.new))
        insert_rows(  # as the kept rows are decoded: the database is at work meanwhile
            Receivable,
            [*FIELDS, "number", "version", "batch"],
            ((*self._values(row, known), 1, batch.pk) for row in new),
            order=_team_status_due,
        )
        if self.staged is None:
            return
        self._restage_customers(preview, known)
        keep_staged_baselines(Receivable, self.staged)
        progress("update", force=True)
        self.staged.update()
        record_staged_changes(Receivable, self.staged, user=self.user, reason=import_reason(batch))

    def _restage_customers(self, preview: Preview, known: dict) -> None:
        """The customer of the staged rows whose customer was added (or renamed) since they
        were staged."""
        moved = {name for name, pk in known.items() if self.customers.get(name) != pk}
        if not moved:
            return
        rows = [
            (known[row.values["customer"]], row.values["pk"])
            for row in preview.changed
            if row.values["customer"] in moved
        ]
        table, key = self.staged.table, self.staged.key
        column = connection.ops.quote_name(Receivable._meta.get_field("customer").column)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {key} = %s", rows)

    def _values(self, row: Row, customers: dict) -> tuple:
        """The row's FIELDS and number, in order, as they go into the database."""
        row.values["customer_id"] = customers.get(row.values["customer"])  # None: added later
        return _in_order(row.values)


class TableImporter(ReceivableImporter):
    """The twice-monthly AR table: the same rows, recorded as a dated version with its diff."""

    title = "应收账表（版本）"

    def __init__(self, user, as_of: dt.date, options: dict | None = None):
        super().__init__(user, options)
        self.as_of = as_of

    def write(self, preview: Preview, *, batch, progress) -> None:
        super().write(preview, batch=batch, progress=progress)
        progress("version", force=True)
        diffs = defaultdict(lambda: TableDiff(rows=0, more={"settled": []}))
        totals = defaultdict(lambda: Decimal("0.00"))
        for outcome in ("new", "changed", "unchanged"):
            for row in getattr(preview, outcome):
                values = row.values
                diff = diffs[values["team_id"]]
                diff.rows += 1
                totals[values["team_id"]] += values["outstanding"]
                if outcome == "new":
                    diff.new.append(values["number"])
                elif outcome == "changed":
                    diff.changed.append(values["number"])
                    if values["status"] == ReceivableStatus.SETTLED:
                        diff.more["settled"].append(values["number"])
        aged = self._aged(preview, previous_versions(AR_TABLE.name, diffs, before=self.as_of))
        for team_id, diff in diffs.items():
            diff.summary = {
                "total_outstanding": str(totals[team_id]),
                "settled": len(diff.more["settled"]),
                "aged": aged[team_id],
            }
        table_versions_record(kind=AR_TABLE.name, as_of=self.as_of, batch=batch, diffs=diffs)

    def _aged(self, preview: Preview, previous: dict) -> dict[int, int]:
        """Per team, open rows that moved to an older aging bucket since that team's previous
        version of the table."""
        basis = Settings.current().aging_basis
        aged = defaultdict(int)
        for row in chain(preview.new, preview.changed, preview.unchanged):
            values = row.values
            before = previous.get(values["team_id"])
            if before is None or values["outstanding"] <= 0:
                continue
            if bucket_of(values, before.as_of, basis) != bucket_of(values, self.as_of, basis):
                aged[values["team_id"]] += 1
        return aged


def table_importer(user, options: dict) -> TableImporter:
    """The AR-table importer for a user; ``options["as_of"]`` (ISO date) defaults to today,
    ``options["team"]`` (a team's id or name) is the team of rows that name none."""
    as_of = options.get("as_of")
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return TableImporter(user, day, options)
