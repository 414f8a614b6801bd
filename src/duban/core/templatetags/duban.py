from decimal import Decimal
from functools import lru_cache

from django import forms, template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def bs(bound_field):
    """Render a form field's widget with the Bootstrap class its kind needs."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def money(value) -> str:
    """12500 → "12,500.00" (元, two decimals, thousands separators)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def wan(value) -> str:
    """12500 → "1.25" (万元, for summaries whose header names the unit)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value) / 10000:,.2f}"


@register.filter
def get_item(mapping, key):
    """``row|get_item:"d30"``: a dict value by a key held in a variable."""
    return mapping.get(key) if mapping else None


@register.filter
def choice(obj, field_name: str) -> str:
    """``checkin|choice:"status"``: the label of a choice, from a per-language cached map.

    Django's get_FOO_display rebuilds the map on every call; long lists feel it.
    """
    return _labels(type(obj), field_name, get_language()).get(getattr(obj, field_name), "")


@lru_cache(maxsize=256)
def _labels(model, field_name: str, language: str) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
