"""The cockpit's own records: the scorecard's weights, the supervisor's adjustments and comments
on a lead's month (S-EVAL-1), and each team's daily snapshot of its key figures."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from duban.core.models import VersionedModel
from duban.core.scoring import Dimension
from duban.org.choices import Role
from duban.org.models import Team, User

POINTS = 30  # an adjustment moves a dimension's score by at most this many points


class Weight(VersionedModel):
    """The weight of a dimension in the total, or of a measure in its dimension; a missing row
    is the declared default (1 for a dimension)."""

    key = models.CharField(_("项目"), max_length=60, unique=True)
    weight = models.DecimalField(
        _("权重"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("评分权重")
        verbose_name_plural = _("评分权重")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=10), name="weight_from_0_to_10"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} × {self.weight}"


def visible_leads(user):
    """The leads whose scorecards ``user`` may open: their own for a lead, the leads of the
    teams a supervisor follows, every lead for the executive and the admin."""
    leads = User.objects.filter(role=Role.LEAD, is_active=True)
    if not user.is_authenticated or not user.is_active:
        return leads.none()
    if user.sees_all:
        return leads
    if user.role == Role.LEAD:
        return leads.filter(pk=user.pk)
    if user.role == Role.SUPERVISOR:
        teams = Team.objects.visible_to(user)
        return leads.filter(pk__in=teams.values("leads"))
    return leads.none()


class LeadMonthQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A lead sees their own month; supervisors the leads of their lines' teams; the
        executive and the admin every lead."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all:
            return self.all()
        if user.role == Role.LEAD:
            return self.filter(lead=user)
        if user.role == Role.SUPERVISOR:
            return self.filter(lead__in=visible_leads(user))
        return self.none()


class Adjustment(VersionedModel):
    """A supervisor's adjustment of one dimension of a lead's month, with its reason: shown
    beside the score it moves, never folded into it silently."""

    lead = models.ForeignKey(
        User, verbose_name=_("主管"), on_delete=models.CASCADE, related_name="score_adjustments"
    )
    month = models.DateField(_("月份"))
    dimension = models.CharField(_("维度"), max_length=20, choices=Dimension)
    points = models.SmallIntegerField(
        _("调整分"), validators=[MinValueValidator(-POINTS), MaxValueValidator(POINTS)]
    )
    reason = models.TextField(_("调整原因"))
    by = models.ForeignKey(
        User, verbose_name=_("调整人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("调整时间"), auto_now=True)

    objects = LeadMonthQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["month", "lead", "dimension"]
        verbose_name = _("评分调整")
        verbose_name_plural = _("评分调整")
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "month", "dimension"], name="one_adjustment_per_dimension"
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=-POINTS, points__lte=POINTS),
                name="adjustment_within_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead} {self.month:%Y-%m} {self.get_dimension_display()} {self.points:+d}"


class Comment(models.Model):
    """The supervisor's comment on a lead's month."""

    lead = models.ForeignKey(
        User, verbose_name=_("主管"), on_delete=models.CASCADE, related_name="score_comments"
    )
    month = models.DateField(_("月份"))
    text = models.TextField(_("点评"))
    by = models.ForeignKey(
        User, verbose_name=_("点评人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("点评时间"), auto_now_add=True)

    objects = LeadMonthQuerySet.as_manager()

    class Meta:
        ordering = ["month", "at"]
        verbose_name = _("评分点评")
        verbose_name_plural = _("评分点评")

    def __str__(self) -> str:
        return f"{self.lead} {self.month:%Y-%m}"


class SnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(team__in=Team.objects.visible_to(user))


class Snapshot(models.Model):
    """One key figure of one team at the end of one day, as ``duban tick`` found it: the
    dashboards' trends read these, and a past day's figure stays what it was."""

    team = models.ForeignKey(
        Team, verbose_name=_("团队"), on_delete=models.CASCADE, related_name="snapshots"
    )
    day = models.DateField(_("日期"))
    code = models.CharField(_("指标"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["day", "team", "code"]
        verbose_name = _("每日快照")
        verbose_name_plural = _("每日快照")
        constraints = [
            models.UniqueConstraint(fields=["team", "day", "code"], name="one_figure_a_team_a_day")
        ]
        indexes = [models.Index(fields=["day", "code"], name="snapshot_day_code")]

    def __str__(self) -> str:
        return f"{self.team} {self.day} {self.code}={self.value}"


class SnapshotTaken(models.Model):
    """When the figures of a day were last taken (each ``duban tick`` of that day takes them
    again): a dashboard of many teams reads them while they are fresh instead of recomputing."""

    day = models.DateField(_("日期"), unique=True)
    at = models.DateTimeField(_("取数时间"))

    class Meta:
        verbose_name = _("快照时间")
        verbose_name_plural = _("快照时间")

    def __str__(self) -> str:
        return f"{self.day} {self.at:%H:%M}"


class KeptScore(models.Model):
    """One measure of one lead's month as ``duban tick`` last computed it: its ratio (the
    mean credit of its items; None when nothing was due) and how many items it had. The
    ranking of many leads reads these while they are fresh instead of computing every measure
    of every lead; weights and adjustments are applied when it is read, and one lead's
    scorecard, with its evidence, is always computed when opened."""

    lead = models.ForeignKey(
        User, verbose_name=_("主管"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("月份"))
    measure = models.CharField(_("评分项"), max_length=40)
    items = models.PositiveIntegerField(_("事项数"))
    ratio = models.FloatField(_("得分率"), null=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("评分留存")
        verbose_name_plural = _("评分留存")
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "month", "measure"], name="one_kept_score_a_measure"
            )
        ]
        indexes = [models.Index(fields=["month", "computed_at"], name="kept_score_month")]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.month:%Y-%m} {self.measure}={self.ratio}"
