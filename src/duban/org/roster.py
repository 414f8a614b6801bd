"""Who works in which team: how a table that names people instead of teams is read."""

from collections import defaultdict

from duban.org.models import Employee, Team


class Roster:
    """The current employees (members and leads alike) by name, and the teams ``user`` may
    write to."""

    def __init__(self, user):
        self.teams = {team.pk: team for team in Team.objects.visible_to(user)}
        self.people = defaultdict(list)
        rows = Employee.objects.current().values_list("name", "pk", "team_id")
        for name, pk, team_id in rows:
            self.people[name.strip()].append((pk, team_id))

    def find(self, name: str, team: Team | None = None) -> tuple[int | None, Team | None, str]:
        """(employee id, their team, "") for ``name``, or (None, None, why not) in Chinese.
        Where two people share a name, the one in ``team``, or the only one in a team the
        user may write to."""
        found = self.people.get(name.strip(), [])
        if team is not None:
            found = [(pk, team_id) for pk, team_id in found if team_id == team.pk] or found
        if not found:
            return None, None, f"员工名册里没有“{name}”"
        mine = [(pk, team_id) for pk, team_id in found if team_id in self.teams]
        if len(mine) == 1:
            pk, team_id = mine[0]
            return pk, self.teams[team_id], ""
        if not mine:
            return None, None, f"“{name}”不在您能导入数据的团队"
        names = "、".join(self.teams[team_id].name for _, team_id in mine)
        return None, None, f"名册里有 {len(mine)} 位“{name}”（{names}），请在表中写明团队"
