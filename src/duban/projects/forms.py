from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from duban.core.forms import DATE, VersionedModelForm
from duban.org.choices import TeamKind
from duban.org.models import Team
from duban.projects.models import Project

TEXT = forms.Textarea(attrs={"rows": 2})
YEARS = 5


def _sane(day):
    if day is None:
        return day
    today = timezone.localdate()
    if abs((day - today).days) > 366 * YEARS:
        raise forms.ValidationError(_("日期应在五年内"))
    return day


class ProjectForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "team",
            "partner",
            "back_team",
            "back_contact",
            "starts_on",
            "ends_on",
            "stage",
            "target_kind",
            "target",
            "review_weeks",
            "status",
            "note",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE, "note": TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)
        self.fields["back_team"].queryset = Team.objects.filter(kind=TeamKind.BACK, is_active=True)
        if self.instance.pk:
            self.fields["team"].disabled = True

    def clean_starts_on(self):
        return _sane(self.cleaned_data["starts_on"])

    def clean_ends_on(self):
        return _sane(self.cleaned_data["ends_on"])


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=200)
    due_on = forms.DateField(label=_("期限"), widget=DATE)

    def clean_due_on(self):
        return _sane(self.cleaned_data["due_on"])


class SummaryForm(forms.Form):
    progress = forms.CharField(
        label=_("进展"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    next_goal = forms.CharField(label=_("下一目标"), max_length=200)
    next_milestone = forms.CharField(label=_("下一节点"), max_length=200)
    allocation = forms.CharField(label=_("人员安排"), max_length=200, required=False)


class HandoverForm(forms.Form):
    what = forms.CharField(label=_("交接内容"), max_length=200)
    to_team = forms.ModelChoiceField(label=_("交给"), queryset=Team.objects.none())
    to_person = forms.CharField(label=_("接收人"), max_length=50, required=False)
    handed_on = forms.DateField(label=_("交接日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_team"].queryset = Team.objects.filter(kind=TeamKind.BACK, is_active=True)

    def clean_handed_on(self):
        return _sane(self.cleaned_data["handed_on"])


class ReceiveForm(forms.Form):
    next_goal = forms.CharField(label=_("后端下一目标"), max_length=200)


class ReviewForm(forms.Form):
    ok = forms.TypedChoiceField(
        label=_("人员安排"),
        choices=[("1", _("合理")), ("0", _("不合理"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("评估说明"), max_length=200, required=False)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("指标"), max_length=50)
    unit = forms.CharField(label=pgettext_lazy("indicator", "单位"), max_length=10, required=False)
    daily = forms.DecimalField(
        label=_("日目标"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    weekly = forms.DecimalField(
        label=_("周目标"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    monthly = forms.DecimalField(
        label=_("月目标"), min_value=0, max_digits=14, decimal_places=2, required=False
    )


UPLOAD_HELP = _("xlsx、xls、ods 或 csv（UTF-8 或 GBK），第一张工作表")
UPLOAD_MB = 10


def _upload(upload):
    if upload.size > UPLOAD_MB * 1024 * 1024:
        raise forms.ValidationError(
            _("文件超过 %(mb)d MB，请检查是否选错了文件") % {"mb": UPLOAD_MB}
        )
    return upload


class ProjectTableUploadForm(forms.Form):
    """The project table, a dated version of each of its teams' tables: each row's team is its
    团队, its 主管's, or the one chosen here."""

    for_user = True  # core.import_views gives the user
    team = forms.ModelChoiceField(
        label=_("团队"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("表中没有团队列和主管列时，整张表属于这个团队"),
    )
    as_of = forms.DateField(
        label=_("截至日期"), widget=DATE, initial=timezone.localdate, required=False
    )
    file = forms.FileField(label=_("项目表文件"), help_text=UPLOAD_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("截至日期不能晚于今天"))
        return day

    def clean_file(self):
        return _upload(self.cleaned_data["file"])


class ActualsUploadForm(forms.Form):
    """The daily indicator sheet: 日期, 项目, then a column for each indicator (or 指标 and
    实际)."""

    file = forms.FileField(
        label=_("每日指标表文件"),
        help_text=_(
            "日期、项目，再每个指标一列（表头写指标名称）；或日期、项目、指标、实际四列。"
            "xlsx、xls、ods 或 csv（UTF-8 或 GBK），第一张工作表"
        ),
    )

    def clean_file(self):
        return _upload(self.cleaned_data["file"])
