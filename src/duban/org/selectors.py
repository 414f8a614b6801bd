"""Queries over the organisation that pages, exports and later the API share."""

from django.db.models import Count, Prefetch

from duban.org.models import Employee, Team, User


def team_overview(user) -> list[Team]:
    """The teams ``user`` sees, each with ``headcount``: the team's current staff (a member sees
    only themselves among the employees, but counts their whole team)."""
    counts = dict(
        Employee.objects.filter(team__in=Team.objects.visible_to(user))
        .current()
        .values("team")
        .annotate(n=Count("pk"))
        .values_list("team", "n")
    )
    teams = list(
        Team.objects.visible_to(user)
        .select_related("line")
        .prefetch_related(Prefetch("leads", queryset=User.objects.order_by("name")))
    )
    for team in teams:
        team.headcount = counts.get(team.pk, 0)
    return teams


def team_members(team: Team, user):
    return (
        Employee.objects.visible_to(user)
        .filter(team=team)
        .select_related("user")
        .order_by("status", "name")
    )
