from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem


class PeopleConfig(AppConfig):
    name = "duban.people"
    label = "people"
    verbose_name = _("人力资源")
    nav = [NavItem(_("人员"), "people:home", order=57)]
    # `duban import people FILE` and `duban export people --out FILE`: the roster (花名册)
    tables = {
        "people": {
            "kind": "roster",
            "importer": "duban.people.importers.roster_importer",
            "rows": "duban.people.selectors.roster_for_export",
            "columns": "duban.people.tables.EXPORT_COLUMNS",
            "log": "duban.people.services.roster_export_record",
        }
    }
