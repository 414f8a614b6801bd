from django.contrib import admin

from duban.core.models import CalendarDay, ImportBatch


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "uploaded_by", "status", "committed_at"]
    list_filter = ["kind", "status"]
    search_fields = ["filename", "sha256"]
    readonly_fields = ["sha256", "counts", "problems", "mapping", "options", "ignored"]
