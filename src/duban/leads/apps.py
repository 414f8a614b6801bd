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
    # `duban import leads FILE` and `duban export leads --out FILE`: the leads table (销线表)
    tables = {
        "leads": {
            "kind": "lead_table",
            "importer": "duban.leads.importers.lead_importer",
            "rows": "duban.leads.selectors.leads_for_export",
            "columns": "duban.leads.tables.EXPORT_COLUMNS",
        }
    }
