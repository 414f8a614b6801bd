"""Writes on API tokens: make one (shown once), revoke one, and count each use."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.api.models import ApiToken

SCHEME = "duban_"  # every token starts so: a secret scanner (or a person) can tell what it is
LIVE_TOKENS_PER_USER = 20


def digest(token: str) -> str:
    """What is kept of a token: its SHA-256. The token is 256 random bits, so a digest is
    as good as a slow password hash here, and lets a request find its token by an index."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``: the record, and the token itself, which is never kept and
    can only be shown now."""
    if ApiToken.objects.filter(user=user).live().count() >= LIVE_TOKENS_PER_USER:
        raise ValidationError(
            _("您已有 %(n)d 个有效令牌，请先撤销不用的令牌。") % {"n": LIVE_TOKENS_PER_USER}
        )
    prefix = f"{SCHEME}{secrets.token_hex(4)}"
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=prefix, key_hash=digest(token)
    )
    return record, token


def token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke one's own token: every request with it is refused from now on."""
    if token.user_id != by.pk:
        raise ValidationError(_("只能撤销自己的令牌。"))
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token


def token_find(raw: str) -> ApiToken | None:
    """The token a request presents, with its user, if it is one of ours and not revoked."""
    if not raw.startswith(SCHEME) or len(raw) > 100:
        return None
    return ApiToken.objects.live().select_related("user").filter(key_hash=digest(raw)).first()


def token_use(*, token: ApiToken, now: dt.datetime | None = None) -> int | None:
    """Count a request against the token's rate (settings.API_RATE a minute) and record when
    it was last used. Returns None when the request may go on, or the seconds until the next
    minute when the token has used up this one.

    The count lives on the token's row and moves by conditional UPDATEs, which the database
    applies one at a time: the limit holds across processes and app servers, unlike Django's
    default cache (a per-process LocMem) or a cache-based throttle (django-ninja's reads the
    history, appends and writes it back, so concurrent requests overwrite each other's count,
    even in Django's DatabaseCache). It costs one small UPDATE per request (two in the first
    request of a minute), the same one that records the last use. The window is the calendar
    minute: at most twice the rate can arrive across a minute's boundary.
    """
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    rows = ApiToken.objects.filter(pk=token.pk)
    counted = {"window_count": F("window_count") + 1, "last_used_at": now}
    in_window = rows.filter(window_start=window, window_count__lt=settings.API_RATE)
    # another minute than this (a later one too: app servers' clocks may differ by a second)
    stale = ~Q(window_start=window) | Q(window_start__isnull=True)
    if (
        in_window.update(**counted)
        or rows.filter(stale).update(window_start=window, window_count=1, last_used_at=now)
        or in_window.update(**counted)  # another request opened this minute meanwhile
    ):
        return None
    return 60 - now.second
