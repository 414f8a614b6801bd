"""Writes on receivables: payments, collection plans, dunning actions."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from duban.core.transitions import TransitionError
from duban.receivables.choices import ReceivableStatus
from duban.receivables.models import (
    EDITORS,
    DunningAction,
    Payment,
    PlanLine,
    Receivable,
)


def _require_editor(user) -> None:
    if user.role not in EDITORS:
        raise PermissionDenied


def payment_add(*, receivable: Receivable, by, date: dt.date, amount: Decimal, note="") -> Payment:
    """Record money received; the receivable's paid and outstanding follow, settled at zero."""
    _require_editor(by)
    with transaction.atomic():
        current = Receivable.objects.select_for_update().get(pk=receivable.pk)
        if amount > current.outstanding:
            raise TransitionError(
                _("回款金额 %(amount)s 超过未回款金额 %(outstanding)s。")
                % {"amount": f"{amount:,.2f}", "outstanding": f"{current.outstanding:,.2f}"}
            )
        payment = Payment.objects.create(
            receivable=current, date=date, amount=amount, note=note, by=by
        )
        current.paid += amount
        current.outstanding = current.amount - current.paid
        if current.outstanding == 0:
            current.status, current.settled_on = ReceivableStatus.SETTLED, date
        current.version += 1
        current.save()
    return payment


def plan_line_add(*, receivable: Receivable, by, planned_date, amount, rhythm="") -> PlanLine:
    _require_editor(by)
    if receivable.status != ReceivableStatus.OPEN:
        raise TransitionError(_("这笔款已结清，无需再列回款计划。"))
    if amount > receivable.outstanding:
        raise TransitionError(
            _("计划金额 %(amount)s 超过未回款金额 %(outstanding)s。")
            % {"amount": f"{amount:,.2f}", "outstanding": f"{receivable.outstanding:,.2f}"}
        )
    return PlanLine.objects.create(
        receivable=receivable, planned_date=planned_date, amount=amount, rhythm=rhythm, by=by
    )


def action_add(*, receivable: Receivable, by, **fields) -> DunningAction:
    _require_editor(by)
    return DunningAction.objects.create(receivable=receivable, by=by, **fields)
