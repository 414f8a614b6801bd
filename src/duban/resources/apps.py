from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem


class ResourcesConfig(AppConfig):
    name = "duban.resources"
    label = "resources"
    verbose_name = _("资源管理")
    nav = [NavItem(_("资源"), "resources:resource_list", order=55)]
    # `duban import resources FILE` and `duban export resources --out FILE`
    tables = {
        "resources": {
            "kind": "resource_table",
            "importer": "duban.resources.importers.table_importer",
            "rows": "duban.resources.selectors.resources_for_export",
            "columns": "duban.resources.tables.EXPORT_COLUMNS",
            "log": "duban.resources.services.export_record",
        }
    }

    def ready(self):
        from django.db.models.signals import pre_save

        from duban.core.history import keep_baseline_before_save
        from duban.resources.models import Resource

        # imports write these in bulk, without history: the first later save keeps a baseline
        pre_save.connect(keep_baseline_before_save, sender=Resource, dispatch_uid="Resource")
