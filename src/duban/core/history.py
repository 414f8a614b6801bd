"""Readable change history of a record kept by django-simple-history."""

from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HIDDEN_FIELDS = ["version"]
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
        entries.append(HistoryEntry(newer.history_date, who, ACTIONS[newer.history_type], changes))
    return entries


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
        return "—"
    if field.many_to_many:
        target = field.related_model._meta.model_name
        ids = [row.get(target) for row in value]
        objects = field.related_model.objects.in_bulk(ids)
        return "、".join(str(objects[pk]) for pk in ids if pk in objects) or "—"
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
    return str(value)
