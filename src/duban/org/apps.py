from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem


class OrgConfig(AppConfig):
    name = "duban.org"
    label = "org"
    verbose_name = _("组织与人员")
    nav = [
        NavItem(_("团队"), "org:team_list", order=80),
        NavItem(_("员工"), "org:employee_list", order=81),
    ]
