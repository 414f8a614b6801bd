"""Receivables with their payments, collection plan lines and dunning actions."""

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from duban.api.filters import Id, apply, query_schema
from duban.api.pagination import Pages
from duban.api.schemas import READ_ERRORS, Money, Ref, UserRef
from duban.core.access import get_object_for_user
from duban.receivables.filters import ReceivableFilterSet
from duban.receivables.models import DunningAction, Payment, PlanLine, Receivable, Settings

router = Router(tags=[gettext_lazy("回款")])


class ReceivableOut(Schema):
    id: int
    version: int
    number: str
    customer: Ref
    team: Ref
    lead: UserRef | None
    salesperson: Ref | None
    project_name: str
    category: str
    invoice_date: dt.date | None
    due_date: dt.date | None
    agreed_payment_date: dt.date | None
    warranty_due_date: dt.date | None
    amount: Money
    paid: Money
    outstanding: Money
    status: str
    settled_on: dt.date | None
    note: str


class PaymentOut(Schema):
    id: int
    date: dt.date
    amount: Money
    note: str


class PlanLineOut(Schema):
    id: int
    planned_date: dt.date
    amount: Money
    rhythm: str


class ActionOut(Schema):
    id: int
    date: dt.date
    channel: str
    result: str
    promised_date: dt.date | None
    promised_amount: Money | None


class ReceivableDetail(ReceivableOut):
    payments: list[PaymentOut]
    plan_lines: list[PlanLineOut]
    actions: list[ActionOut]


ReceivableFilters = query_schema(ReceivableFilterSet, "ReceivableFilters")


def _receivables():
    return Receivable.objects.select_related("customer", "team", "lead", "salesperson")


@router.get(
    "/receivables",
    response=list[ReceivableOut],
    summary=gettext_lazy("应收款列表"),
    url_name="receivable_list",
)
@paginate(Pages)
def receivable_list(request, filters: Query[ReceivableFilters]):
    user = request.auth_user
    found = apply(
        ReceivableFilterSet,
        _receivables().visible_to(user),
        filters,
        user=user,
        today=timezone.localdate(),
        settings=Settings.current(),
    )
    return found.order_by("due_date", "number", "pk")


@router.get(
    "/receivables/{id}",
    response={200: ReceivableDetail, **READ_ERRORS},
    summary=gettext_lazy("应收款（含回款、回款计划、催款记录）"),
    url_name="receivable",
)
def receivable_detail(request, id: Id):
    rows = _receivables().prefetch_related(
        Prefetch("payments", queryset=Payment.objects.order_by("-date", "-pk")),
        Prefetch("plan_lines", queryset=PlanLine.objects.order_by("planned_date", "pk")),
        Prefetch("actions", queryset=DunningAction.objects.order_by("-date", "-pk")),
    )
    return get_object_for_user(rows, request.auth_user, pk=id)
