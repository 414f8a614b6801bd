"""What the areas tell the partner page: which partners their teams deal with, and a section
of the page each.

An area registers ``dealings(teams) -> a queryset of partner ids`` (the partners its records
of those teams name) and a ``section``; the partners app imports no area.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

DEALINGS: list[Callable[[models.QuerySet], models.QuerySet]] = []


@dataclass(frozen=True)
class Section:
    title: str
    template: str
    context: Callable  # (partner, user, request) -> dict for the template
    order: int = 50


SECTIONS: list[Section] = []


def dealings(func: Callable[[models.QuerySet], models.QuerySet]):
    """Register ``func(teams)``: the ids of the partners the area's records of ``teams`` name."""
    DEALINGS.append(func)
    return func


def section(*, title, template: str, order: int = 50):
    """Register ``context(partner, user, request) -> dict`` as a section of the partner page."""

    def register(func):
        SECTIONS.append(Section(title, template, func, order))
        SECTIONS.sort(key=lambda s: s.order)
        return func

    return register


def dealt_with_by(teams: models.QuerySet) -> Q:
    """A filter on partners: those ``teams`` deal with in any area."""
    condition = Q(pk__in=[])
    for func in DEALINGS:
        condition |= Q(pk__in=func(teams))
    return condition
