import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.aftersales import selectors
from duban.aftersales.choices import OPEN_CASES, CaseStatus, Responsibility, Severity
from duban.aftersales.models import Case, Cause
from duban.org.models import Team
from duban.partners.models import Partner

ALL = _("全部")
YES_NO = forms.Select(choices=[("", ALL), ("true", _("是")), ("false", _("否"))])
OPEN, UNDECIDED = "open", "undecided"
MONTH = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")


class MonthField(forms.CharField):
    """ "2026-10" → the first of that month."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if not MONTH.match(value):
            raise ValidationError(_("月份请写成 2026-10 的样子"), code="invalid")
        return dt.date.fromisoformat(f"{value}-01")


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class CaseFilterSet(django_filters.FilterSet):
    """The case list's filters: the page and its export use this set; the analysis and the
    detectors link to it with the hidden ones (a customer, a month, the last days, resolved)."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(OPEN, _("未解决")), *CaseStatus.choices],
        method="filter_status",
    )
    severity = django_filters.ChoiceFilter(label=_("严重程度"), choices=Severity.choices)
    team = django_filters.ModelChoiceFilter(label=_("团队"), queryset=Team.objects.none())
    cause = django_filters.ModelChoiceFilter(
        label=_("原因"), queryset=Cause.objects.all(), null_label=_("未填原因")
    )
    responsibility = django_filters.ChoiceFilter(
        label=_("责任方"),
        choices=[*Responsibility.choices, (UNDECIDED, _("解决后未定责"))],
        method="filter_responsibility",
    )
    breach = django_filters.BooleanFilter(label=_("超时"), method="filter_breach", widget=YES_NO)
    partner = django_filters.ModelChoiceFilter(
        label=_("客户"), queryset=Partner.objects.none(), widget=forms.HiddenInput
    )
    month = MonthFilter(label=_("报告月份"), method="filter_month", widget=forms.HiddenInput)
    days = django_filters.NumberFilter(
        label=_("近几天"),
        method="filter_days",
        widget=forms.HiddenInput,
        min_value=1,
        max_value=366,
        decimal_places=0,
    )
    resolved = django_filters.BooleanFilter(
        label=_("已解决"),
        field_name="resolved_at",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "severity",
            "team",
            "cause",
            "responsibility",
            "breach",
            "partner",
            "month",
            "days",
            "resolved",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["team"].queryset = Team.objects.visible_to(user)
        self.filters["partner"].queryset = Partner.objects.visible_to(user)

    def hidden_terms(self) -> list[tuple[str, str, str]]:
        """(label, value shown, the query without it) of the hidden conditions in force, for
        the page to say what it shows and let each be dropped."""
        if not self.is_bound:
            return []
        self.form.is_valid()  # what is valid is in force, what is not is ignored
        shown = {
            "partner": lambda partner: partner.name,
            "month": lambda month: f"{month:%Y-%m}",
            "days": lambda days: _("近 %(n)d 天") % {"n": days},
            "resolved": lambda done: _("是") if done else _("否"),
        }
        data = self.form.cleaned_data
        return [
            (self.filters[name].label, show(data[name]), self._without(name))
            for name, show in shown.items()
            if data.get(name) not in (None, "")
        ]

    def _without(self, name: str) -> str:
        query = self.data.copy()
        for key in (name, "page", "export"):
            query.pop(key, None)
        return "?" + query.urlencode()

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__icontains=value)
            | Q(partner__name__icontains=value)
            | Q(project__icontains=value)
            | Q(description__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(status__in=OPEN_CASES)
        return queryset.filter(status=value)

    @staticmethod
    def undecided(queryset):
        """Resolved or closed, and nobody answers for it yet."""
        return queryset.filter(resolved_at__isnull=False, responsibility="").exclude(
            status__in=OPEN_CASES
        )

    def filter_responsibility(self, queryset, name, value):
        if value == UNDECIDED:
            return self.undecided(queryset)
        return queryset.filter(responsibility=value)

    def filter_breach(self, queryset, name, value):
        now = timezone.now()
        late = Q(status__in=OPEN_CASES) & (
            Q(resolve_by__lt=now) | Q(responded_at__isnull=True, respond_by__lt=now)
        )
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_month(self, queryset, name, value):
        return selectors.cases_of_month(queryset, value)

    def filter_days(self, queryset, name, value):
        return queryset.filter(reported_at__gte=selectors.days_ago(int(value)))
