from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "credit_days", "fixed_partner", "condition", "condition_team"]
    list_filter = ["condition", "fixed_partner"]
    search_fields = ["name", "code"]
    raw_id_fields = ["condition_by", "condition_team"]
