from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeKind(models.TextChoices):
    """A staff change (人员变动, S-HR-3): each is a dated record."""

    JOIN = "join", _("入职")
    LEAVE = "leave", _("离职")
    TRANSFER = "transfer", _("调岗（换团队）")
    POST = "post", _("岗位变化")
    LONG_LEAVE = "long_leave", _("长假")
    RETURN = "return", _("休假返岗")


# changes that demand a training plan besides the staffing plan: someone new to the team
TRAINING_CHANGES = {ChangeKind.JOIN, ChangeKind.TRANSFER}


class LeaveReason(models.TextChoices):
    PAY = "pay", _("薪酬")
    PERFORMANCE = "performance", _("业绩不达标")
    LEAD = "lead", _("与主管关系")
    CAREER = "career", _("个人发展")
    PERSONAL = "personal", _("家庭/个人原因")
    DISMISSED = "dismissed", _("公司辞退")
    OTHER = "other", _("其他")


class TrainingKind(models.TextChoices):
    ONBOARDING = "onboarding", _("入职培训")
    PRODUCT = "product", _("产品培训")
    PROJECT = "project", _("项目调研及推进技能")
    OTHER = "other", _("其他")


class Decision(models.TextChoices):
    """What a structure review decided (S-HR-2)."""

    EXPAND = "expand", _("扩编")
    KEEP = "keep", _("维持")
    REDUCE = "reduce", _("缩编")
    ADJUST = "adjust", _("调整结构")
    DEFERRED = "deferred", _("暂缓决定")


class EmployeeState(models.TextChoices):
    """How the lead found the employee in the monthly talk (S-HR-5)."""

    GOOD = "good", _("状态好")
    NORMAL = "normal", _("一般")
    CONCERN = "concern", _("需关注")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("积极")
    NEUTRAL = "neutral", _("中性")
    CONCERN = "concern", _("有隐患")


class NoteKind(models.TextChoices):
    INTERACTION = "interaction", _("日常互动")
    REPORTING = "reporting", _("工作汇报")
    CONFLICT = "conflict", _("矛盾/投诉")
    OTHER = "other", _("其他")
