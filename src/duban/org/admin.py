from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from duban.core.forms import VersionedAdminMixin
from duban.org.models import BusinessLine, Employee, Team, User


@admin.register(User)
class DubanUserAdmin(SimpleHistoryAdmin, UserAdmin):
    list_display = ["username", "name", "role", "phone", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "name", "phone", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["name", "role", "phone", "email"]}),
        (_("权限"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "name", "role", "password1", "password2"]}),
    ]


@admin.register(BusinessLine)
class BusinessLineAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "head"]
    search_fields = ["name"]
    filter_horizontal = ["supervisors"]
    autocomplete_fields = ["head"]


@admin.register(Team)
class TeamAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "line", "kind", "is_active"]
    list_filter = ["line", "kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["leads"]


@admin.register(Employee)
class EmployeeAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "team", "position", "status", "hire_date", "daily_capacity", "user"]
    list_filter = ["status", "team__line", "team"]
    search_fields = ["name", "position", "phone"]
    autocomplete_fields = ["user", "team"]
    date_hierarchy = "hire_date"
