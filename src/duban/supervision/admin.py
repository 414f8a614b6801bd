from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.supervision.models import (
    AreaPolicy,
    CheckIn,
    FollowUpRule,
    Matter,
    Plan,
    Risk,
    TableVersion,
)
from duban.supervision.tick import rule_rematerialize


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "area", "cadence", "scope", "owner", "agreed_time", "is_active"]
    list_filter = ["area", "cadence", "scope", "is_active"]
    search_fields = ["title", "seed_ref"]
    filter_horizontal = ["leads"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rule_rematerialize(rule=form.instance, today=timezone.localdate())


@admin.register(CheckIn)
class CheckInAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["date", "agreed_time", "team", "lead", "title", "status", "escalation"]
    list_filter = ["status", "area", "team"]
    date_hierarchy = "date"
    search_fields = ["title", "findings"]
    raw_id_fields = ["rule", "team", "lead", "owner", "done_by"]


@admin.register(Matter)
class MatterAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "team", "owner", "deadline", "priority", "status"]
    list_filter = ["status", "priority", "area"]
    search_fields = ["title"]
    raw_id_fields = ["team", "owner", "supervisor", "risk"]


@admin.register(Risk)
class RiskAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "level", "area", "team", "status", "opened_on", "resolved_on"]
    list_filter = ["status", "level", "area", "source"]
    search_fields = ["title", "key"]
    raw_id_fields = ["team", "line", "raised_by"]


@admin.register(Plan)
class PlanAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "team", "lead", "status", "submit_by", "escalation"]
    list_filter = ["status"]
    raw_id_fields = ["risk", "matter", "team", "lead", "demanded_by"]


@admin.register(AreaPolicy)
class AreaPolicyAdmin(admin.ModelAdmin):
    list_display = ["area", "auto_demand_after", "submit_within", "requires_forecast"]


@admin.register(TableVersion)
class TableVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "team", "as_of", "rows", "new_count", "changed_count"]
    list_filter = ["kind", "team"]
    readonly_fields = ["batch", "previous", "changes", "summary"]
