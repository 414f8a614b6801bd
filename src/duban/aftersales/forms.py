from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.aftersales.choices import Channel, Responsibility, Severity
from duban.aftersales.models import Category, Cause
from duban.org.choices import EmployeeStatus
from duban.org.models import Employee, Team
from duban.partners.models import Partner

TEXT = forms.Textarea(attrs={"rows": 3})


class CaseForm(forms.Form):
    team = forms.ModelChoiceField(label=_("团队"), queryset=Team.objects.none())
    partner = forms.ModelChoiceField(
        label=_("客户"), queryset=Partner.objects.all(), required=False
    )
    project = forms.CharField(label=_("项目"), max_length=100, required=False)
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=Severity.choices, initial=Severity.NORMAL
    )
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=Category.objects.filter(is_active=True), required=False
    )
    cause = forms.ModelChoiceField(
        label=_("原因"), queryset=Cause.objects.filter(is_active=True), required=False
    )
    handler = forms.ModelChoiceField(
        label=_("处理人"), queryset=Employee.objects.none(), required=False
    )
    reported_at = forms.DateTimeField(
        label=_("报告时间"),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(label=_("问题描述"), widget=TEXT, max_length=4000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)
        people = Employee.objects.visible_to(user).exclude(status=EmployeeStatus.LEFT)
        self.fields["handler"].queryset = people.select_related("team")
        self.fields["handler"].label_from_instance = lambda e: f"{e.team.name} · {e.name}"

    def clean_reported_at(self):
        at = self.cleaned_data["reported_at"]
        now = timezone.now()
        if at > now + timezone.timedelta(minutes=5) or (now - at).days > 366:
            raise forms.ValidationError(_("报告时间应在一年内，且不晚于现在"))
        return at


class StepForm(forms.Form):
    what = forms.CharField(label=_("处理过程"), widget=TEXT, max_length=4000)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=TEXT, max_length=4000)
    confirmed = forms.BooleanField(label=_("客户已确认"), required=False)


class DecideForm(forms.Form):
    responsibility = forms.ChoiceField(label=_("责任方"), choices=Responsibility.choices)
    person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    disputed = forms.BooleanField(label=_("有争议"), required=False)


class ReviewForm(forms.Form):
    asked = forms.CharField(label=_("对主管的要求"), widget=TEXT, max_length=4000)


class ReturnForm(forms.Form):
    corrections = forms.CharField(label=_("更正说明"), widget=TEXT, max_length=4000, required=False)


UPLOAD_HELP = _("xlsx、xls、ods 或 csv（UTF-8 或 GBK），第一张工作表")
UPLOAD_MB = 10


class UploadForm(forms.Form):
    """The after-sales register: each row's team is its 处理人's, or its 团队 column's."""

    file = forms.FileField(label=_("售后登记表文件"), help_text=UPLOAD_HELP)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("文件超过 %(mb)d MB，请检查是否选错了文件") % {"mb": UPLOAD_MB}
            )
        return upload
