"""Choice labels from a per-language cache: get_FOO_display rebuilds its map on every call,
and long lists and exports call it for every row."""

from collections.abc import Callable
from functools import lru_cache

from django.utils.translation import get_language


def choice_label(obj, field_name: str) -> str:
    return _labels(type(obj), field_name, get_language()).get(getattr(obj, field_name), "")


def choice_labels(model, field_name: str) -> Callable[[object], str]:
    """Code -> label in the active language, for values read without their model instance."""

    def label(code) -> str:
        return _labels(model, field_name, get_language()).get(code, "")

    return label


@lru_cache(maxsize=256)
def _labels(model, field_name: str, language: str) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def as_msgid(label) -> str:
    """A choice's (lazy) label as its message id, for text kept in no language and said in
    each reader's (duban.supervision.registry.Message parameters named with an underscore)."""
    from django.utils import translation

    with translation.override(None):
        return str(label)
