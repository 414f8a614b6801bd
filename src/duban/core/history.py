"""Readable change history of a record kept by django-simple-history."""

from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.bulk import BATCH, batches, one_parameter

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
# model's ``history_origins(rows)`` may say who wrote each row and when (its import).


def keep_baselines(model, pks) -> None:
    """Give each of these rows that has no history an entry of its current state."""
    key = model._meta.pk.attname
    for chunk in batches(pks):
        kept = model.history.filter(**{f"{key}__in": one_parameter(chunk)})
        kept = set(kept.values_list(key, flat=True).distinct())
        bare = [pk for pk in chunk if pk not in kept]
        if not bare:
            continue
        rows = list(model._default_manager.filter(pk__in=one_parameter(bare)))
        origins = model.history_origins(rows) if hasattr(model, "history_origins") else {}
        now = timezone.now()
        for row in rows:
            when, who, reason = origins.get(row.pk) or (None, None, "")
            row._history_date, row._history_user, row._change_reason = when or now, who, reason
        model.history.bulk_history_create(rows, batch_size=BATCH)


def record_bulk_changes(model, pks, *, user, reason: str) -> None:
    """An entry for each of these rows as a bulk update left them (bulk_update records none)."""
    for chunk in batches(pks):
        rows = model._default_manager.filter(pk__in=one_parameter(chunk))
        model.history.bulk_history_create(
            list(rows),
            batch_size=BATCH,
            update=True,
            default_user=user,
            default_change_reason=reason,
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
