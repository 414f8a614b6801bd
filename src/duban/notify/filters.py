import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duban.notify.models import ChannelKind, MessageKind, OutboxMessage, OutboxStatus


class OutboxFilterSet(django_filters.FilterSet):
    """待发消息: what waits, what was sent and what failed, by kind, channel and person."""

    q = django_filters.CharFilter(label=_("搜索"), method="search")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=OutboxStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=MessageKind.choices)
    channel = django_filters.ChoiceFilter(
        label=_("渠道"), choices=ChannelKind.choices, method="filter_channel"
    )

    class Meta:
        model = OutboxMessage
        fields = ["q", "status", "kind", "channel"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(reason__icontains=value)
            | Q(recipient__name__icontains=value)
            | Q(recipient__username=value)
        )

    def filter_channel(self, queryset, name, value):
        return queryset.filter(deliveries__endpoint__kind=value).distinct()
