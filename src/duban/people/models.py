"""People (人力资源, S-HR-1 … S-HR-7): headcount plans and structure reviews, staff changes,
trainings with each attendee's result, monthly performance talks, the monthly best employee,
and notes on how employees and their lead get on."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.choices import Post, Role
from duban.org.models import Employee, Team, User
from duban.org.scoping import scope
from duban.people.choices import (
    ChangeKind,
    Decision,
    EmployeeState,
    LeaveReason,
    NoteKind,
    Sentiment,
    TrainingKind,
)

FOLLOWERS = {Role.ADMIN, Role.SUPERVISOR, Role.EXECUTIVE, Role.LEAD}


class TeamScoped(models.QuerySet):
    """By team, as everywhere; a member sees only the records that name them
    (``member_path``: the lookup to their user), or none."""

    team_path = "team"
    member_path: str | None = None

    def visible_to(self, user):
        if user.is_authenticated and user.is_active and user.role == Role.MEMBER:
            if self.member_path is None:
                return self.none()
            return self.filter(**{self.member_path: user}).distinct()
        return scope(self, user, team_path=self.team_path)


class HeadcountPlan(models.Model):
    """A team's planned headcount (编制) for one kind of post from a date on (S-HR-1): the
    plan on a day is each post's latest row that took effect by then."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="headcount_plans"
    )
    post = models.CharField(_("岗位类别"), max_length=10, choices=Post)
    count = models.PositiveSmallIntegerField(_("编制人数"), validators=[MaxValueValidator(500)])
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        User,
        verbose_name=_("设定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("设定时间"), auto_now_add=True)

    objects = TeamScoped.as_manager()

    class Meta:
        ordering = ["team", "post", "-effective_from"]
        verbose_name = _("编制")
        verbose_name_plural = _("编制")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "post", "effective_from"],
                name="headcount_plan_once_a_day",
                violation_error_message=_("这个团队这个岗位在这一天已有编制，请修改那一条"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.get_post_display()} {self.count}"


