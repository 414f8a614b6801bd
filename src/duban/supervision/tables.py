import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from duban.supervision.models import CheckIn, FollowUpRule, Matter, Plan, Risk


class RuleTable(tables.Table):
    title = tables.Column(linkify=True)

    class Meta:
        model = FollowUpRule
        fields = [
            "area",
            "title",
            "cadence",
            "scope",
            "owner",
            "agreed_time",
            "seed_ref",
            "is_active",
        ]
        empty_text = _("还没有跟进规则。")


class CheckInTable(tables.Table):
    date = tables.DateColumn(format="Y-m-d", linkify=True)
    agreed_time = tables.TimeColumn(format="H:i")

    class Meta:
        model = CheckIn
        fields = ["date", "agreed_time", "team", "lead", "area", "title", "status", "outcome"]
        empty_text = _("没有符合条件的跟进。")


class MatterTable(tables.Table):
    title = tables.Column(linkify=True)
    deadline = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Matter
        fields = ["title", "team", "owner", "priority", "deadline", "status"]
        empty_text = _("没有符合条件的督办事项。")


class RiskTable(tables.Table):
    level = tables.Column()
    title = tables.Column(linkify=True)
    team = tables.Column(default="—")
    opened_on = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Risk
        fields = ["level", "title", "area", "team", "status", "opened_on"]
        empty_text = _("没有符合条件的风险。")

    def render_title(self, record):
        return record.shown_title

    def value_title(self, record):
        return record.shown_title

    def render_level(self, record):
        css = "danger" if record.level == "red" else "warning"
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', css, record.get_level_display()
        )


class PlanTable(tables.Table):
    subject = tables.Column(
        _("针对"), accessor="pk", orderable=False, linkify=lambda record: record.get_absolute_url()
    )
    submit_by = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Plan
        fields = ["subject", "team", "lead", "status", "submit_by", "escalation"]
        empty_text = _("没有符合条件的方案。")

    def render_subject(self, record):
        return str(record.answers)

    def value_subject(self, record):
        return str(record.answers)
