from django.contrib import admin

from duban.notify.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "reason", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["reason", "dedupe_key", "recipient__name"]
    readonly_fields = ["dedupe_key", "created_at", "sent_at", "attempts"]
