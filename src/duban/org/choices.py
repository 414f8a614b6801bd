from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    SUPERVISOR = "supervisor", pgettext_lazy("role", "督办")
    EXECUTIVE = "executive", _("领导")
    LEAD = "lead", _("主管")
    MEMBER = "member", _("员工")


class TeamKind(models.TextChoices):
    FRONT = "front", _("前端（电销）")
    BACK = "back", _("后端（合作/交付）")


class EmployeeStatus(models.TextChoices):
    PROBATION = "probation", _("试用期")
    ACTIVE = "active", _("在职")
    ON_LEAVE = "on_leave", _("休假")
    LEFT = "left", _("离职")
