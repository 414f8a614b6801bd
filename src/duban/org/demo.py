"""The demo company's organisation: two business lines, seven teams, about seventy people.

The people the seed names are here: 维盛 leads a team and arranges its work directly; 横洲
hands resources over to 小祁; 王立霞 leads 小祁's team (S-RES-6).
"""

import datetime as dt
from functools import lru_cache

from django.contrib.auth.hashers import make_password

from duban.core.demo import DEMO_PASSWORD, DemoCompany
from duban.org.choices import EmployeeStatus, Role, TeamKind, post_of
from duban.org.models import BusinessLine, Employee, Team, User

# (role, username): the logins printed at the end of `duban demo`
LOGINS = [
    (Role.ADMIN, "admin"),
    (Role.SUPERVISOR, "duban"),
    (Role.SUPERVISOR, "sunyue"),
    (Role.EXECUTIVE, "lingdao"),
    (Role.LEAD, "weisheng"),
    (Role.LEAD, "wanglixia"),
    (Role.MEMBER, "xiaoqi"),
]

# line, team, kind, (lead username, lead name), members named by the seed
TEAMS = [
    ("华东业务线", "电销一组", TeamKind.FRONT, ("weisheng", "维盛"), ["横洲"]),
    ("华东业务线", "电销二组", TeamKind.FRONT, ("wanglixia", "王立霞"), ["小祁"]),
    ("华东业务线", "电销三组", TeamKind.FRONT, ("zhaolei", "赵磊"), []),
    ("华东业务线", "华东合作交付组", TeamKind.BACK, ("zhoumin", "周敏"), []),
    ("华南业务线", "电销四组", TeamKind.FRONT, ("linfang", "林芳"), []),
    ("华南业务线", "电销五组", TeamKind.FRONT, ("huangtao", "黄涛"), []),
    ("华南业务线", "华南合作交付组", TeamKind.BACK, ("xujing", "徐静"), []),
]
MEMBERS_PER_TEAM = 9
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉玲晨宇浩然欣怡梓涵子轩佳琪思远"
POSITIONS = {
    TeamKind.FRONT: ["电话销售", "电话销售", "电话销售", "内勤"],
    TeamKind.BACK: ["对接专员", "内勤"],
}


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return make_password(DEMO_PASSWORD)  # hashed once: every demo login shares the password


def _user(username: str, name: str, role: Role, **extra) -> User:
    return User.objects.create(
        username=username, name=name, role=role, password=_password_hash(), **extra
    )


def _names(company: DemoCompany, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = company.rng.choice(SURNAMES) + "".join(
            company.rng.choice(GIVEN) for _ in range(company.rng.choice([1, 2]))
        )
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _employee(company: DemoCompany, team: Team, name: str, position: str, **extra) -> Employee:
    rng = company.rng
    hire = company.today - dt.timedelta(days=rng.randint(20, 1100))
    status = EmployeeStatus.PROBATION if (company.today - hire).days < 90 else EmployeeStatus.ACTIVE
    fields = {
        "status": status,
        "hire_date": hire,
        "daily_capacity": rng.choice([80, 100, 120, 150]) if position == "电话销售" else 0,
        "phone": f"138{rng.randint(10000000, 99999999)}",
    }
    fields.update(extra)
    return Employee.objects.create(
        name=name, team=team, position=position, post=post_of(position), **fields
    )


def build(company: DemoCompany) -> None:
    admin = _user("admin", "系统管理员", Role.ADMIN, is_staff=True, is_superuser=True)
    supervisor = _user("duban", "刘婷", Role.SUPERVISOR)
    south_supervisor = _user("sunyue", "孙悦", Role.SUPERVISOR)
    executive = _user("lingdao", "陈建国", Role.EXECUTIVE)
    lines = {
        "华东业务线": BusinessLine.objects.create(name="华东业务线", head=executive),
        "华南业务线": BusinessLine.objects.create(name="华南业务线", head=executive),
    }
    # one supervisor a line: a day's check-ins are tens, not every team's of the company
    lines["华东业务线"].supervisors.add(supervisor)
    lines["华南业务线"].supervisors.add(south_supervisor)

    taken = set()
    for *_, (_, lead_name), seeded in TEAMS:
        taken.update([lead_name, *seeded])
    teams, member_user = {}, None
    for line_name, team_name, kind, (lead_username, lead_name), seeded in TEAMS:
        team = Team.objects.create(name=team_name, line=lines[line_name], kind=kind)
        lead = _user(lead_username, lead_name, Role.LEAD)
        team.leads.add(lead)
        _employee(company, team, lead_name, "主管", user=lead, status=EmployeeStatus.ACTIVE)
        for name in seeded:
            user = None
            if name == "小祁":
                user = member_user = _user("xiaoqi", name, Role.MEMBER)
            _employee(company, team, name, "电话销售", user=user, status=EmployeeStatus.ACTIVE)
        for name in _names(company, MEMBERS_PER_TEAM - len(seeded), taken):
            _employee(company, team, name, company.rng.choice(POSITIONS[kind]))
        teams[team_name] = team

    _staff_changes(company, teams)
    company.parts.update(
        admin=admin,
        supervisor=supervisor,
        south_supervisor=south_supervisor,
        executive=executive,
        member=member_user,
    )
    company.parts.update(lines=lines, teams=teams)
    users = {u.username: u for u in User.objects.filter(username__in=[u for _, u in LOGINS])}
    company.logins += [(role.label, username, users[username].name) for role, username in LOGINS]


def _staff_changes(company: DemoCompany, teams: dict[str, Team]) -> None:
    """A few people who left or are on leave, so the tables look like a real company's."""
    rng = company.rng
    for team in teams.values():
        staff = list(team.employees.exclude(position="主管").exclude(user__isnull=False))
        leaver = rng.choice(staff)
        leaver.status = EmployeeStatus.LEFT
        leaver.leave_date = company.today - dt.timedelta(days=rng.randint(3, 60))
        leaver.hire_date = min(leaver.hire_date, leaver.leave_date - dt.timedelta(days=30))
        leaver.save()
    candidates = teams["电销一组"].employees.filter(status=EmployeeStatus.ACTIVE, user__isnull=True)
    on_leave = rng.choice(list(candidates.exclude(position="主管").exclude(name="横洲")))
    on_leave.status = EmployeeStatus.ON_LEAVE
    on_leave.save()
