from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem


class PeopleConfig(AppConfig):
    name = "duban.people"
    label = "people"
    verbose_name = _("人力资源")
    nav = [NavItem(_("人员"), "people:home", order=57)]
