import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from duban.notify.models import OutboxMessage


class OutboxTable(tables.Table):
    created_at = tables.DateTimeColumn(format="m-d H:i")
    recipient = tables.Column(accessor="recipient__name")
    reason = tables.TemplateColumn(
        template_name="notify/_reason_cell.html", verbose_name=_("事由"), orderable=False
    )
    sent_at = tables.DateTimeColumn(format="m-d H:i", default="—")
    actions = tables.TemplateColumn(
        template_name="notify/_resend_cell.html", verbose_name="", orderable=False
    )

    class Meta:
        model = OutboxMessage
        fields = ["created_at", "recipient", "kind", "reason", "status", "attempts", "sent_at"]
        empty_text = _("没有符合条件的消息。")
