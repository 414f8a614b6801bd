"""What projects put under supervision (see duban.supervision.registry)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from duban.org.models import Team
from duban.projects.models import Project
from duban.projects.selectors import follow_up_days
from duban.supervision.choices import Area, Cadence
from duban.supervision.registry import default_rule, subject_kind, table_kind


def projects_followed(today: dt.date):
    return Project.objects.active().select_related("team")


subject_kind(
    Project,
    label=_("项目"),
    lead=lambda project: project.lead_id,
    items=projects_followed,
    dates=follow_up_days,  # by its class: the class changes, the check-ins follow
    cadence_label=lambda project: str(project.get_cycle_display()),
)


def teams_with_projects(today: dt.date):
    return Team.objects.filter(projects__in=Project.objects.active(), is_active=True).distinct()


PROJECT_TABLE = table_kind(
    "project_table",
    area=Area.PROJECTS,
    label=gettext_noop("项目表"),
    stale_days=7,
    seed_ref="S-PRJ-1",
    teams=teams_with_projects,
    url_name="projects:version_list",
)

default_rule(  # made by migration 0002 (S-PRJ-2/3/4)
    area=Area.PROJECTS,
    title="项目按周期跟进",
    cadence=Cadence.WEEKLY,  # each project's class gives its own days
    seed_ref="S-PRJ-2",
    subject_kind="projects.project",
)
