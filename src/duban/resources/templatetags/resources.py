from django import template

from duban.resources.selectors import to_confirm

register = template.Library()


@register.simple_tag(takes_context=True)
def to_confirm_count(context) -> int:
    """How many hand-overs wait for the signed-in user to confirm (the tab's badge)."""
    return to_confirm(context["request"].user).count()
