"""Readable change history of a record kept by django-simple-history."""

from dataclasses import dataclass

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.bulk import batches, insert_rows, one_parameter

HIDDEN_FIELDS = ["version"]
EMPTY = _("空")  # a value removed or not yet given (a dash reads like 一)
ACTIONS = {"+": _("创建"), "~": _("修改"), "-": _("删除")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list[Change]
    reason: str = ""  # e.g. the import that made the change


def history_of(obj: models.Model, limit: int = 30) -> list[HistoryEntry]:
    """Newest first: who did what when, with each changed field's old and new value."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for newer, older in zip(records[:limit], [*records[1:], None], strict=False):
        changes = [] if older is None else _changes(obj, newer, older)
        if older is not None and not changes:
            continue  # a save that changed nothing a person would see
        who = newer.history_user.display_name if newer.history_user else _("系统")
        action, reason = ACTIONS[newer.history_type], _reason(newer.history_change_reason)
        entries.append(HistoryEntry(newer.history_date, who, action, changes, reason))
    return entries


IMPORTED = "import:"  # a change reason kept in no language: said in the reader's


def import_reason(batch) -> str:
    """The change reason of rows an import wrote."""
    return f"{IMPORTED}{batch.filename}"[:100]


def _reason(reason: str | None) -> str:
    if reason and reason.startswith(IMPORTED):
        return str(_("导入 %(file)s") % {"file": reason[len(IMPORTED) :]})
    return reason or ""


# --- rows written in bulk -------------------------------------------------------------------
#
# An import writes its new rows with COPY or one INSERT, without a history entry each (that
# would double its cost). Before such a row is first changed, by a later import or on a page,
# its state as it stands becomes its first entry, so the change shows what it changed; the
# model's ``history_origins(batch_ids)`` may say who wrote each row and when (its import).


def keep_baselines(model, pks) -> None:
    """Give each of these rows that has no history an entry of its current state."""
    key = model._meta.pk.attname
    tracked = _tracked(model)
    # a model whose rows note their import (core.models.ImportedRows) says who wrote them when
    origin = ["batch_id"] if hasattr(model, "history_origins") else []
    for chunk in batches(pks):
        kept = model.history.filter(**{f"{key}__in": one_parameter(chunk)})
        kept = set(kept.values_list(key, flat=True).distinct())
        bare = [pk for pk in chunk if pk not in kept]
        if not bare:
            continue
        rows = list(_values(model, tracked, bare, origin))
        origins = {}
        if origin:
            origins = model.history_origins({row[-1] for row in rows} - {None})
        now, nobody = timezone.now(), (None, "", None)

        def stamp(row, origins=origins, now=now, nobody=nobody):
            when, reason, who = origins.get(row[-1], nobody) if origins else nobody
            return (when or now, reason, "+", who)

        _insert_history(model, tracked, rows, stamp)


def record_bulk_changes(model, pks, *, user, reason: str) -> None:
    """An entry for each of these rows as a bulk update left them (bulk_update records none)."""
    tracked, stamp = _tracked(model), (timezone.now(), reason, "~", user.pk if user else None)
    for chunk in batches(pks):
        _insert_history(model, tracked, _values(model, tracked, chunk), lambda row: stamp)


def keep_staged_baselines(model, staged) -> None:
    """``keep_baselines`` for the rows ``staged`` (duban.core.bulk.Staged) will update, in
    one INSERT … SELECT within the writing transaction: no row travels to Python and back.

    The rows without history are found first: a statement that inserted into the history
    while looking there for each row could scan its own new entries again and again (as
    PostgreSQL did when it took the history to be empty: three minutes for 100,000 rows)."""
    history = model.history.model
    qn = connection.ops.quote_name
    table, key = qn(history._meta.db_table), staged.key
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT new.{key} FROM {staged.table} AS new WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} AS kept WHERE kept.{key} = new.{key})"
        )
        bare = [found for (found,) in cursor.fetchall()]
    if not bare:
        return
    bare = one_parameter(bare)
    where = (f"old.{key} IN ({bare.sql})", list(bare.params))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    if not hasattr(model, "history_origins"):
        _insert_staged(model, staged, "%s, '', '+', NULL", [now], where=where)
        return
    # who wrote each row and when: its import, as ImportedRows.history_origins says it
    from duban.core.models import ImportBatch

    imports = qn(ImportBatch._meta.db_table)
    stamp = (
        "COALESCE(origin.committed_at, %s), CASE WHEN origin.id IS NULL THEN '' "
        "ELSE substr(%s || origin.filename, 1, 100) END, '+', origin.uploaded_by_id"
    )
    join = f"LEFT JOIN {imports} AS origin ON origin.id = old.batch_id"
    _insert_staged(model, staged, stamp, [now, IMPORTED], join=join, where=where)


def record_staged_changes(model, staged, *, user, reason: str) -> None:
    """``record_bulk_changes`` for the rows ``staged`` updated, in one INSERT … SELECT."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    _insert_staged(model, staged, "%s, %s, '~', %s", [now, reason, user.pk if user else None])


def _insert_staged(model, staged, stamp: str, params, *, join="", where=None) -> None:
    """An entry of each staged row as it stands, stamped by the SQL ``stamp`` (its date,
    change reason, type and user); ``where``, (SQL, params), picks some of the rows."""
    qn, history = connection.ops.quote_name, model.history.model
    columns = [qn(history._meta.get_field(name).column) for name in _tracked(model)]
    stamps = ["history_date", "history_change_reason", "history_type", "history_user"]
    stamps = [qn(history._meta.get_field(name).column) for name in stamps]
    table, key = qn(history._meta.db_table), staged.key
    sql = (
        f"INSERT INTO {table} ({', '.join([*columns, *stamps])}) "
        f"SELECT {', '.join(f'old.{column}' for column in columns)}, {stamp} "
        f"FROM {staged.target} AS old JOIN {staged.table} AS new ON old.{key} = new.{key} {join}"
    )
    if where:
        sql += f" WHERE {where[0]}"
        params = [*params, *where[1]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _tracked(model) -> list[str]:
    """The fields a history entry copies from its row."""
    fields = model.history.model._meta.concrete_fields
    return [field.name for field in fields if not field.name.startswith("history_")]


def _values(model, tracked, pks, extra=()):
    """The rows ``pks`` as tuples of the ``tracked`` fields, then the ``extra`` ones."""
    history = model.history.model
    columns = [history._meta.get_field(name).attname for name in tracked]
    rows = model._default_manager.filter(pk__in=one_parameter(pks))
    return rows.values_list(*columns, *extra)


def _insert_history(model, tracked, rows, stamp) -> None:
    """An entry of each row (a tuple of the ``tracked`` fields) written by insert_rows (COPY
    on PostgreSQL): simple-history's bulk_history_create builds a model instance and an
    INSERT of every entry, most of the time of a large import's history. ``stamp(row)``
    gives the entry's date, change reason, type and user id."""
    width = len(tracked)
    insert_rows(
        model.history.model,
        [*tracked, "history_date", "history_change_reason", "history_type", "history_user"],
        ((*row[:width], *stamp(row)) for row in rows),
    )


def keep_baseline_before_save(sender, instance, raw=False, **kwargs) -> None:
    """A pre_save receiver for models whose rows may be written in bulk."""
    if not raw and not instance._state.adding and instance.pk is not None:
        keep_baselines(sender, [instance.pk])


def _changes(obj, newer, older) -> list[Change]:
    delta = newer.diff_against(older, excluded_fields=HIDDEN_FIELDS)
    return [
        Change(
            str(obj._meta.get_field(change.field).verbose_name),
            _display(obj, change.field, change.old),
            _display(obj, change.field, change.new),
        )
        for change in delta.changes
    ]


def _display(obj, field_name: str, value) -> str:
    field = obj._meta.get_field(field_name)
    if value in (None, ""):
        return str(EMPTY)
    if field.many_to_many:
        target = field.related_model._meta.model_name
        ids = [row.get(target) for row in value]
        objects = field.related_model.objects.in_bulk(ids)
        return "、".join(str(objects[pk]) for pk in ids if pk in objects) or str(EMPTY)
    if field.is_relation:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("是") if value else _("否"))
    if isinstance(field, models.DateTimeField):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(field, models.DecimalField):
        return f"{value:,}"  # money as the pages show it: 61,500.00
    return str(value)
