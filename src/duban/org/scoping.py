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
    from django.apps import apps

    teams = apps.get_model("org", "Team").objects.order_by()
    if user.role == Role.SUPERVISOR:
        teams = teams.filter(line__supervisors=user)
    elif user.role == Role.LEAD:
        teams = teams.filter(leads=user)
    else:
        teams = teams.filter(employees__user=user)
    # "team IN (the user's teams)", not a join through the team to its leads or lines: the
    # rows' own (team, …) indexes then serve it (a lead's aging read 200,000 open receivables)
    return Q(**{f"{team_path}__in" if team_path else "pk__in": teams.values("pk")})


def scope(queryset, user, team_path: str = "team"):
    """``queryset`` narrowed to the teams ``user`` may see (nothing for an anonymous user).

    ``team_path`` is the lookup from the model to its team; "" when the model is Team itself.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    condition = team_q(user, team_path)
    return queryset if condition is None else queryset.filter(condition)
