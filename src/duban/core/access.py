"""Fetch-and-authorise in one step, so a view never reaches an object outside the user's scope.

Every domain model's manager offers ``visible_to(user)``; an object outside it is a 404 (its
existence is not revealed). An object the user may see but not change is a 403 for a write.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404


def get_object_for_user(source, user, *, write: bool = False, **lookup) -> models.Model:
    queryset = source.objects.all() if isinstance(source, type) else source
    obj = get_object_or_404(queryset.visible_to(user), **lookup)
    if write and not obj.can_be_edited_by(user):
        raise PermissionDenied
    return obj


def posted_id(request, name: str) -> int:
    """The object id a form posts in ``name``, or 0 (no object has it, so a 404) for anything
    that is not one: an empty field, text, a negative or fractional number, one past 64 bits."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0
