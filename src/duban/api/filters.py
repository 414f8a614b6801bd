"""A list's query parameters. Where the page has a filter set (STYLE §6), the API uses that
very set: its filters are described to the OpenAPI schema as typed parameters (so bad values
are refused before any query), then the set itself filters, offering only what the user may
see (a team out of scope is a 422, as the page's form refuses it)."""

import datetime as dt
from typing import Annotated, Literal

import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import create_model, model_validator

from duban.api.errors import invalid

MAX_ID = 2**53  # keys are positive and far below this; larger numbers are refused as input
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = Annotated[str, Field(max_length=100)]


def choice(choices) -> type:
    """A Literal of a TextChoices' values, of (value, label) pairs or of values: an enum in
    the OpenAPI schema."""
    values = getattr(choices, "values", None) or [
        item[0] if isinstance(item, tuple | list) else item for item in choices
    ]
    return Literal[tuple(str(v) for v in values if v != "")]


def query_schema(filterset, name: str) -> type[Schema]:
    """The query parameters of ``filterset``'s filters, typed, each optional."""
    fields = {
        field: (_type_of(flt) | None, Field(None, description=flt.label or field))
        for field, flt in filterset.base_filters.items()
    }
    return create_model(name, __base__=Schema, **fields)


def _type_of(flt) -> type:
    if isinstance(flt, django_filters.ModelChoiceFilter):
        return Id
    if isinstance(flt, django_filters.MultipleChoiceFilter):
        return list[choice(flt.extra["choices"])]
    if isinstance(flt, django_filters.ChoiceFilter) and flt.extra.get("choices"):
        return choice(flt.extra["choices"])
    if isinstance(flt, django_filters.BooleanFilter):
        return bool
    if isinstance(flt, django_filters.DateFilter):
        return dt.date
    if isinstance(flt, django_filters.NumberFilter):
        bounds = {k: flt.extra[k] for k in ("min_value", "max_value") if k in flt.extra}
        return Annotated[int, Field(ge=bounds.get("min_value"), le=bounds.get("max_value"))]
    return Text


def apply(filterset_class, queryset, params: Schema, **kwargs):
    """``queryset`` filtered by the filter set with ``params``; its refusals are a 422."""
    filterset = filterset_class(_querydict(params), queryset=queryset, **kwargs)
    if not filterset.is_valid():
        name, errors = next(iter(filterset.errors.items()))
        raise invalid(["query", name], errors[0])
    return filterset.qs


def _querydict(params: Schema) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in params.model_dump(exclude_none=True).items():
        values = value if isinstance(value, list) else [value]
        data.setlist(name, [_text(v) for v in values])
    return data


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class DateRange(Schema):
    """A list's date range: both ends included; the start may not follow the end."""

    date_from: dt.date | None = Field(None, description=_("开始日期（含）"))
    date_to: dt.date | None = Field(None, description=_("结束日期（含）"))

    @model_validator(mode="after")
    def _in_order(self):
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(str(_("开始日期不能晚于结束日期")))
        return self


def in_range(queryset, field: str, dates: DateRange):
    if dates.date_from:
        queryset = queryset.filter(**{f"{field}__gte": dates.date_from})
    if dates.date_to:
        queryset = queryset.filter(**{f"{field}__lte": dates.date_to})
    return queryset


def team_in_scope(teams, pk: int | None, field: str = "team"):
    """The team ``pk`` among ``teams`` (those the user sees), or a 422; None when not given."""
    if pk is None:
        return None
    team = teams.filter(pk=pk).first()
    if team is None:
        raise invalid(["query", field], _("选择一个有效的选项：该团队不存在，或您无权查看。"))
    return team
