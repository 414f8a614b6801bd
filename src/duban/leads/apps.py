from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role

NOT_MEMBERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD})


class LeadsConfig(AppConfig):
    name = "duban.leads"
    label = "leads"
    verbose_name = _("销线")
    nav = [NavItem(_("销线"), "leads:request_board", roles=NOT_MEMBERS, order=58)]
