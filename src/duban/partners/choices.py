from django.db import models
from django.utils.translation import gettext_lazy as _


class Condition(models.TextChoices):
    """A partner's business condition as the supervisor knows it (S-AR-4, S-AR-5)."""

    NORMAL = "normal", _("正常")
    WATCH = "watch", _("关注")
    RISKY = "risky", _("风险")
