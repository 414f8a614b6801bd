import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from duban.org.models import Employee


class EmployeeTable(tables.Table):
    name = tables.Column(linkify=True)
    team = tables.Column(linkify=True)
    user = tables.Column(verbose_name=_("登录账号"), accessor="user__username", default="—")

    class Meta:
        model = Employee
        fields = ["name", "team", "position", "status", "hire_date", "daily_capacity", "user"]
        empty_text = _("没有符合条件的员工。")
