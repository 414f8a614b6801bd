from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role


class NotifyConfig(AppConfig):
    name = "duban.notify"
    label = "notify"
    verbose_name = _("通知")
    nav = [NavItem(_("待发消息"), "notify:outbox", roles=frozenset({Role.ADMIN}), order=95)]
