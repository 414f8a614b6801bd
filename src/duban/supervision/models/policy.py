from django.db import models
from django.utils.translation import gettext_lazy as _

from duban.supervision.choices import Area


class AreaPolicy(models.Model):
    """How the engine treats one area's risks: when it demands a plan by itself (倒逼), how
    long the lead has to submit, whether the plan must forecast what could still go wrong."""

    area = models.CharField(_("领域"), max_length=20, choices=Area, unique=True)
    auto_demand_after = models.PositiveSmallIntegerField(
        _("自动倒逼（工作日）"),
        default=1,
        help_text=_(
            "红色风险过了这么多个工作日仍没有方案时，系统自动向责任主管要方案；0 表示不自动"
        ),
    )
    submit_within = models.PositiveSmallIntegerField(
        _("提交期限（工作日）"), default=2, help_text=_("自动倒逼的方案须在这么多个工作日内提交")
    )
    requires_forecast = models.BooleanField(
        _("方案须含风险预判"),
        default=False,
        help_text=_("提交方案时必须写明还可能出什么问题、备用办法是什么（S-ONE-2）"),
    )

    class Meta:
        ordering = ["area"]
        verbose_name = _("领域督办设置")
        verbose_name_plural = _("领域督办设置")

    def __str__(self) -> str:
        return self.get_area_display()

    @classmethod
    def for_area(cls, area: str) -> "AreaPolicy":
        """The area's policy; the defaults when none was saved (nothing is written)."""
        return cls.objects.filter(area=area).first() or cls(area=area)
