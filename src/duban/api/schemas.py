"""What every area's endpoints share: references to related records, times in Shanghai,
the subject a supervision record is about, and the shape of errors."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from ninja import Schema
from pydantic import PlainSerializer, WithJsonSchema


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


# stored in UTC, given in Asia/Shanghai with its offset (2026-03-05T09:30:00+08:00)
LocalDateTime = Annotated[dt.datetime, PlainSerializer(_local, return_type=str)]
# money is never a float: 元 to the fen, as text ("12500.00")
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["12500.00"]}),
]


class Ref(Schema):
    """A related record: its key and name."""

    id: int
    name: str


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.display_name


class SubjectRef(Schema):
    """What a supervision record is about: ``kind`` is ``app_label.model``."""

    kind: str
    id: int


def subject_of(obj) -> dict | None:
    if not obj.subject_type_id or obj.subject_id is None:
        return None
    kind = ContentType.objects.get_for_id(obj.subject_type_id)
    return {"kind": f"{kind.app_label}.{kind.model}", "id": obj.subject_id}


class Detail(Schema):
    detail: str


class Problem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Invalid(Schema):
    detail: list[Problem]


# the refusals every endpoint may answer with (documented in the OpenAPI schema)
READ_ERRORS = {401: Detail, 404: Detail, 422: Invalid, 429: Detail}
WRITE_ERRORS = {**READ_ERRORS, 403: Detail, 409: Detail}
