from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.choices import Role
from duban.org.models import Team, User
from duban.partners.choices import Condition
from duban.partners.registry import dealt_with_by


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admin and executives see every partner; others those their teams deal with in
        any area (duban.partners.registry.dealings); members none."""
        if not user.is_authenticated or not user.is_active or user.role == Role.MEMBER:
            return self.none()
        if user.sees_all:
            return self.all()
        return self.filter(dealt_with_by(Team.objects.visible_to(user)))


class Partner(VersionedModel):
    """A partner (往来单位) the areas share: a payer of receivables, a cooperating partner of
    sales leads and projects, the customer of an after-sales case; its credit terms and its
    business condition."""

    name = models.CharField(_("客户名称"), max_length=100, unique=True)
    code = models.CharField(_("客户编码"), max_length=40, blank=True)
    credit_days = models.PositiveIntegerField(_("账期（天）"), default=0)
    fixed_partner = models.BooleanField(_("固定合作单位"), default=False)
    condition = models.CharField(
        _("经营状况"), max_length=10, choices=Condition, default=Condition.NORMAL
    )

    # who recorded the condition as it stands, for whom (who may change it: services)
    condition_by = models.ForeignKey(
        User,
        verbose_name=_("经营状况记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    condition_team = models.ForeignKey(
        Team,
        verbose_name=_("经营状况记录团队"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("往来单位")
        verbose_name_plural = _("往来单位")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_url("partners:partner_detail", self.pk)


class ConditionNote(models.Model):
    """A dated note on a partner's business condition (what was learnt, from whom)."""

    customer = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("日期"))
    condition = models.CharField(_("经营状况"), max_length=10, choices=Condition)
    note = models.TextField(_("情况"))
    by = models.ForeignKey(User, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("记录团队"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("经营状况记录")
        verbose_name_plural = _("经营状况记录")

    def __str__(self) -> str:
        return f"{self.customer} {self.date}"
