from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role

NOT_MEMBERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD})


class AftersalesConfig(AppConfig):
    name = "duban.aftersales"
    label = "aftersales"
    verbose_name = _("售后")
    nav = [NavItem(_("售后"), "aftersales:case_list", roles=NOT_MEMBERS, order=62)]
    # `duban import aftersales FILE` and `duban export aftersales --out FILE`: the after-sales
    # register (售后登记表)
    tables = {
        "aftersales": {
            "kind": "case_register",
            "importer": "duban.aftersales.importers.case_importer",
            "rows": "duban.aftersales.selectors.cases_for_export",
            "columns": "duban.aftersales.tables.EXPORT_COLUMNS",
        }
    }
