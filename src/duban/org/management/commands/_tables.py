"""The tables that `duban import` and `duban export` know, as each app declares them."""

from django.apps import apps
from django.core.management.base import CommandError
from django.utils.module_loading import import_string

from duban.org.choices import Role
from duban.org.models import User


def table_spec(area: str) -> dict:
    specs = {
        name: spec
        for c in apps.get_app_configs()
        for name, spec in getattr(c, "tables", {}).items()
    }
    if area not in specs:
        raise CommandError(f"不认识的数据类型“{area}”，可选：{'、'.join(sorted(specs))}")
    return {
        key: import_string(value) if "." in value else value for key, value in specs[area].items()
    }


def acting_user(username: str | None) -> User:
    """The user the command acts as: its scope decides what is read and written."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有这个用户：{username}")
        return user
    user = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("还没有管理员账号：请先运行 duban createsuperuser，或用 --user 指定用户")
    return user
