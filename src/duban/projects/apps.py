from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role

NOT_MEMBERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD})


class ProjectsConfig(AppConfig):
    name = "duban.projects"
    label = "projects"
    verbose_name = _("项目")
    nav = [NavItem(_("项目"), "projects:project_list", roles=NOT_MEMBERS, order=59)]
    # `duban import projects FILE` and `duban export projects --out FILE`: the project table
    tables = {
        "projects": {
            "kind": "project_table",
            "importer": "duban.projects.importers.project_table_importer",
            "rows": "duban.projects.selectors.projects_for_export",
            "columns": "duban.projects.tables.EXPORT_COLUMNS",
        }
    }
