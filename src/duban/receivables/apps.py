from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role

NOT_MEMBERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD})


class ReceivablesConfig(AppConfig):
    name = "duban.receivables"
    label = "receivables"
    verbose_name = _("回款")
    nav = [NavItem(_("回款"), "receivables:receivable_list", roles=NOT_MEMBERS, order=60)]
