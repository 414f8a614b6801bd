from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    URGENT = "urgent", _("紧急")
    HIGH = "high", pgettext_lazy("severity", "高")
    NORMAL = "normal", _("普通")


class CaseStatus(models.TextChoices):
    """new → accepted → in progress → resolved → closed; a closed or resolved case may be
    reopened (S-AS-1)."""

    NEW = "new", _("新登记")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("处理中")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已关闭")
    REOPENED = "reopened", _("重新打开")


OPEN_CASES = [CaseStatus.NEW, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED]


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    WECOM = "wecom", _("企业微信")
    EMAIL = "email", _("邮件")
    VISIT = "visit", _("上门")
    OTHER = "other", _("其他")


class Responsibility(models.TextChoices):
    """Who answers for the case (定责, S-AS-1)."""

    FRONT = "front", _("前端")
    BACK = "back", _("后端")
    PRODUCT = "product", _("产品")
    PARTNER = "partner", _("合作方")
    THIRD = "third", _("第三方")
    NONE = "none", _("无责")
