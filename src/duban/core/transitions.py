"""State changes that cannot race: the row is locked, its state checked, then saved with history."""

from django.db import transaction


class TransitionError(Exception):
    """The record is not in a state that allows this step (the message is for the user)."""


def transition(obj, *, allowed_from, to, message: str, **changes):
    """Move ``obj`` from one of ``allowed_from`` to ``to``, setting ``changes`` too.

    The row is re-read under a lock, so two people acting at once cannot both win; the loser
    gets TransitionError with ``message``. Bumps ``version`` so open edit forms go stale.
    """
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=obj.pk)
        if current.status not in allowed_from:
            raise TransitionError(message)
        current.status = to
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1  # the row is locked, so no one else is bumping it meanwhile
        current.save()
    for name in ["status", "version", *changes]:
        setattr(obj, name, getattr(current, name))
    return obj
