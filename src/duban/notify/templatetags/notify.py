from django import template

from duban.notify.channels import masked as mask

register = template.Library()


@register.filter
def masked(address) -> str:
    """A robot's webhook or secret shown by its ends only: it is a credential."""
    return mask(str(address or ""))
