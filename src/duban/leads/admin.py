from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.leads.models import LeadRequest, LeadSummary, PartnerCycle, SalesLead, Settings


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cycle_lead_days", "shortfall_margin", "summary_by"]

    def has_add_permission(self, request):
        return not Settings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LeadRequest)
class LeadRequestAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["kind", "back_team", "team", "quantity", "accepted", "target_on", "status"]
    list_filter = ["status", "team", "back_team"]
    raw_id_fields = ["partner", "raised_by", "agreed_front", "agreed_back"]


@admin.register(SalesLead)
class SalesLeadAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "team", "owner", "stage", "probability", "delivered_on"]
    list_filter = ["stage", "team"]
    raw_id_fields = ["request", "partner", "owner"]


@admin.register(PartnerCycle)
class PartnerCycleAdmin(admin.ModelAdmin):
    list_display = ["partner", "team", "cycle", "day", "lead_days", "is_active"]
    raw_id_fields = ["partner"]


@admin.register(LeadSummary)
class LeadSummaryAdmin(admin.ModelAdmin):
    list_display = ["team", "date", "next_target", "written_by"]
    raw_id_fields = ["written_by"]
