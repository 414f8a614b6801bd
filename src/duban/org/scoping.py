"""Who sees which team's records: the one rule every area's ``visible_to`` builds on."""

from django.db.models import Q

from duban.org.choices import Role

SEES_ALL = {Role.ADMIN, Role.EXECUTIVE}


def team_q(user, team_path: str = "team") -> Q | None:
    """A filter on ``team_path`` for the teams ``user`` may see; None means every team.

    admin and executive see all teams; a supervisor the teams of the business lines they
    supervise; a lead the teams they lead; a member their own team.
    """
    if user.role in SEES_ALL:
        return None
    prefix = f"{team_path}__" if team_path else ""
    if user.role == Role.SUPERVISOR:
        return Q(**{f"{prefix}line__supervisors": user})
    if user.role == Role.LEAD:
        return Q(**{f"{prefix}leads": user})
    return Q(**{f"{prefix}employees__user": user})


def scope(queryset, user, team_path: str = "team"):
    """``queryset`` narrowed to the teams ``user`` may see (nothing for an anonymous user).

    ``team_path`` is the lookup from the model to its team; "" when the model is Team itself.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    condition = team_q(user, team_path)
    return queryset if condition is None else queryset.filter(condition)
