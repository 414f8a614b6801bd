import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duban.core.parsing import ParseError, parse_phone
from duban.org.models import Employee, Team
from duban.resources.choices import WORKABLE, Grade, ResourceStatus
from duban.resources.models import Category, Resource, Source
from duban.resources.selectors import untouched_q

ALL = _("全部")
YES_NO = forms.Select(choices=[("", ALL), ("true", _("是")), ("false", _("否"))])
WEEKS = 12  # received weeks offered in the filter


def week_choices(today: dt.date) -> list[tuple[str, str]]:
    monday = today - dt.timedelta(days=today.weekday())
    weeks = [monday - dt.timedelta(weeks=n) for n in range(WEEKS)]
    return [(f"{day:%Y-%m-%d}", _("%(day)s 当周") % {"day": f"{day:%m-%d}"}) for day in weeks]


class ResourceFilterSet(django_filters.FilterSet):
    """The resource list's filters: the page and its export use this set."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    team = django_filters.ModelChoiceFilter(label=_("团队"), queryset=Team.objects.none())
    owner = django_filters.ModelChoiceFilter(
        label=_("负责人"), queryset=Employee.objects.none(), null_label=_("未分配")
    )
    source = django_filters.ModelChoiceFilter(label=_("来源"), queryset=Source.objects.all())
    category = django_filters.ModelChoiceFilter(label=_("分类"), queryset=Category.objects.all())
    grade = django_filters.ChoiceFilter(label=_("级别"), choices=Grade.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ResourceStatus.choices)
    received_week = django_filters.ChoiceFilter(
        label=_("领取周"), choices=[], method="filter_received_week"
    )
    workable = django_filters.BooleanFilter(
        label=_("可打"), method="filter_workable", widget=YES_NO
    )
    untouched = django_filters.BooleanFilter(
        label=_("领取未跟进"), method="filter_untouched", widget=YES_NO
    )

    class Meta:
        model = Resource
        fields = [
            "q",
            "team",
            "owner",
            "source",
            "category",
            "grade",
            "status",
            "received_week",
            "workable",
            "untouched",
        ]

    def __init__(self, *args, user, today, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.settings, self.request_user = today, settings, user
        teams = Team.objects.visible_to(user)
        self.filters["team"].queryset = teams
        self.filters["owner"].queryset = Employee.objects.visible_to(user).select_related("team")
        self.filters["received_week"].extra["choices"] = week_choices(today)

    def search(self, queryset, name, value):
        """A phone number, written any way, finds that number (by its index); other text the
        contact, the company or the resource number."""
        try:
            phone = parse_phone(value)
        except ParseError:
            phone = ""
        if phone:
            # both numbers' indexes hold only rows that have one: say so, for SQLite to use them
            return queryset.filter(
                (Q(phone=phone) & ~Q(phone="")) | (Q(phone2=phone) & ~Q(phone2=""))
            )
        value = value.strip()
        return queryset.filter(
            Q(contact_name__icontains=value) | Q(company__icontains=value) | Q(number=value)
        )

    def filter_received_week(self, queryset, name, value):
        monday = dt.date.fromisoformat(value)
        return queryset.filter(received_on__range=(monday, monday + dt.timedelta(days=6)))

    def filter_workable(self, queryset, name, value):
        condition = Q(owner__isnull=False, status__in=WORKABLE)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_untouched(self, queryset, name, value):
        condition = untouched_q(self.today, self.settings)
        return queryset.filter(condition) if value else queryset.exclude(condition)
