"""What receivables put under supervision (see duban.supervision.registry)."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from duban.org.models import Team
from duban.receivables.models import Receivable, Settings
from duban.supervision.choices import Area
from duban.supervision.registry import subject_kind, table_kind

LARGE_DUE_SOON_DAYS = 14


def large_due(today: dt.date):
    """Large amounts due within two weeks or overdue: followed weekly when a rule follows
    receivables (S-AR-4)."""
    return (
        Receivable.objects.open()
        .filter(
            outstanding__gte=Settings.current().large_amount,
            due_date__lte=today + dt.timedelta(days=LARGE_DUE_SOON_DAYS),
        )
        .select_related("customer")
        .order_by("due_date", "pk")
    )


subject_kind(
    Receivable,
    label=_("应收款"),
    lead=lambda receivable: receivable.lead_id,
    items=large_due,
)


def teams_owed(today: dt.date):
    """Teams with money outstanding keep their AR table current."""
    # EXISTS per team, stopping at its first open receivable, rather than a join over them all
    owed = Receivable.objects.open().filter(team=OuterRef("pk"), outstanding__gt=0)
    return Team.objects.filter(Exists(owed), is_active=True)


AR_TABLE = table_kind(
    "ar_table",
    area=Area.RECEIVABLES,
    label=gettext_noop("应收账表"),
    stale_days=16,  # updated twice a month (S-AR-2)
    seed_ref="S-AR-2",
    teams=teams_owed,
    url_name="receivables:version_list",
)
