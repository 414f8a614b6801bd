import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duban.org.choices import Role
from duban.org.models import Team, User
from duban.partners.models import Partner
from duban.receivables.aging import overdue_q, with_bucket
from duban.receivables.choices import Bucket, Category, ReceivableStatus
from duban.receivables.models import Receivable

ALL = _("全部")
YES_NO = forms.Select(choices=[("", ALL), ("true", _("是")), ("false", _("否"))])


class BucketSelect(forms.Select):
    """One bucket chosen in the form; links (the aging summary) may pass several."""

    def value_from_datadict(self, data, files, name):
        return [value for value in data.getlist(name) if value] if hasattr(data, "getlist") else []

    def format_value(self, value):
        return (
            [str(v) for v in value][:1]
            if isinstance(value, list | tuple)
            else super().format_value(value)
        )


class ReceivableFilterSet(django_filters.FilterSet):
    """The receivables list's filters: the page, its export and the aging links use this set."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    team = django_filters.ModelChoiceFilter(label=_("团队"), queryset=Team.objects.none())
    lead = django_filters.ModelChoiceFilter(
        label=_("负责主管"), queryset=User.objects.none(), null_label=_("未指定")
    )
    # set by links (a customer's page, the aging report): a company may have thousands
    customer = django_filters.ModelChoiceFilter(
        label=_("客户"), queryset=Partner.objects.none(), widget=forms.HiddenInput
    )
    category = django_filters.ChoiceFilter(label=_("类别"), choices=Category.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ReceivableStatus.choices)
    bucket = django_filters.MultipleChoiceFilter(
        label=_("账龄"),
        # the field hands its choices to the widget: "全部" must be one of them, or the
        # browser shows the first bucket as chosen (BucketSelect drops "" from the data)
        choices=[("", ALL), *Bucket.choices],
        method="filter_bucket",
        widget=BucketSelect,
    )
    overdue = django_filters.BooleanFilter(
        label=_("已逾期"), method="filter_overdue", widget=YES_NO
    )
    large = django_filters.BooleanFilter(label=_("大额"), method="filter_large", widget=YES_NO)

    class Meta:
        model = Receivable
        fields = [
            "q",
            "team",
            "lead",
            "customer",
            "category",
            "status",
            "bucket",
            "overdue",
            "large",
        ]

    def __init__(self, *args, user, today, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.settings = today, settings
        self.filters["team"].queryset = Team.objects.visible_to(user).select_related("line")
        leads = User.objects.filter(role=Role.LEAD, led_teams__in=self.filters["team"].queryset)
        self.filters["lead"].queryset = leads.distinct().order_by("name")
        self.filters["customer"].queryset = Partner.objects.visible_to(user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(customer__name__icontains=value)
            | Q(project_name__icontains=value)
        )

    def filter_bucket(self, queryset, name, value):
        aged = with_bucket(queryset, self.today, self.settings.aging_basis)
        return aged.filter(bucket__in=value, outstanding__gt=0) if value else queryset

    def filter_overdue(self, queryset, name, value):
        return (
            queryset.filter(overdue_q(self.today))
            if value
            else queryset.exclude(overdue_q(self.today))
        )

    def filter_large(self, queryset, name, value):
        large = Q(outstanding__gte=self.settings.large_amount)
        return queryset.filter(large) if value else queryset.exclude(large)
