"""The JSON API at /api/v1/: every area's routers behind token authentication, its OpenAPI
schema at /api/v1/openapi.json and the docs page at /api/v1/docs (Swagger UI from
django-ninja's own static files) for signed-in users and token holders."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from duban.api import errors
from duban.api.auth import TokenAuth, signed_in_or_token
from duban.api.routers import (
    aftersales,
    imports,
    leads,
    org,
    people,
    projects,
    receivables,
    resources,
    supervision,
)

NAMESPACE = "api-v1"


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese as it is, not \uXXXX escapes


api = NinjaAPI(
    title=_("督办 API"),
    version="1",
    description=_(
        "督办的 JSON 接口。在“API 令牌”页面创建个人令牌，请求时放在请求头里："
        "`Authorization: Bearer <令牌>`。"
        "令牌代表您本人：只能看到和修改您在页面上能看到和修改的数据。"
        "列表按 `limit`（默认 50，最多 200）和 `offset` 分页。每个令牌每分钟的请求数有上限，"
        "超出时返回 429，请按 `Retry-After` 头等待。"
    ),
    auth=TokenAuth(),
    urls_namespace=NAMESPACE,
    docs_decorator=signed_in_or_token,
    renderer=Renderer(),
)
errors.install(api)

for module in (org, supervision, resources, people, leads, projects, receivables, aftersales):
    api.add_router("/", module.router)
api.add_router("/", imports.router)
