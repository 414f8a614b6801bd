from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    HISTORICAL = "historical", _("已开票到账期")
    FIXED_TERM = "fixed_term", _("固定合作账期")
    WARRANTY = "warranty", _("质保金")
    PREPAYMENT = "prepayment", _("预付款")
    IN_SALE = "in_sale", _("售中货款")


class ReceivableStatus(models.TextChoices):
    OPEN = "open", _("未结清")
    SETTLED = "settled", _("已结清")


class AgingBasis(models.TextChoices):
    INVOICE = "invoice", _("按开票日期（账龄）")
    DUE = "due", _("按到期日（逾期）")


class Bucket(models.TextChoices):
    """Aging buckets; with NOT_DUE and UNDATED they always add up to the outstanding total."""

    NOT_DUE = "not_due", _("未到期")
    D30 = "d30", _("0–30天")
    D60 = "d60", _("31–60天")
    D90 = "d90", _("61–90天")
    D180 = "d180", _("91–180天")
    D365 = "d365", _("181–365天")
    OVER_365 = "over365", _("365天以上")
    UNDATED = "undated", _("无日期")


BUCKET_UPPER_DAYS = {  # the last day of each dated bucket
    Bucket.D30: 30,
    Bucket.D60: 60,
    Bucket.D90: 90,
    Bucket.D180: 180,
    Bucket.D365: 365,
}
