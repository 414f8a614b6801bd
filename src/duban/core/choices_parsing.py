"""Reading a choice as offices write it: its code, its label in any language of the site, the
synonyms a field declares, and those an admin added (duban.core.models.Synonym)."""

import time
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.utils import translation

from duban.core.parsing import ParseError, normalize_text, parse_text

REFRESH = 60  # seconds an admin's new synonym takes to reach a running import at most
_cache: dict[str, tuple[float, dict[str, str]]] = {}
FIELDS: set[str] = set()  # the choice fields read so: an admin may add words to them


def _key(text: str) -> str:
    return normalize_text(text).replace(" ", "").lower()


def _words(field_path: str, declared: dict[str, str]) -> dict[str, str]:
    from duban.core.models import Synonym

    now = time.monotonic()
    kept = _cache.get(field_path)
    if kept and now - kept[0] < REFRESH:
        return kept[1]
    app_label, model, name = field_path.split(".")
    choices = apps.get_model(app_label, model)._meta.get_field(name).choices
    words = {_key(code): code for code, _ in choices}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            words.update({_key(str(label)): code for code, label in choices})
    words.update({_key(word): code for word, code in declared.items()})
    rows = Synonym.objects.filter(field=field_path).values_list("word", "value")
    words.update({_key(word): code for word, code in rows if code in dict(choices)})
    _cache[field_path] = (now, words)
    return words


def choice_parser(field_path: str, *, default: str, synonyms: dict[str, str]) -> Callable:
    """A cell parser for the choice field ``app_label.model.field``: a blank cell is
    ``default``; an unknown word is an error naming what may be written."""
    FIELDS.add(field_path)

    def parse(value) -> str:
        words = _words(field_path, synonyms)
        if value.__class__ is str and value in words:  # a code or word as written: most cells
            return words[value]
        text = parse_text(value)
        if not text:
            return default
        found = words.get(_key(text))
        if found is None:
            app_label, model, name = field_path.split(".")
            field = apps.get_model(app_label, model)._meta.get_field(name)
            names = "、".join(str(label) for _, label in field.choices)
            raise ParseError(f'无法识别的{field.verbose_name} "{text}"，可填：{names}')
        return found

    return parse


def forget_synonyms() -> None:
    """After an admin changed a synonym (and in tests)."""
    _cache.clear()
