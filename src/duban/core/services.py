"""Writes shared by every app."""

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.core.models import VersionedModel


class StaleEditError(Exception):
    """The record changed since the user loaded it; saving would overwrite someone else's edit."""

    def __init__(self, obj: models.Model):
        self.obj = obj
        super().__init__(stale_edit_message(obj))


def stale_edit_message(obj: models.Model) -> str:
    latest = obj.history.select_related("history_user").first() if hasattr(obj, "history") else None
    if latest is None or latest.history_user is None:
        return _("保存失败：这条记录在您打开之后已被他人修改。请刷新页面，查看最新内容后重新编辑。")
    return _(
        "保存失败：这条记录在您打开之后已被 %(who)s 于 %(when)s 修改。"
        "请刷新页面，查看最新内容后重新编辑。"
    ) % {
        "who": latest.history_user.display_name,
        "when": timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M"),
    }


def save_versioned(obj: VersionedModel, *, expected_version: int, fields: list[str] | None = None):
    """Save ``obj`` only if nobody saved it since ``expected_version`` was read.

    The version is claimed with a conditional UPDATE inside the transaction, so of two
    simultaneous edits of the same version exactly one wins and the other gets StaleEditError.
    """
    model = type(obj)
    with transaction.atomic():
        claimed = model.objects.filter(pk=obj.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleEditError(model.objects.get(pk=obj.pk))
        obj.version = expected_version + 1
        obj.save(update_fields=None if fields is None else [*fields, "version"])
    return obj
