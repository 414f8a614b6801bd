"""Who works in which team: how a table that names people instead of teams is read."""

from collections import defaultdict

from duban.org.choices import Role
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
        self._found = {}  # (name, team id) -> what find said: a table names few people often

    def find(self, name: str, team: Team | None = None) -> tuple[int | None, Team | None, str]:
        """(employee id, their team, "") for ``name``, or (None, None, why not) in Chinese.
        Where two people share a name, the one in ``team``, or the only one in a team the
        user may write to."""
        key = (name, team.pk if team is not None else None)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._find(name, team)
        return found

    def _find(self, name: str, team: Team | None) -> tuple[int | None, Team | None, str]:
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


class RowTeams:
    """For an importer whose rows belong to teams: each row's team from its team column, else
    from the person it names (``person_field``, kept on the row as ``person_field + "_id"``),
    else the one the whole table was given (the ``team`` option, asked for when no column
    says it), else the team of a lead who leads only one. Call ``teams_for(user, options)``
    in ``__init__`` and ``row_team(...)`` in ``validate``."""

    person_field = ""
    person_label = ""  # as the question to the user names it: 业务员, 负责人

    def teams_for(self, user, options: dict | None) -> None:
        self.user = user
        self.roster = Roster(user)
        self.teams = {t.name: t for t in self.roster.teams.values()}
        self.default_team = self._default_team((options or {}).get("team"))

    def _default_team(self, chosen) -> Team | None:
        if chosen:
            text = str(chosen)
            by_pk = self.roster.teams.get(int(text)) if text.isdigit() else None
            team = by_pk or self.teams.get(text)
            if team is None:
                raise ValueError(f"没有这个团队，或您无权导入它的数据：{text}")
            return team
        led = [t for t in self.roster.teams.values() if self.user in t.leads.all()]
        return led[0] if self.user.role == Role.LEAD and len(led) == 1 else None

    def table_choices(self, mapped: set[str]):
        from duban.core.importing import TableChoice

        if "team" in mapped or self.person_field in mapped or self.default_team is not None:
            return []
        teams = sorted(self.roster.teams.values(), key=lambda team: team.name)
        person = self.person_label
        return [
            TableChoice(
                "team",
                "整张表属于",
                [(str(team.pk), team.name) for team in teams],
                f"表格中没有团队列，也没有{person}列：请选择这张表属于哪个团队，"
                f"或指定哪一列是团队或{person}。",
            )
        ]

    def row_team(self, values: dict, error, failed=frozenset()) -> Team | None:
        """The row's team (None after an error); the person's employee id goes on the row
        when the sheet has the person's column (None for a blank cell)."""
        name, person = values.pop("team", "") or "", values.pop(self.person_field, None)
        team = None
        if name:
            team = self.teams.get(name)
            if team is None:
                error("team", f'没有这个团队，或您无权导入它的数据 "{name}"')
                return None
        if person is not None:
            values[f"{self.person_field}_id"] = None
        if person:
            employee_id, their_team, why = self.roster.find(person, team)
            if why:
                error(self.person_field, why)
                return team
            values[f"{self.person_field}_id"] = employee_id
            if team is not None and their_team != team:
                error(self.person_field, f"{person} 是{their_team.name}的员工，不在 {team.name}")
            team = team or their_team
        if team is None and not failed & {"team", self.person_field}:
            team = self.default_team
            if team is None:
                error("team", f"无法确定这一行属于哪个团队：请填写团队或{self.person_label}")
        return team
