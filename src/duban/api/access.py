"""Writes based on what the caller read: the version they saw must still be the record's."""

from contextlib import contextmanager

from django.db import transaction

from duban.core.services import StaleEditError


@contextmanager
def editing(obj, version: int):
    """Run a service's write on ``obj`` in one transaction with its row locked, refused with
    StaleEditError (a 409 with the stale-edit message, naming who changed it) when anyone
    saved it since the caller read ``version``: no lost updates through the API either."""
    with transaction.atomic():
        current = type(obj).objects.select_for_update().only("version").get(pk=obj.pk)
        if current.version != version:
            raise StaleEditError(obj)
        yield
