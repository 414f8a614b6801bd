from django.db import models
from django.utils.translation import gettext_lazy as _


class ResourceStatus(models.TextChoices):
    NEW = "new", _("新资源")
    IN_PROGRESS = "in_progress", _("跟进中")
    DORMANT = "dormant", _("沉睡")
    CLOSED = "closed", _("已关闭")


class Grade(models.TextChoices):
    A = "A", _("A 级")
    B = "B", _("B 级")
    C = "C", _("C 级")
    D = "D", _("D 级")


class Outcome(models.TextChoices):
    WON = "won", _("成交")
    LOST = "lost", _("无意向")


class HandoverKind(models.TextChoices):
    HANDOVER = "handover", _("流转")
    SWAP = "swap", _("调换")


class HandoverStatus(models.TextChoices):
    REQUESTED = "requested", _("待双方主管同意")  # a swap, until both leads approve
    PLANNED = "planned", _("已计划")
    SENT = "sent", _("已交出")
    RECEIVED = "received", _("已接收")
    CANCELLED = "cancelled", _("已取消")


WORKABLE = [ResourceStatus.NEW, ResourceStatus.IN_PROGRESS]  # assigned and still to call
OPEN_HANDOVER = [HandoverStatus.REQUESTED, HandoverStatus.PLANNED, HandoverStatus.SENT]
