from django import template

from duban.supervision.registry import subject_ref
from duban.supervision.scoping import is_supervisor
from duban.supervision.selectors import open_about

register = template.Library()


@register.inclusion_tag("supervision/_open_about.html", takes_context=True)
def supervision_about(context, obj):
    """What is open in supervision about ``obj``, for the page of any area's object; a
    supervisor may put it under supervision from there."""
    user = context["request"].user
    about = open_about(obj, user)
    return {
        "about": about,
        "empty": not any(about.values()),
        "ref": subject_ref(obj),
        "can_supervise": is_supervisor(user),
    }
