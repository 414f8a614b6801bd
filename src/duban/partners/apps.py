from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from duban.core.navigation import NavItem
from duban.org.choices import Role

NOT_MEMBERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD})


class PartnersConfig(AppConfig):
    name = "duban.partners"
    label = "partners"
    verbose_name = _("往来单位")
    nav = [NavItem(_("往来单位"), "partners:partner_list", roles=NOT_MEMBERS, order=70)]

    def ready(self):
        from django.db.models.signals import pre_save

        from duban.core.history import keep_baseline_before_save
        from duban.partners.models import Partner

        # each area tells the partner page, in its partner_page.py, what it holds
        autodiscover_modules("partner_page")
        # imports write partners in bulk, without history: the first later save keeps a baseline
        pre_save.connect(keep_baseline_before_save, sender=Partner, dispatch_uid="Partner")
