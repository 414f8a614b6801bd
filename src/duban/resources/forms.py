from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.forms import DATE
from duban.org.models import Employee
from duban.resources.models import Resource
from duban.resources.selectors import ON_DUTY

MAX_COUNT = 100_000


class HandoverForm(forms.Form):
    """Plan a hand-over (流转) or request a swap (调换) between teams."""

    from_employee = forms.ModelChoiceField(label=_("交出人"), queryset=Employee.objects.none())
    to_employee = forms.ModelChoiceField(label=_("接收人"), queryset=Employee.objects.none())
    count = forms.IntegerField(
        label=_("数量"),
        min_value=1,
        max_value=MAX_COUNT,
        required=False,
        help_text=_("不指定具体资源时，交出时按领取最早的可打资源取这么多条"),
    )
    planned_on = forms.DateField(label=_("计划日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
    resources = forms.ModelMultipleChoiceField(
        queryset=Resource.objects.none(), widget=forms.MultipleHiddenInput, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = Employee.objects.filter(status__in=ON_DUTY, team__is_active=True)
        # the giver is one of the user's; the receiver may be in another team (a swap)
        self.fields["from_employee"].queryset = (
            Employee.objects.visible_to(user).select_related("team").order_by("team__name", "name")
        )
        self.fields["to_employee"].queryset = everyone.select_related("team").order_by(
            "team__name", "name"
        )
        self.fields["from_employee"].label_from_instance = _with_team
        self.fields["to_employee"].label_from_instance = _with_team
        self.fields["resources"].queryset = Resource.objects.visible_to(user)

    def clean_planned_on(self):
        day = self.cleaned_data["planned_on"]
        today = timezone.localdate()
        if (day - today).days > 366 or (today - day).days > 31:
            raise forms.ValidationError(_("计划日期应在一个月前到一年内之间"))
        return day

    def clean(self):
        cleaned = super().clean()
        giver, receiver = cleaned.get("from_employee"), cleaned.get("to_employee")
        if giver and receiver and giver == receiver:
            self.add_error("to_employee", _("交出人和接收人不能是同一人"))
        if not cleaned.get("count") and not cleaned.get("resources"):
            self.add_error("count", _("请填写数量，或在资源列表里勾选要交出的资源"))
        return cleaned


def _with_team(employee) -> str:
    return f"{employee.team.name} · {employee.name}"


class ArrangementForm(forms.Form):
    arrangement = forms.CharField(
        label=_("接收后的工作安排"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    result = forms.CharField(
        label=_("安排的结果"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("资源大表文件"), help_text=_("xlsx、xls、ods 或 csv（UTF-8 或 GBK），第一张工作表")
    )
    as_of = forms.DateField(label=_("截至日期"), widget=DATE, initial=timezone.localdate)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 50 MB，请拆分后再导入"))
        return upload
