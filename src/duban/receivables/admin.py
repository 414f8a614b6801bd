from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.receivables.models import Receivable, Settings


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "aging_basis", "large_amount"]

    def has_add_permission(self, request):
        return not Settings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receivable)
class ReceivableAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "customer",
        "team",
        "category",
        "due_date",
        "amount",
        "outstanding",
        "status",
    ]
    list_filter = ["status", "category", "team"]
    search_fields = ["number", "customer__name", "project_name"]
    raw_id_fields = ["customer", "team", "lead", "batch"]
    readonly_fields = ["paid", "outstanding"]