class StructureReview(models.Model):
    """The supervisor and the lead discussing whether the team's structure fits its business
    (S-HR-2): the proposal, what was decided, and when."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="structure_reviews"
    )
    held_on = models.DateField(_("讨论日期"))
    proposal = models.TextField(_("提议"), help_text=_("例如：业务扩张，拟增加 2 名资深电销"))
    decision = models.CharField(_("决定"), max_length=10, choices=Decision)
    decision_note = models.TextField(_("决定说明"), blank=True)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = TeamScoped.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("编制讨论")
        verbose_name_plural = _("编制讨论")

    def __str__(self) -> str:
        return f"{self.team} · {self.held_on}"


class StaffChangeQuerySet(TeamScoped):
    member_path = "employee__user"


class StaffChange(models.Model):
    """A dated staff change (S-HR-3). Recording it applies it to the employee and demands,
    through the engine, a staffing plan and (for someone new to the team) a training plan from
    the lead of the team it touches; ``*_matter`` keep them, so each is demanded once."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("员工"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("变动"), max_length=12, choices=ChangeKind)
    date = models.DateField(_("日期"))
    team = models.ForeignKey(
        Team,
        verbose_name=_("团队"),
        on_delete=models.PROTECT,
        related_name="staff_changes",
        help_text=_("变动后所在的团队（离职为离开的团队）"),
    )
    from_team = models.ForeignKey(
        Team,
        verbose_name=_("原团队"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    post = models.CharField(_("岗位类别"), max_length=10, choices=Post, blank=True)
    from_post = models.CharField(_("原岗位类别"), max_length=10, choices=Post, blank=True)
    reason = models.CharField(_("离职原因"), max_length=12, choices=LeaveReason, blank=True)
    note = models.TextField(_("说明"), blank=True)
    until = models.DateField(_("预计返岗"), null=True, blank=True)
    staffing_matter = models.OneToOneField(
        "supervision.Matter",
        verbose_name=_("人员计划"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    training_matter = models.OneToOneField(
        "supervision.Matter",
        verbose_name=_("培训方案"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = StaffChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("人员变动")
        verbose_name_plural = _("人员变动")
        indexes = [models.Index(fields=["team", "date"], name="staffchange_team_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=ChangeKind.TRANSFER) | Q(from_team__isnull=False),
                name="staffchange_transfer_has_from_team",
                violation_error_message=_("调岗须写明原团队"),
            ),
            models.CheckConstraint(
                condition=Q(reason="") | Q(kind=ChangeKind.LEAVE),
                name="staffchange_reason_only_for_leave",
                violation_error_message=_("只有离职才有离职原因"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.get_kind_display()} · {self.date}"

    def get_absolute_url(self) -> str:
        return detail_url("people:change_detail", self.pk)


class TrainingQuerySet(TeamScoped):
    member_path = "results__employee__user"


class Training(VersionedModel):
    """A training a lead gives (S-HR-4, S-PRJ-6), with each attendee's result. A re-training
    (二次培训) names the training whose results it answers."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="trainings"
    )
    topic = models.CharField(_("主题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=12, choices=TrainingKind)
    held_on = models.DateField(_("培训日期"))
    trainer = models.CharField(_("讲师"), max_length=50)
    lead = models.ForeignKey(
        User,
        verbose_name=_("负责主管"),
        on_delete=models.PROTECT,
        related_name="trainings_given",
    )
    project = models.CharField(_("项目"), max_length=100, blank=True)
    content = models.TextField(_("内容"), blank=True)
    retraining_of = models.ForeignKey(
        "self",
        verbose_name=_("二次培训，针对"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retrainings",
    )
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = TrainingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        indexes = [models.Index(fields=["team", "held_on"], name="training_team_day")]

    def __str__(self) -> str:
        return f"{self.topic} · {self.held_on}"

    def get_absolute_url(self) -> str:
        return detail_url("people:training_detail", self.pk)


class TrainingResult(models.Model):
    """How one attendee did (S-HR-4: how they took it in): a score or pass/fail, and a rating
    or a short note on their uptake."""

    training = models.ForeignKey(
        Training, verbose_name=_("培训"), on_delete=models.CASCADE, related_name="results"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("员工"), on_delete=models.CASCADE, related_name="training_results"
    )
    score = models.DecimalField(
        _("成绩"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    passed = models.BooleanField(_("是否通过"), null=True, blank=True)
    uptake = models.PositiveSmallIntegerField(
        _("接受程度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1（没听懂）到 5（完全掌握）"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["training", "employee__name"]
        verbose_name = _("培训成绩")
        verbose_name_plural = _("培训成绩")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "employee"],
                name="training_result_once",
                violation_error_message=_("这位员工在这次培训已有成绩"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.training} · {self.employee}"

    def outcome(self, pass_mark) -> bool | None:
        """Passed or not: as marked, else by the score against the pass mark; None when
        neither is known yet."""
        if self.passed is not None:
            return self.passed
        if self.score is not None:
            return self.score >= pass_mark
        return None


class TrainingPlan(models.Model):
    """How many trainings of what a team plans for a period (S-PRJ-6), compared with those
    held."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="training_plans"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    kind = models.CharField(_("类型"), max_length=12, choices=TrainingKind, blank=True)
    project = models.CharField(
        _("项目"), max_length=100, blank=True, help_text=_("按项目计划时写项目名称（S-PRJ-6）")
    )
    count = models.PositiveSmallIntegerField(_("计划次数"), validators=[MaxValueValidator(100)])
    content = models.TextField(_("计划内容"), blank=True)
    set_by = models.ForeignKey(
        User,
        verbose_name=_("制定人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TeamScoped.as_manager()

    class Meta:
        ordering = ["-starts_on", "team"]
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="training_plan_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.starts_on}–{self.ends_on}"


class TalkQuerySet(TeamScoped):
    team_path = "employee__team"
    member_path = "employee__user"


class Talk(models.Model):
    """A lead's monthly performance talk with one employee (S-HR-5)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("员工"), on_delete=models.CASCADE, related_name="talks"
    )
    lead = models.ForeignKey(
        User, verbose_name=_("主管"), on_delete=models.PROTECT, related_name="talks_held"
    )
    month = models.DateField(_("月份"), help_text=_("谈话所属月份的第一天"))
    held_on = models.DateField(_("谈话日期"))
    state = models.CharField(_("员工状态"), max_length=10, choices=EmployeeState)
    problems = models.TextField(_("提出的问题"), blank=True)
    help = models.TextField(_("商定的帮助"), blank=True)
    follow_up = models.TextField(_("后续跟进"), blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = TalkQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "employee__name"]
        verbose_name = _("绩效谈话")
        verbose_name_plural = _("绩效谈话")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "month"],
                name="talk_once_a_month",
                violation_error_message=_("这位员工这个月已有谈话记录"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} · {self.month:%Y-%m}"


class BestEmployee(models.Model):
    """The monthly best-employee selection as the lead organised it (S-HR-6)."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="best_employees"
    )
    month = models.DateField(_("月份"), help_text=_("评选所评的月份的第一天"))
    criteria = models.TextField(_("评选标准"))
    candidates = models.ManyToManyField(
        Employee, verbose_name=_("候选人"), related_name="best_employee_candidacies"
    )
    winner = models.ForeignKey(
        Employee,
        verbose_name=_("当选"),
        on_delete=models.PROTECT,
        related_name="best_employee_wins",
    )
    announced_on = models.DateField(_("公布日期"))
    organised_by = models.ForeignKey(
        User,
        verbose_name=_("组织人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TeamScoped.as_manager()

    class Meta:
        ordering = ["-month", "team"]
        verbose_name = _("月度最佳员工")
        verbose_name_plural = _("月度最佳员工")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "month"],
                name="best_employee_once_a_month",
                violation_error_message=_("这个团队这个月已评选过"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.month:%Y-%m} · {self.winner}"


class RelationNoteQuerySet(TeamScoped):
    """Seen by the employee's lead, supervisors and admins (S-HR-7): never by members, not
    even about themselves, nor by executives."""

    team_path = "employee__team"
    member_path = None

    def visible_to(self, user):
        if user.is_authenticated and user.role == Role.EXECUTIVE:
            return self.none()
        return super().visible_to(user)


class RelationNote(models.Model):
    """A dated note on how an employee and their lead interact and report (S-HR-7), with its
    sentiment; concerns feed the relation risks. Seen by the lead, supervisors and admins."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("员工"), on_delete=models.CASCADE, related_name="relation_notes"
    )
    noted_on = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=12, choices=NoteKind)
    sentiment = models.CharField(_("倾向"), max_length=10, choices=Sentiment)
    note = models.TextField(_("记录"))
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("记录人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RelationNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-noted_on", "-pk"]
        verbose_name = _("员工关系记录")
        verbose_name_plural = _("员工关系记录")
        indexes = [models.Index(fields=["employee", "noted_on"], name="relation_note_day")]

    def __str__(self) -> str:
        return f"{self.employee} · {self.noted_on}"


class StaffBudget(models.Model):
    """A team's staff-cost budget for a month (S-HR-3)."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="staff_budgets"
    )
    month = models.DateField(_("月份"))
    amount = models.DecimalField(
        _("人力成本预算（元）"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    objects = TeamScoped.as_manager()

    class Meta:
        ordering = ["-month", "team"]
        verbose_name = _("人力成本预算")
        verbose_name_plural = _("人力成本预算")
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="staff_budget_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.month:%Y-%m}"


def _default_costs() -> dict:
    return {"lead": 15000, "senior": 10000, "junior": 7000, "inside": 6000, "trainee": 4500}


class Settings(models.Model):
    """The people settings of the company: one row."""

    pass_mark = models.DecimalField(
        _("及格分"), max_digits=5, decimal_places=1, default=Decimal(60)
    )
    pass_rate_bar = models.PositiveSmallIntegerField(
        _("通过率底线（%）"),
        default=80,
        validators=[MaxValueValidator(100)],
        help_text=_("一次培训的通过率低于这个数，主管须评估并出具二次培训计划（S-HR-4）"),
    )
    short_by = models.PositiveSmallIntegerField(
        _("缺编容忍人数"),
        default=1,
        help_text=_("实际人数比编制少超过这个数，并持续下面的天数，就报风险（S-HR-1）"),
    )
    short_for_days = models.PositiveSmallIntegerField(_("缺编持续（工作日）"), default=10)
    best_employee_by = models.PositiveSmallIntegerField(
        _("最佳员工评选截止（日）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("每月这一天之前应评出上个月的最佳员工（S-HR-6）"),
    )
    concerns_a_month = models.PositiveSmallIntegerField(
        _("每月隐患记录上限"),
        default=2,
        help_text=_("一位员工一个月内有这么多条“有隐患”的记录即报风险（S-HR-7）"),
    )
    monthly_costs = models.JSONField(
        _("各岗位月标准成本（元）"),
        default=_default_costs,
        help_text=_("按岗位类别：lead 主管、senior 资深、junior 普通、inside 内勤、trainee 实习"),
    )

    class Meta:
        verbose_name = _("人力设置")
        verbose_name_plural = _("人力设置")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "Settings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings

    def cost_of(self, post: str) -> Decimal:
        costs = self.monthly_costs if isinstance(self.monthly_costs, dict) else {}
        try:
            return Decimal(str(costs.get(post, _default_costs()[post])))
        except (ArithmeticError, ValueError, KeyError):
            return Decimal(0)
