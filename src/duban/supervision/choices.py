from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The areas of the seed; every rule, check-in, matter and risk belongs to one."""

    RESOURCES = "resources", _("资源管理")
    PEOPLE = "people", _("人力资源")
    LEADS = "leads", _("销线")
    PROJECTS = "projects", _("项目")
    RECEIVABLES = "receivables", _("回款")
    AFTERSALES = "aftersales", _("售后")
    GENERAL = "general", _("单件事")


class Cadence(models.TextChoices):
    DAILY = "daily", _("每日")
    TWICE_WEEKLY = "twice_weekly", _("每周两次（周二、周五）")
    WEEKLY = "weekly", _("每周（周首个工作日）")
    TWICE_MONTHLY = "twice_monthly", _("每月两次（1日、16日）")
    MONTHLY = "monthly", _("每月（月首个工作日）")
    WEEKDAYS = "weekdays", _("自定义：每周几")
    MONTH_DAYS = "month_days", _("自定义：每月几号")


class ScopeKind(models.TextChoices):
    TEAM = "team", _("一个团队")
    LINE = "line", _("一个条线的团队")
    ALL = "all", _("全部团队")


class Channel(models.TextChoices):
    FACE = "face", _("面谈")
    PHONE = "phone", _("电话")
    WECOM = "wecom", _("企业微信")
    DINGTALK = "dingtalk", _("钉钉")
    FEISHU = "feishu", _("飞书")
    MEETING = "meeting", _("会议")


class CheckInStatus(models.TextChoices):
    PLANNED = "planned", _("待跟进")
    DONE = "done", _("已跟进")
    WAIVED = "waived", _("已免除")


class Outcome(models.TextChoices):
    """The result collected (结果回收) of the work a check-in followed."""

    DONE = "done", _("已完成")
    PARTLY = "partly", _("部分完成")
    NOT_DONE = "not_done", _("未完成")


class Priority(models.TextChoices):
    URGENT = "urgent", _("紧急")
    HIGH = "high", _("高")
    NORMAL = "normal", _("普通")


class MatterStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    IN_PROGRESS = "in_progress", _("处理中")
    AWAITING_VERIFICATION = "awaiting", _("待验证")
    LANDED = "landed", _("已落地")
    FAILED = "failed", _("未落地")
    CANCELLED = "cancelled", _("已取消")


class RiskLevel(models.TextChoices):
    RED = "red", _("红")
    YELLOW = "yellow", _("黄")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("未处理")
    PLANNING = "planning", _("方案中")
    MITIGATED = "mitigated", _("方案已落地")
    RESOLVED = "resolved", _("已消除")


class PlanStatus(models.TextChoices):
    DEMANDED = "demanded", _("待提交")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("执行中")
    LANDED = "landed", _("已落地")
    FAILED = "failed", _("未落地")
    CANCELLED = "cancelled", _("已取消")


class Escalation(models.IntegerChoices):
    NONE = 0, _("未升级")
    LEAD = 1, _("逾期，已提醒主管")
    SUPERVISOR = 2, _("逾期 2 个工作日以上，已通报条线")


OPEN_MATTER_STATUSES = [
    MatterStatus.OPEN,
    MatterStatus.IN_PROGRESS,
    MatterStatus.AWAITING_VERIFICATION,
]
ACTIVE_RISK_STATUSES = [RiskStatus.OPEN, RiskStatus.PLANNING]
PENDING_PLAN_STATUSES = [PlanStatus.DEMANDED, PlanStatus.RETURNED]
LIVE_PLAN_STATUSES = [*PENDING_PLAN_STATUSES, PlanStatus.SUBMITTED, PlanStatus.APPROVED]
