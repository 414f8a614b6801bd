"""The supervisor's agenda is kept in the page cache (duban.core.pagecache) for a minute, and
computed afresh once anything behind it changes: a change saved to the engine's rows
(check-ins, matters, plans, milestones, risks …) or to the organisation (teams, their leads,
lines, people), and the tick, which writes in bulk."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from duban.core import pagecache

AGENDA = "agenda"
WATCHED_APPS = frozenset({"supervision", "org"})


def agenda_changed() -> None:
    pagecache.changed(AGENDA)


def _watched(sender) -> bool:
    """A model of the watched apps; not its history, which is written with each change."""
    meta = sender._meta
    return meta.app_label in WATCHED_APPS and not meta.model_name.startswith("historical")


def _saved(sender, update_fields=None, **kwargs) -> None:
    if not _watched(sender):
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login changes no agenda
    agenda_changed()


def _deleted(sender, **kwargs) -> None:
    if _watched(sender):
        agenda_changed()


def _related(sender, action: str, **kwargs) -> None:
    if action.startswith("post_") and _watched(sender):
        agenda_changed()


post_save.connect(_saved, dispatch_uid="duban.supervision.agenda.saved")
post_delete.connect(_deleted, dispatch_uid="duban.supervision.agenda.deleted")
m2m_changed.connect(_related, dispatch_uid="duban.supervision.agenda.related")
