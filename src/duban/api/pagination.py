"""Pages of a list: ``?limit=`` rows (50 unless asked, at most 200) from ``?offset=``."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 10_000_000  # far past any table; a larger number is refused, not sent to SQL


class Pages(LimitOffsetPagination):
    """django-ninja's limit/offset pages, with the offset bounded (SQLite cannot bind a
    number past 2⁶³, and would answer a 500)."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=settings.NINJA_PAGINATION_MAX_LIMIT,
            description=_("每页行数（最多 200）"),
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description=_("从第几行开始（0 为第一行）"))
