from decimal import Decimal

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from duban.core.labels import choice_label

register = template.Library()


@register.filter
def bs(bound_field):
    """Render a form field's widget with the Bootstrap class its kind needs; radio buttons as
    Bootstrap's form-check rows, each input with its own clickable label."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect):
        return _radios(bound_field)
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
        _say_choose(bound_field.field)
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


DASHES = "---------"


def _say_choose(field) -> None:
    """An empty choice reads 请选择, never Django's dashes."""
    if getattr(field, "empty_label", None) == DASHES:
        field.empty_label = _("请选择")
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        if any(label == DASHES for _value, label in field.choices):
            field.choices = [
                (value, _("请选择") if label == DASHES else label) for value, label in field.choices
            ]


def _radios(bound_field) -> str:
    invalid = " is-invalid" if bound_field.errors else ""
    rows = []
    for radio in bound_field:
        attrs = {**radio.data["attrs"], "class": f"form-check-input{invalid}"}
        checked = " checked" if radio.data["selected"] else ""
        rows.append(
            format_html(
                '<div class="form-check form-check-inline"><input type="radio" name="{}" '
                'value="{}" id="{}" class="{}"{}{}><label class="form-check-label" for="{}">'
                "{}</label></div>",
                radio.data["name"],
                radio.data["value"],
                attrs["id"],
                attrs["class"],
                " required" if attrs.get("required") else "",
                checked,
                attrs["id"],
                radio.choice_label,
            )
        )
    return format_html('<div id="{}">{}</div>', bound_field.auto_id, mark_safe("".join(rows)))


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
    """``checkin|choice:"status"``: a choice's label, from a per-language cache."""
    return choice_label(obj, field_name)
