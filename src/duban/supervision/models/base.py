from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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


class About(models.Model):
    """What a supervision record is about: any object of a registered subject kind
    (duban.supervision.registry.subject_kind), or nothing beyond its team.

    Indexed by (subject_type, subject_id) in each model, so a page can list everything open
    about one object."""

    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    class Meta:
        abstract = True

    def set_subject(self, obj) -> None:
        self.subject_type = ContentType.objects.get_for_model(obj) if obj is not None else None
        self.subject_id = obj.pk if obj is not None else None
