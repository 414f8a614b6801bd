from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duban.aftersales.models import Case, Category, Cause, Settings
from duban.core.forms import VersionedAdminMixin


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "urgent_respond_hours", "high_respond_hours", "normal_respond_hours"]

    def has_add_permission(self, request):
        return not Settings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category, Cause)
class NamedListAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "order"]
    list_editable = ["is_active", "order"]


@admin.register(Case)
class CaseAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "team", "severity", "status", "reported_at"]
    list_filter = ["status", "severity", "team"]
    raw_id_fields = ["partner", "lead", "handler", "category", "cause", "decided_by"]
