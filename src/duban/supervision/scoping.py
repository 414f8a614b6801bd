"""Who sees which supervision records: by team, as everywhere (duban.org.scoping)."""

from django.db import models
from django.db.models import Q

from duban.org.choices import Role
from duban.org.scoping import scope

SUPERVISORS = {Role.ADMIN, Role.SUPERVISOR}


class TeamScopedQuerySet(models.QuerySet):
    """Admin and executives see all; a supervisor their lines; a lead their teams.

    Members see only what names them in ``member_field`` (nothing when it is None).
    """

    member_field: str | None = None

    def visible_to(self, user):
        if user.is_authenticated and user.is_active and user.role == Role.MEMBER:
            if self.member_field is None:
                return self.none()
            return self.filter(**{self.member_field: user})
        return scope(self, user)


def is_supervisor(user) -> bool:
    return user.role in SUPERVISORS


def supervises_team_q(user, team_path: str = "team") -> Q:
    return Q(**{f"{team_path}__line__supervisors": user})
