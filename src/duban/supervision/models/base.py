from django.db import models
from django.utils.translation import gettext_lazy as _

from duban.supervision.choices import Escalation


class Escalating(models.Model):
    """Something with a due date that `duban tick` escalates when it is overdue."""

    escalation = models.PositiveSmallIntegerField(
        _("升级"), choices=Escalation, default=Escalation.NONE
    )
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)

    class Meta:
        abstract = True
