from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role

SUPERVISING = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE})


class SupervisionConfig(AppConfig):
    name = "duban.supervision"
    label = "supervision"
    verbose_name = _("督办")
    nav = [
        # the executive's day starts on the cockpit's dashboard, not the supervisor's agenda
        NavItem(
            _("今日督办"), "supervision:agenda", roles=SUPERVISING - {Role.EXECUTIVE}, order=10
        ),
        NavItem(_("我的待办"), "supervision:todo", roles=frozenset({Role.LEAD}), order=11),
        NavItem(_("风险看板"), "supervision:risk_board", roles=SUPERVISING | {Role.LEAD}, order=20),
        NavItem(_("督办事项"), "supervision:matter_list", order=30),
        NavItem(_("跟进"), "supervision:checkin_list", roles=SUPERVISING | {Role.LEAD}, order=40),
        NavItem(_("跟进规则"), "supervision:rule_list", roles=SUPERVISING | {Role.LEAD}, order=50),
        NavItem(_("日程"), "supervision:calendar", roles=SUPERVISING | {Role.LEAD}, order=52),
    ]

    def ready(self):
        # every app declares what it puts under supervision in its own supervised.py
        # (subject, escalating and table kinds) and its detectors in its detectors.py
        autodiscover_modules("supervised")
        autodiscover_modules("detectors")
        from duban.supervision import caching, housekeeping  # noqa: F401 - signals, daily jobs
