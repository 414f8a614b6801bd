from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CycleClass(models.TextChoices):
    """A project's cycle class, from its duration (S-PRJ-1): it sets the cadence it is
    followed at (S-PRJ-2/3/4)."""

    SHORT = "short", pgettext_lazy("project", "3个月内")
    MEDIUM = "medium", _("3–6个月")
    LONG = "long", _("长周期")


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    PAUSED = "paused", _("暂停")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class Stage(models.TextChoices):
    RESEARCH = "research", _("调研")
    PROMOTION = "promotion", _("推进")
    DELIVERY = "delivery", pgettext_lazy("project", "交付")
    CLOSING = "closing", _("收尾")


class TargetKind(models.TextChoices):
    QUANTITY = "quantity", _("数量")
    AMOUNT = "amount", _("金额")


class Period(models.TextChoices):
    DAY = "day", _("日")
    WEEK = "week", _("周")
    MONTH = "month", _("月")
