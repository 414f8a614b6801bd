from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role

WATCHERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD})


class CockpitConfig(AppConfig):
    name = "duban.cockpit"
    label = "cockpit"
    verbose_name = _("驾驶舱")
    nav = [
        NavItem(_("驾驶舱"), "cockpit:dashboard", roles=WATCHERS, order=12),
        NavItem(_("主管评分"), "cockpit:scorecards", roles=WATCHERS, order=13),
        NavItem(_("督办报告"), "cockpit:report", roles=WATCHERS - {Role.LEAD}, order=14),
    ]

    def ready(self):
        # each area declares, in its scoring.py, its scorecard measures and dashboard figures
        autodiscover_modules("scoring")
        from duban.cockpit import snapshots  # noqa: F401 - registers the daily snapshot
