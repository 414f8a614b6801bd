"""Who is calling: a personal token in ``Authorization: Bearer <token>``.

The token's user becomes ``request.auth_user`` (and ``request.user``, so the history of every
record a request changes names them); every endpoint scopes what it reads and writes to that
user exactly as the pages do. A missing, unknown or revoked token, or one of a user no longer
active, is a 401; a token past its rate this minute is a 429 (duban.api.services.token_use).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from duban.api.errors import RateLimited, Unauthorized
from duban.api.services import token_find, token_use


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = token_find(token.strip())
        if found is None:
            raise Unauthorized(_("API 令牌无效或已撤销。"))
        if not found.user.is_active:
            raise Unauthorized(_("这个令牌所属的账号已停用。"))
        wait = token_use(token=found)
        if wait is not None:
            raise RateLimited(wait)
        request.auth_user = request.user = found.user
        return found


def signed_in_or_token(view):
    """The API's schema and its docs page: for a signed-in user, or a program with a token
    (no rate is counted for these); anyone else is sent to the login page."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        has_token = scheme.lower() == "bearer" and _live_token_user(token.strip()) is not None
        if not (request.user.is_authenticated or has_token):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded


def _live_token_user(token: str):
    found = token_find(token)
    return found.user if found is not None and found.user.is_active else None
