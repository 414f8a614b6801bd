from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    SUPERVISOR = "supervisor", pgettext_lazy("role", "督办")
    EXECUTIVE = "executive", _("领导")
    LEAD = "lead", _("主管")
    MEMBER = "member", _("员工")


class TeamKind(models.TextChoices):
    FRONT = "front", _("前端（电销）")
    BACK = "back", _("后端（合作/交付）")


class EmployeeStatus(models.TextChoices):
    PROBATION = "probation", _("试用期")
    ACTIVE = "active", _("在职")
    ON_LEAVE = "on_leave", _("休假")
    LEFT = "left", _("离职")


class Post(models.TextChoices):
    """The kind of post an employee holds, as a team's headcount plan (编制) counts them
    (S-HR-1); the post's own title stays as the company writes it (``Employee.position``)."""

    LEAD = "lead", _("主管")
    SENIOR = "senior", _("资深")
    JUNIOR = "junior", _("普通")
    INSIDE = "inside", _("内勤")
    TRAINEE = "trainee", _("实习/新人")


# a post's title as offices write it → its kind; any other title is a junior post
POST_WORDS = {
    Post.LEAD: ("主管", "组长", "经理", "队长", "负责人"),
    Post.SENIOR: ("资深", "高级", "骨干", "老员工", "金牌"),
    Post.INSIDE: ("内勤", "助理", "文员", "客服", "行政", "质检"),
    Post.TRAINEE: ("实习", "新人", "培训生", "见习", "学徒"),
}


def post_of(title: str) -> str:
    """The kind of post a title names: 电销主管 → lead, 资深电销 → senior, 内勤 → inside."""
    for post, words in POST_WORDS.items():
        if any(word in (title or "") for word in words):
            return post
    return Post.JUNIOR
