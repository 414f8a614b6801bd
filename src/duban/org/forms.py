from duban.core.forms import DATE, VersionedModelForm
from duban.org.models import Employee, Team


class EmployeeForm(VersionedModelForm):
    class Meta:
        model = Employee
        fields = [
            "name",
            "team",
            "position",
            "status",
            "hire_date",
            "leave_date",
            "daily_capacity",
            "phone",
        ]
        widgets = {
            "hire_date": DATE,
            "leave_date": DATE,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("line")
