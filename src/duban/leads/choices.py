from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    """A back end's request for sales leads (S-LEAD-1), from raised to done."""

    RAISED = "raised", _("待协商")
    AGREED = "agreed", _("已定目标")
    DECLINED = "declined", _("已拒绝")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


OPEN_REQUESTS = [RequestStatus.RAISED, RequestStatus.AGREED]


class Stage(models.TextChoices):
    """Where a sales lead stands (S-LEAD-4)."""

    CONTACT = "contact", _("初步接触")
    NEED = "need", _("需求确认")
    PROPOSAL = "proposal", _("方案报价")
    NEGOTIATION = "negotiation", _("商务谈判")
    WON = "won", _("已合作")
    LOST = "lost", _("已流失")


OPEN_STAGES = [Stage.CONTACT, Stage.NEED, Stage.PROPOSAL, Stage.NEGOTIATION]
CLOSED_STAGES = [Stage.WON, Stage.LOST]


class Cycle(models.TextChoices):
    """How often a cooperating partner reports its plan (S-LEAD-6)."""

    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    DATES = "dates", _("指定日期")
