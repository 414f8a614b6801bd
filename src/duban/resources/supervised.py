"""What resources put under supervision (see duban.supervision.registry)."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from duban.org.models import Team
from duban.resources.choices import OPEN_HANDOVER
from duban.resources.models import Handover, Resource
from duban.resources.selectors import cover_record
from duban.supervision.choices import Area
from duban.supervision.registry import daily, subject_kind, table_kind

subject_kind(Resource, label=_("资源"))


def handovers_open(today: dt.date):
    """Hand-overs planned up to today and not yet received: followed daily when a rule follows
    hand-overs (S-RES-2, S-RES-7)."""
    return (
        Handover.objects.filter(status__in=OPEN_HANDOVER, planned_on__lte=today)
        .select_related("from_employee", "to_employee")
        .order_by("planned_on", "pk")
    )


subject_kind(Handover, label=_("资源流转"), team_path="to_team", items=handovers_open)


def teams_with_resources(today: dt.date):
    """Teams that hold resources keep their big table current."""
    held = Resource.objects.filter(team=OuterRef("pk"))
    return Team.objects.filter(Exists(held), is_active=True)


RESOURCE_TABLE = table_kind(
    "resource_table",
    area=Area.RESOURCES,
    label=gettext_noop("资源大表"),
    stale_days=7,  # updated weekly (S-RES-1)
    seed_ref="S-RES-1",
    teams=teams_with_resources,
    url_name="resources:version_list",
)

daily("resources_cover")(cover_record)
