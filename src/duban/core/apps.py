from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "duban.core"
    label = "core"
    verbose_name = _("基础设置")

    def ready(self):
        from django import forms
        from django.db.models.signals import post_delete, post_save

        from duban.core.forms import within_date_bounds

        # year 1 or 9999 in any form is refused, not a 500 when it meets a time zone
        for field in (forms.DateField, forms.DateTimeField):
            if within_date_bounds not in field.default_validators:
                field.default_validators = [*field.default_validators, within_date_bounds]

        from duban.core.calendar import forget_overrides
        from duban.core.models import CalendarDay

        for signal in (post_save, post_delete):
            signal.connect(forget_overrides, sender=CalendarDay, dispatch_uid="calendar")
