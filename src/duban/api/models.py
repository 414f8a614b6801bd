"""Personal API tokens: how a program signs in to the JSON API as one of Duban's users."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from duban.org.models import User


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A token is personal: its owner sees it (and only a short prefix of it), no one else."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)

    def live(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token (API 令牌) a user made for a program that works on their behalf.

    The token itself is shown once, when it is made; only its SHA-256 digest is kept (to find
    it) and a short visible prefix (to tell tokens apart). A request with it acts as its user,
    within that user's scope; a revoked token, or one of a user no longer active, is refused.
    """

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=50)
    prefix = models.CharField(_("令牌前缀"), max_length=20, editable=False)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    # the rate limit: the minute being counted and the requests counted in it (services.token_use)
    window_start = models.DateTimeField(_("计数分钟"), null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(_("本分钟请求数"), default=0, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
