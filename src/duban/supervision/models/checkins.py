import datetime as dt
import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.urls import detail_url
from duban.org.choices import Role, TeamKind
from duban.org.models import BusinessLine, Team, User
from duban.supervision.choices import (
    Area,
    Cadence,
    Channel,
    CheckInStatus,
    Outcome,
    ScopeKind,
)
from duban.supervision.models.base import About, Escalating
from duban.supervision.scoping import TeamScopedQuerySet


class FollowUpRuleQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active or user.role == Role.MEMBER:
            return self.none()
        if user.sees_all:
            return self.all()
        if user.role == Role.SUPERVISOR:
            lines = Q(line__supervisors=user) | Q(team__line__supervisors=user)
            return self.filter(lines | Q(scope=ScopeKind.ALL) | Q(owner=user)).distinct()
        led = Q(team__leads=user) | Q(line__teams__leads=user)
        return self.filter(led | Q(scope=ScopeKind.ALL)).distinct()


class FollowUpRule(VersionedModel):
    """A follow-up rule (跟进规则): what the supervisor checks with which leads, how often.

    Its check-ins are materialised on working days only, for a rolling window.
    """

    area = models.CharField(_("领域"), max_length=20, choices=Area)
    title = models.CharField(_("跟进内容"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    seed_ref = models.CharField(_("依据"), max_length=20, blank=True)
    cadence = models.CharField(_("频率"), max_length=20, choices=Cadence)
    weekdays = models.CharField(
        _("每周几"),
        max_length=20,
        blank=True,
        help_text=_("自定义每周几时填写，如 1,4 表示周一和周四"),
    )
    month_days = models.CharField(
        _("每月几号"), max_length=40, blank=True, help_text=_("自定义每月几号时填写，如 5,20")
    )
    scope = models.CharField(_("范围"), max_length=10, choices=ScopeKind, default=ScopeKind.ALL)
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, null=True, blank=True
    )
    line = models.ForeignKey(
        BusinessLine, verbose_name=_("业务条线"), on_delete=models.CASCADE, null=True, blank=True
    )
    team_kind = models.CharField(
        _("团队类型"),
        max_length=10,
        choices=TeamKind,
        blank=True,
        default=TeamKind.FRONT,
        help_text=_("按条线或全部时，只跟进这类团队；留空表示前端和后端都跟进"),
    )
    owner = models.ForeignKey(
        User,
        verbose_name=_("负责督办"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_rules",
        limit_choices_to={"role": Role.SUPERVISOR},
    )
    leads = models.ManyToManyField(
        User,
        verbose_name=_("跟进的主管"),
        blank=True,
        related_name="followed_rules",
        help_text=_("留空表示各团队的主管"),
        limit_choices_to={"role": Role.LEAD},
    )
    agreed_time = models.TimeField(_("约定沟通时间"), null=True, blank=True)
    channel = models.CharField(_("沟通方式"), max_length=10, choices=Channel, default=Channel.WECOM)
    subject_kind = models.CharField(
        _("跟进对象"),
        max_length=60,
        blank=True,
        help_text=_("留空表示按团队跟进；选择一类对象时，每个对象各自生成跟进，频率可由对象决定"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)

    objects = FollowUpRuleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[leads])

    class Meta:
        ordering = ["area", "title"]
        verbose_name = _("跟进规则")
        verbose_name_plural = _("跟进规则")
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope=ScopeKind.TEAM) | Q(team__isnull=False),
                name="rule_team_scope_names_a_team",
                violation_error_message=_("范围为一个团队时，请选择团队"),
            ),
            models.CheckConstraint(
                condition=~Q(scope=ScopeKind.LINE) | Q(line__isnull=False),
                name="rule_line_scope_names_a_line",
                violation_error_message=_("范围为一个条线时，请选择条线"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:rule_detail", args=[self.pk])

    def teams(self):
        """The active teams this rule follows."""
        teams = Team.objects.filter(is_active=True)
        if self.scope == ScopeKind.TEAM:
            return teams.filter(pk=self.team_id)
        if self.scope == ScopeKind.LINE:
            teams = teams.filter(line=self.line_id)
        return teams.filter(kind=self.team_kind) if self.team_kind else teams

    def can_be_edited_by(self, user) -> bool:
        return user.role in {Role.ADMIN, Role.SUPERVISOR}


class CheckInQuerySet(TeamScopedQuerySet):
    def open(self):
        return self.filter(status=CheckInStatus.PLANNED)

    def overdue(self, today):
        return self.open().filter(date__lt=today)


class CheckIn(About, Escalating, VersionedModel):
    """One follow-up (督办跟进) with a lead on a working day: from a rule, or scheduled ad hoc.

    A rule that follows items makes one check-in per item and day (its subject). The agreed
    time is a commitment (S-GEN-2/3): a check-in without a result by then (plus a grace
    period) is missed that day."""

    rule = models.ForeignKey(
        FollowUpRule,
        verbose_name=_("跟进规则"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkins",
    )
    area = models.CharField(_("领域"), max_length=20, choices=Area)
    title = models.CharField(_("跟进内容"), max_length=100)
    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="checkins"
    )
    lead = models.ForeignKey(
        User,
        verbose_name=_("主管"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkins_with",
    )
    owner = models.ForeignKey(
        User,
        verbose_name=pgettext_lazy("role", "督办"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkins_owned",
    )
    date = models.DateField(_("日期"))
    # the day its rule scheduled it, kept when it is moved: the rule does not schedule it again
    rule_date = models.DateField(_("规则日期"), null=True, blank=True, editable=False)
    agreed_time = models.TimeField(_("约定沟通时间"), null=True, blank=True)
    channel = models.CharField(_("沟通方式"), max_length=10, choices=Channel, default=Channel.WECOM)
    planned = models.BooleanField(_("计划内"), default=True)
    urgent = models.BooleanField(_("重要紧急"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=CheckInStatus, default=CheckInStatus.PLANNED
    )
    findings = models.TextField(_("沟通情况"), blank=True)
    outcome = models.CharField(_("结果回收"), max_length=10, choices=Outcome, blank=True)
    next_step = models.TextField(_("下一步"), blank=True)
    next_milestone_date = models.DateField(_("下一节点日期"), null=True, blank=True)
    waive_reason = models.CharField(_("免除原因"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        User, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True
    )

    objects = CheckInQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "agreed_time", "team__name"]
        verbose_name = _("督办跟进")
        verbose_name_plural = _("督办跟进")
        indexes = [
            models.Index(fields=["status", "date"], name="checkin_status_date"),
            models.Index(fields=["team", "date"], name="checkin_team_date"),
            models.Index(fields=["lead", "status", "date"], name="checkin_lead_status_date"),
            models.Index(fields=["subject_type", "subject_id"], name="checkin_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "team", "rule_date"],
                condition=Q(rule__isnull=False, subject_id__isnull=True),
                name="checkin_once_per_rule_team_day",
            ),
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id", "rule_date"],
                condition=Q(rule__isnull=False, subject_id__isnull=False),
                name="checkin_once_per_rule_item_day",
            ),
            models.CheckConstraint(
                condition=~Q(status=CheckInStatus.WAIVED) | ~Q(waive_reason=""),
                name="checkin_waived_has_reason",
                violation_error_message=_("免除跟进必须写明原因"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%m-%d} {self.team} · {self.title}"

    def get_absolute_url(self) -> str:
        return detail_url("supervision:checkin_detail", self.pk)

    def can_be_edited_by(self, user) -> bool:
        return user.role in {Role.ADMIN, Role.SUPERVISOR}

    @property
    def agreed_at(self) -> dt.datetime | None:
        """The agreed moment (the day at the agreed time, in Shanghai), if a time was agreed."""
        return agreed_moment(self.date, self.agreed_time)


def agreed_moment(day: dt.date, time: dt.time | None) -> dt.datetime | None:
    """A check-in's agreed moment, from its day and agreed time (for rows read as values)."""
    if time is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time))


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar address: their check-ins as an .ics feed for any calendar app."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user"]
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("supervision:calendar_feed", args=[self.token])
