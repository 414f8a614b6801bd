"""Partners as subjects of supervision (see duban.supervision.registry)."""

from django.utils.translation import gettext_lazy as _

from duban.partners.models import Partner
from duban.supervision.registry import subject_kind

subject_kind(Partner, label=_("往来单位"), team_path=None)
