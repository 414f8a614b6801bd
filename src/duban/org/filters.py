import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duban.org.choices import EmployeeStatus
from duban.org.models import Employee, Team

CURRENT = "current"  # everyone not yet left: the headcount shown on team pages


class EmployeeFilterSet(django_filters.FilterSet):
    """The employee list's filters: the page and its export use this one set."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    team = django_filters.ModelChoiceFilter(label=_("团队"), queryset=Team.objects.none())
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(CURRENT, _("在岗（未离职）")), *EmployeeStatus.choices],
        method="filter_status",
    )

    class Meta:
        model = Employee
        fields = ["q", "team", "status"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["team"].queryset = Team.objects.visible_to(user).select_related("line")

    def filter_status(self, queryset, name, value):
        if value == CURRENT:
            return queryset.current()
        return queryset.filter(status=value)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(position__icontains=value))
