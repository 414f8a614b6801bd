"""A fast reverse() for the detail pages that long lists link to, row after row."""

from functools import lru_cache

from django.urls import get_urlconf, reverse

_MARK = 9_876_543_210


@lru_cache(maxsize=128)
def _pattern(name: str, urlconf: str | None) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
    return head, tail


def detail_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a URL with one integer argument, resolved once."""
    head, tail = _pattern(name, get_urlconf())
    return f"{head}{int(pk)}{tail}"
