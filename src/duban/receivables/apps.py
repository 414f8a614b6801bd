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
    # `duban import receivables FILE` and `duban export receivables --out FILE`
    tables = {
        "receivables": {
            "kind": "ar_table",
            "importer": "duban.receivables.importers.table_importer",
            "rows": "duban.receivables.selectors.receivables_for",
            "columns": "duban.receivables.tables.EXPORT_COLUMNS",
        }
    }

    def ready(self):
        from django.db.models.signals import pre_save

        from duban.core.history import keep_baseline_before_save
        from duban.receivables.models import Receivable

        # imports write these in bulk, without history: the first later save keeps a baseline
        pre_save.connect(keep_baseline_before_save, sender=Receivable, dispatch_uid="Receivable")
