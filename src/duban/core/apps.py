from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "duban.core"
    label = "core"
    verbose_name = _("基础设置")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from duban.core.calendar import forget_overrides
        from duban.core.models import CalendarDay

        for signal in (post_save, post_delete):
            signal.connect(forget_overrides, sender=CalendarDay, dispatch_uid="calendar")
