from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.projects.models import Indicator, Project, ProjectHandover, Settings


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "new_weeks", "miss_margin"]

    def has_add_permission(self, request):
        return not Settings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "team", "cycle", "starts_on", "ends_on", "stage", "status"]
    list_filter = ["cycle", "status", "team"]
    raw_id_fields = ["partner", "lead"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["project", "name", "daily", "weekly", "monthly"]
    raw_id_fields = ["project"]


@admin.register(ProjectHandover)
class ProjectHandoverAdmin(admin.ModelAdmin):
    list_display = ["project", "what", "to_team", "handed_on", "received_on"]
    raw_id_fields = ["project", "received_by"]
