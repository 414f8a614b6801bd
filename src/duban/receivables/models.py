from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.core.models import MONEY, ImportedRows, VersionedModel
from duban.core.urls import detail_url
from duban.org.choices import Role
from duban.org.models import Employee, Team, User
from duban.org.scoping import scope
from duban.partners.models import Partner
from duban.receivables.choices import AgingBasis, Category, ReceivableStatus
from duban.supervision.choices import Channel

HALF_FEN = Decimal("0.005")
EDITORS = {Role.ADMIN, Role.SUPERVISOR, Role.LEAD}


class ReceivableQuerySet(models.QuerySet):
    def visible_to(self, user):
        """By team, as everywhere; members keep no receivables."""
        if user.is_authenticated and user.role == Role.MEMBER:
            return self.none()
        return scope(self, user)

    def open(self):
        return self.filter(status=ReceivableStatus.OPEN)


class Receivable(ImportedRows, VersionedModel):
    """One amount owed (应收款): an invoice, a retention, a prepayment or an in-sale payment."""

    # unique by a constraint (below), not unique=True: on PostgreSQL that would add a second,
    # text-pattern index that no query here uses and every insert must maintain
    number = models.CharField(_("单号"), max_length=60)
    # the composite indexes below start with these columns: no index of their own, which
    # every insert of a large import would also have to maintain
    customer = models.ForeignKey(
        Partner,
        verbose_name=_("客户"),
        on_delete=models.PROTECT,
        related_name="receivables",
        db_index=False,
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("团队"),
        on_delete=models.PROTECT,
        related_name="receivables",
        db_index=False,
    )
    lead = models.ForeignKey(
        User,
        verbose_name=_("负责主管"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receivables",
    )
    salesperson = models.ForeignKey(
        Employee,
        verbose_name=_("业务员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receivables",
    )
    project_name = models.CharField(_("项目"), max_length=200, blank=True)
    category = models.CharField(
        _("类别"), max_length=20, choices=Category, default=Category.HISTORICAL
    )
    invoice_date = models.DateField(_("开票日期"), null=True, blank=True)
    due_date = models.DateField(_("到期日"), null=True, blank=True)
    agreed_payment_date = models.DateField(_("约定付款日"), null=True, blank=True)
    warranty_due_date = models.DateField(_("质保到期日"), null=True, blank=True)
    amount = models.DecimalField(_("应收金额"), **MONEY, validators=[MinValueValidator(0)])
    paid = models.DecimalField(_("已回款"), **MONEY, default=Decimal("0.00"))
    outstanding = models.DecimalField(_("未回款"), **MONEY)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReceivableStatus, default=ReceivableStatus.OPEN
    )
    settled_on = models.DateField(_("结清日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    objects = ReceivableQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["batch"])

    class Meta:
        ordering = ["due_date", "number"]
        verbose_name = _("应收款")
        verbose_name_plural = _("应收款")
        indexes = [
            models.Index(fields=["team", "status", "due_date"], name="receivable_team_status_due"),
            models.Index(fields=["status", "due_date"], name="receivable_status_due"),
            models.Index(fields=["customer", "status"], name="receivable_customer_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="receivable_number_unique"),
            # within half a fen: SQLite compares decimals as floating point
            models.CheckConstraint(
                condition=Q(outstanding__gte=F("amount") - F("paid") - HALF_FEN)
                & Q(outstanding__lte=F("amount") - F("paid") + HALF_FEN),
                name="receivable_outstanding_is_amount_less_paid",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReceivableStatus.SETTLED) | Q(outstanding__lte=0),
                name="receivable_settled_owes_nothing",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return detail_url("receivables:receivable_detail", self.pk)

    def can_be_edited_by(self, user) -> bool:
        return user.role in EDITORS


class Payment(models.Model):
    """Money received against a receivable."""

    receivable = models.ForeignKey(Receivable, on_delete=models.CASCADE, related_name="payments")
    date = models.DateField(_("到账日期"))
    amount = models.DecimalField(
        _("金额"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    by = models.ForeignKey(User, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("回款")
        verbose_name_plural = _("回款")

    def __str__(self) -> str:
        return f"{self.receivable} {self.date} {self.amount}"


class PlanLine(models.Model):
    """One line of the collection plan (回款计划): how much is expected when, and the rhythm."""

    receivable = models.ForeignKey(Receivable, on_delete=models.CASCADE, related_name="plan_lines")
    planned_date = models.DateField(_("计划日期"))
    amount = models.DecimalField(
        _("计划金额"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    rhythm = models.CharField(_("催款节奏"), max_length=200, blank=True)
    by = models.ForeignKey(User, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True)

    class Meta:
        ordering = ["planned_date", "pk"]
        verbose_name = _("回款计划")
        verbose_name_plural = _("回款计划")
        indexes = [
            models.Index(fields=["receivable", "planned_date"], name="planline_receivable_date"),
            # the plan lines of a month (the scorecard, the dashboards' planned money)
            models.Index(fields=["planned_date", "receivable"], name="planline_date_receivable"),
        ]

    def __str__(self) -> str:
        return f"{self.receivable} {self.planned_date} {self.amount}"


class DunningAction(models.Model):
    """A collection action (催款): who was chased how, what they said and promised."""

    receivable = models.ForeignKey(Receivable, on_delete=models.CASCADE, related_name="actions")
    date = models.DateField(_("日期"))
    channel = models.CharField(_("方式"), max_length=10, choices=Channel, default=Channel.PHONE)
    result = models.TextField(_("结果"))
    promised_date = models.DateField(_("承诺付款日"), null=True, blank=True)
    promised_amount = models.DecimalField(_("承诺金额"), **MONEY, null=True, blank=True)
    by = models.ForeignKey(User, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("催款记录")
        verbose_name_plural = _("催款记录")
        indexes = [models.Index(fields=["receivable", "date"], name="action_receivable_date")]

    def __str__(self) -> str:
        return f"{self.receivable} {self.date}"


class Settings(models.Model):
    """The receivables settings of the company: one row."""

    aging_basis = models.CharField(
        _("账龄计算口径"), max_length=10, choices=AgingBasis, default=AgingBasis.DUE
    )
    large_amount = models.DecimalField(
        _("大额款项标准（元）"), **MONEY, default=Decimal("500000.00")
    )

    class Meta:
        verbose_name = _("回款设置")
        verbose_name_plural = _("回款设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "Settings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings
