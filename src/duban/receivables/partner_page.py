"""What receivables tell the partner page (duban.partners.registry)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.tables import paginate
from duban.partners.registry import dealings, section
from duban.receivables import selectors
from duban.receivables.aging import Bucket, aging_table
from duban.receivables.models import Receivable, Settings
from duban.receivables.tables import ReceivableTable

RECENT = 30


@dealings
def partners_owed_by(teams):
    """A team deals with the partners its receivables name."""
    return Receivable.objects.filter(team__in=teams).values("customer_id")


@section(title=_("回款"), template="receivables/_partner_section.html", order=60)
def receivables_of(partner, user, request) -> dict:
    receivables = selectors.receivables_for(user).filter(customer=partner)
    exposure = aging_table(
        receivables.open(), today=timezone.localdate(), basis=Settings.current().aging_basis
    )
    table = ReceivableTable(receivables, exclude=["customer"])  # the page is the partner's
    paginate(request, table)
    return {
        "exposure": exposure[0] if exposure else None,
        "buckets": Bucket.choices,
        "table": table,
        "actions": _recent(receivables, "actions"),
        "plan_lines": _recent(receivables, "plan_lines"),
    }


def _recent(receivables, relation):
    model = Receivable._meta.get_field(relation).related_model
    rows = model.objects.filter(receivable__in=receivables).select_related("receivable", "by")
    return rows[:RECENT]
