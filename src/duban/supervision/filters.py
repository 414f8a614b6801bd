import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duban.core.forms import DATE
from duban.org.choices import Role
from duban.org.models import BusinessLine, Team, User
from duban.supervision.choices import (
    ACTIVE_RISK_STATUSES,
    LIVE_PLAN_STATUSES,
    OPEN_MATTER_STATUSES,
    Area,
    CheckInStatus,
    MatterStatus,
    PlanStatus,
    Priority,
    RiskLevel,
    RiskStatus,
)
from duban.supervision.models import CheckIn, Matter, Plan, Risk

# not a status: several
OVERDUE, UNCLOSED, ACTIVE, LIVE, DUE = "overdue", "unclosed", "active", "live", "due"


class ScopedTeamFilterSet(django_filters.FilterSet):
    """A filter set by business line and team (S-GEN-1: by time and by line), offering the
    lines and teams the user sees."""

    line = django_filters.ModelChoiceFilter(
        label=_("业务条线"), queryset=BusinessLine.objects.none(), method="filter_line"
    )
    team = django_filters.ModelChoiceFilter(label=_("团队"), queryset=Team.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["line"].queryset = BusinessLine.objects.visible_to(user)
        self.filters["team"].queryset = Team.objects.visible_to(user).select_related("line")

    def filter_line(self, queryset, name, value):
        return queryset.filter(team__line=value)


class CheckInFilterSet(ScopedTeamFilterSet):
    area = django_filters.ChoiceFilter(label=_("领域"), choices=Area.choices)
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(DUE, _("今天及逾期")), (OVERDUE, _("逾期未跟进")), *CheckInStatus.choices],
        method="filter_status",
    )
    date_from = django_filters.DateFilter(
        label=_("从"), field_name="date", lookup_expr="gte", widget=DATE
    )
    date_to = django_filters.DateFilter(
        label=_("到"), field_name="date", lookup_expr="lte", widget=DATE
    )

    class Meta:
        model = CheckIn
        fields = ["line", "team", "area", "status", "date_from", "date_to"]

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def filter_status(self, queryset, name, value):
        if value == OVERDUE:
            return queryset.overdue(self.today)
        if value == DUE:
            return queryset.open().filter(date__lte=self.today)
        return queryset.filter(status=value)


class MatterFilterSet(ScopedTeamFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), field_name="title", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(UNCLOSED, _("未关闭")), *MatterStatus.choices],
        method="filter_status",
    )
    priority = django_filters.ChoiceFilter(label=_("优先级"), choices=Priority.choices)

    class Meta:
        model = Matter
        fields = ["q", "line", "team", "status", "priority"]

    def filter_status(self, queryset, name, value):
        if value == UNCLOSED:
            return queryset.filter(status__in=OPEN_MATTER_STATUSES)
        return queryset.filter(status=value)


class RiskFilterSet(ScopedTeamFilterSet):
    area = django_filters.ChoiceFilter(label=_("领域"), choices=Area.choices)
    level = django_filters.ChoiceFilter(label=_("等级"), choices=RiskLevel.choices)
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(ACTIVE, _("待处理（未处理、方案中）")), *RiskStatus.choices],
        method="filter_status",
    )
    no_team = django_filters.BooleanFilter(label=_("不属于团队"), method="filter_no_team")

    class Meta:
        model = Risk
        fields = ["line", "team", "area", "level", "status"]

    def filter_line(self, queryset, name, value):  # a company-wide risk may name its line
        return queryset.filter(Q(team__line=value) | Q(team=None, line=value))

    def filter_status(self, queryset, name, value):
        if value == ACTIVE:
            return queryset.filter(status__in=ACTIVE_RISK_STATUSES)
        return queryset.filter(status=value)

    def filter_no_team(self, queryset, name, value):
        return queryset.filter(team__isnull=True) if value else queryset.filter(~Q(team=None))


class PlanFilterSet(ScopedTeamFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(LIVE, _("进行中")), *PlanStatus.choices],
        method="filter_status",
    )
    lead = django_filters.ModelChoiceFilter(label=_("主管"), queryset=User.objects.none())

    class Meta:
        model = Plan
        fields = ["line", "team", "lead", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        teams = self.filters["team"].queryset
        leads = User.objects.filter(role=Role.LEAD, led_teams__in=teams).distinct()
        self.filters["lead"].queryset = leads.order_by("name")

    def filter_status(self, queryset, name, value):
        if value == LIVE:
            return queryset.filter(status__in=LIVE_PLAN_STATUSES)
        return queryset.filter(status=value)
