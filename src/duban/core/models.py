from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionedModel(models.Model):
    """A record edited by people: every save through ``save_versioned`` bumps ``version``.

    A form carries the version it was loaded with, so an edit based on an older version is
    refused instead of silently overwriting someone else's change.
    """

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True


class CalendarDay(models.Model):
    """A working-day override, typed in from the State Council's yearly 放假调休 notice.

    Overrides win over the chinese-calendar package, which in turn wins over Monday–Friday.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    note = models.CharField(
        _("说明"), max_length=50, blank=True, help_text=_("例如：春节、调休上班")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("休息")
        return f"{self.date:%Y-%m-%d} {kind} {self.note}".strip()
