"""The API's errors: JSON bodies with a message in the user's language (Chinese by default).

Every refusal is ``{"detail": "…"}``, except invalid input (422), whose ``detail`` lists each
problem as django-ninja does, ``{"loc": [...], "msg": "…", "type": "…"}``, with ``msg``
translated. Faults of ours are not caught here: they are logged and answered by Django's 500.
"""

import re
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja.errors import AuthenticationError, HttpError, ValidationError

from duban.core.services import StaleEditError
from duban.core.transitions import TransitionError


class Unauthorized(AuthenticationError):
    """A token was presented and refused (unknown, revoked, or of an inactive user)."""

    def __init__(self, message: str):
        super().__init__(401, message)


class RateLimited(HttpError):
    """The token made as many requests this minute as it may."""

    def __init__(self, wait: int):
        self.wait = wait
        super().__init__(429, _("请求太频繁，请 %(n)d 秒后再试。") % {"n": wait})


def invalid(loc: list, message: str, kind: str = "value_error") -> ValidationError:
    """A 422 for one problem the schema could not see (a team out of scope, say)."""
    return ValidationError([{"loc": loc, "msg": str(message), "type": kind}])


def install(api) -> None:
    handlers = {
        AuthenticationError: _unauthorized,
        RateLimited: _rate_limited,
        HttpError: _http_error,
        Http404: _not_found,
        PermissionDenied: _forbidden,
        StaleEditError: _conflict,
        TransitionError: _conflict,
        ValidationError: _invalid,
        DjangoValidationError: _invalid_django,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, partial(handler, api=api))


def _answer(api, request, status: int, detail):
    return api.create_response(request, {"detail": detail}, status=status)


def _unauthorized(request, exc, *, api):
    message = exc.message if isinstance(exc, Unauthorized) else _NO_TOKEN
    response = _answer(api, request, 401, str(message))
    response["WWW-Authenticate"] = 'Bearer realm="duban"'
    return response


def _rate_limited(request, exc, *, api):
    response = _answer(api, request, 429, str(exc))
    response["Retry-After"] = str(exc.wait)
    return response


def _http_error(request, exc, *, api):
    message = _NINJA_MESSAGES.get(exc.message, exc.message)
    return _answer(api, request, exc.status_code, str(message))


def _not_found(request, exc, *, api):
    return _answer(api, request, 404, _("没有找到这条记录，或您无权查看。"))


def _forbidden(request, exc, *, api):
    return _answer(api, request, 403, str(exc) or _("您没有权限执行这个操作。"))


def _conflict(request, exc, *, api):
    return _answer(api, request, 409, str(exc))


def _invalid(request, exc, *, api):
    return _answer(api, request, 422, [_translated(error) for error in exc.errors])


def _invalid_django(request, exc, *, api):
    errors = [{"loc": ["body"], "msg": m, "type": "value_error"} for m in exc.messages]
    return _answer(api, request, 422, errors)


_NO_TOKEN = gettext_lazy("请在请求头中提供 API 令牌：Authorization: Bearer <令牌>。")
_NINJA_MESSAGES = {
    "Cannot parse request body": gettext_lazy("请求内容无法解析，请发送正确的 JSON。"),
    "Method not allowed": gettext_lazy("不支持这个请求方法。"),
}
_DATE = gettext_lazy("日期格式应为 2026-03-05")
_CHOICE = gettext_lazy("可选值：%(expected)s")
_SHAPE = gettext_lazy("格式不对")
# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) → message
_MESSAGES = {
    "missing": gettext_lazy("必填"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "float_parsing": gettext_lazy("应为数字"),
    "float_type": gettext_lazy("应为数字"),
    "decimal_parsing": gettext_lazy("应为数字"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "date_parsing": _DATE,
    "date_type": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "time_parsing": gettext_lazy("时间格式应为 09:30"),
    "time_type": gettext_lazy("时间格式应为 09:30"),
    "datetime_parsing": gettext_lazy("时间格式应为 2026-03-05T09:30:00+08:00"),
    "datetime_type": gettext_lazy("时间格式应为 2026-03-05T09:30:00+08:00"),
    "greater_than": gettext_lazy("应大于 %(gt)s"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s"),
    "less_than": gettext_lazy("应小于 %(lt)s"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s"),
    "string_type": gettext_lazy("应为文字"),
    "string_too_short": gettext_lazy("至少 %(min_length)s 个字"),
    "string_too_long": gettext_lazy("最多 %(max_length)s 个字"),
    "string_pattern_mismatch": _SHAPE,
    "literal_error": _CHOICE,
    "enum": _CHOICE,
    "too_short": gettext_lazy("至少要有 %(min_length)s 项"),
    "too_long": gettext_lazy("最多 %(max_length)s 项"),
    "list_type": gettext_lazy("应为列表"),
    "dict_type": _SHAPE,
    "model_type": _SHAPE,
    "model_attributes_type": _SHAPE,
    "json_invalid": gettext_lazy("请求内容不是有效的 JSON"),
    "json_type": gettext_lazy("请求内容不是有效的 JSON"),
    "extra_forbidden": gettext_lazy("没有这个字段"),
    "value_error": None,  # our own validators: their message is already the user's
    "assertion_error": None,
}
_PREFIX = re.compile(r"^(Value error|Assertion failed), ")


def _translated(error: dict) -> dict:
    kind = error.get("type", "")
    template = _MESSAGES.get(kind, gettext_lazy("输入无效"))
    if template is None:
        message = _PREFIX.sub("", str(error.get("msg", "")))
    else:
        ctx = {k: _listed(v) for k, v in (error.get("ctx") or {}).items()}
        try:
            message = str(template) % ctx
        except (KeyError, TypeError, ValueError):
            message = str(template)
    return {"loc": list(error.get("loc", [])), "msg": message, "type": kind}


def _listed(value):
    """pydantic's "'a', 'b' or 'c'" as a Chinese list: 'a'、'b'、'c'."""
    return re.sub(r"', '|' or '", "'、'", value) if isinstance(value, str) else value
