from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.people.models import (
    BestEmployee,
    HeadcountPlan,
    RelationNote,
    Settings,
    StaffBudget,
    StaffChange,
    StructureReview,
    Talk,
    Training,
    TrainingPlan,
    TrainingResult,
)


@admin.register(Settings)
class SettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pass_mark", "pass_rate_bar", "short_by", "best_employee_by"]

    def has_add_permission(self, request):
        return not Settings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HeadcountPlan)
class HeadcountPlanAdmin(admin.ModelAdmin):
    list_display = ["team", "post", "count", "effective_from", "set_by"]
    list_filter = ["post", "team"]
    raw_id_fields = ["set_by"]


@admin.register(StaffBudget)
class StaffBudgetAdmin(admin.ModelAdmin):
    list_display = ["team", "month", "amount"]
    list_filter = ["team"]


@admin.register(StructureReview)
class StructureReviewAdmin(admin.ModelAdmin):
    list_display = ["team", "held_on", "decision"]
    raw_id_fields = ["recorded_by"]


@admin.register(StaffChange)
class StaffChangeAdmin(admin.ModelAdmin):
    """Changes are recorded on their page, which applies them to the employee and demands the
    lead's plans; here they are only read."""

    list_display = ["employee", "kind", "date", "team", "from_team"]
    list_filter = ["kind", "team"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ResultInline(admin.TabularInline):
    model = TrainingResult
    raw_id_fields = ["employee"]
    extra = 0


@admin.register(Training)
class TrainingAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["topic", "team", "kind", "held_on", "lead"]
    list_filter = ["kind", "team"]
    raw_id_fields = ["lead", "retraining_of", "recorded_by"]
    inlines = [ResultInline]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin):
    list_display = ["team", "starts_on", "ends_on", "kind", "count"]
    raw_id_fields = ["set_by"]


@admin.register(Talk)
class TalkAdmin(admin.ModelAdmin):
    list_display = ["employee", "month", "held_on", "state", "lead"]
    raw_id_fields = ["employee", "lead"]


@admin.register(BestEmployee)
class BestEmployeeAdmin(admin.ModelAdmin):
    list_display = ["team", "month", "winner", "announced_on"]
    raw_id_fields = ["winner", "candidates", "organised_by"]


@admin.register(RelationNote)
class RelationNoteAdmin(admin.ModelAdmin):
    list_display = ["employee", "noted_on", "kind", "sentiment"]
    raw_id_fields = ["employee", "recorded_by"]
