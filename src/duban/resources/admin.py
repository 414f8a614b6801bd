from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.resources.models import Category, Handover, Resource, Settings, Source


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "min_days_cover",
        "projection_days",
        "worked_within_days",
        "default_capacity",
    ]

    def has_add_permission(self, request):
        return not Settings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source, Category)
class NamedListAdmin(admin.ModelAdmin):
    """The source and category lists (S-RES-1): admins rename, order and retire names;
    imports add the names they meet."""

    list_display = ["name", "is_active", "order"]
    list_editable = ["is_active", "order"]
    search_fields = ["name"]


@admin.register(Resource)
class ResourceAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "team", "owner", "source", "category", "grade", "status"]
    list_filter = ["status", "grade", "team"]
    search_fields = ["number", "contact_name", "company", "phone"]
    raw_id_fields = ["team", "owner", "source", "category", "batch"]
    show_full_result_count = False  # no COUNT(*) over millions of rows


@admin.register(Handover)
class HandoverAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "team", "to_team", "planned_on", "status"]
    list_filter = ["status", "kind"]
    raw_id_fields = [
        "team",
        "to_team",
        "from_employee",
        "to_employee",
        "resources",
        "approved_by_from",
        "approved_by_to",
        "received_by",
        "created_by",
    ]
