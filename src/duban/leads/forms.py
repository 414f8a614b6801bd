import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.forms import DATE, VersionedModelForm
from duban.leads.choices import Cycle, Stage
from duban.leads.models import LeadRequest, SalesLead
from duban.org.choices import EmployeeStatus, TeamKind
from duban.org.models import Employee, Team
from duban.partners.models import Partner
from duban.supervision.choices import Outcome

TEXT = forms.Textarea(attrs={"rows": 2})
PAST_DAYS, AHEAD_DAYS = 366 * 2, 366 * 2


def _sane(day):
    if day is None:
        return day
    today = timezone.localdate()
    if (today - day).days > PAST_DAYS or (day - today).days > AHEAD_DAYS:
        raise forms.ValidationError(_("日期应在两年前到两年后之间"))
    return day


def _named(employee) -> str:
    return f"{employee.team.name} · {employee.name}"


def _people(user):
    return (
        Employee.objects.visible_to(user)
        .exclude(status=EmployeeStatus.LEFT)
        .select_related("team")
        .order_by("team__name", "name")
    )


class RequestForm(forms.Form):
    back_team = forms.ModelChoiceField(label=_("提出团队（后端）"), queryset=Team.objects.none())
    team = forms.ModelChoiceField(label=_("承接团队（前端）"), queryset=Team.objects.none())
    kind = forms.CharField(label=_("销线类型"), max_length=100)
    quantity = forms.IntegerField(label=_("需求数量"), min_value=1, max_value=1_000_000)
    quality = forms.CharField(label=_("质量要求"), widget=TEXT, max_length=2000, required=False)
    deadline = forms.DateField(label=_("需求期限"), widget=DATE)
    partner = forms.ModelChoiceField(
        label=_("合作单位"), queryset=Partner.objects.all(), required=False
    )
    note = forms.CharField(label=_("说明"), widget=TEXT, max_length=2000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["back_team"].queryset = Team.objects.visible_to(user).filter(
            kind=TeamKind.BACK, is_active=True
        )
        self.fields["team"].queryset = Team.objects.filter(kind=TeamKind.FRONT, is_active=True)

    def clean_deadline(self):
        return _sane(self.cleaned_data["deadline"])


class AgreeForm(forms.Form):
    accepted = forms.IntegerField(label=_("承接数量"), min_value=1, max_value=1_000_000)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE, initial=timezone.localdate)
    target_on = forms.DateField(label=_("目标日期"), widget=DATE)
    milestones = forms.CharField(
        label=_("节点"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个：日期 名称 累计数量（数量可不填），例如 2026-12-15 首批交付 20"),
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("starts_on", "target_on"):
            try:
                _sane(cleaned.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        rows = []
        for number, line in enumerate((cleaned.get("milestones") or "").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            try:
                due_on = dt.date.fromisoformat(parts[0])
            except ValueError:
                self.add_error(
                    "milestones", _("第 %(n)d 行：日期应写成 2026-12-15") % {"n": number}
                )
                continue
            quantity = None
            if len(parts) > 2 and parts[-1].isdigit():
                quantity, parts = int(parts[-1]), parts[:-1]
            title = " ".join(parts[1:]).strip()
            if not title:
                self.add_error("milestones", _("第 %(n)d 行：请写节点名称") % {"n": number})
                continue
            rows.append({"due_on": due_on, "title": title[:200], "quantity": quantity})
        if not rows and "milestones" not in self.errors:
            self.add_error("milestones", _("至少写一个节点"))
        cleaned["milestone_rows"] = rows
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("拒绝原因"), widget=TEXT, max_length=2000)


class TaskForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("执行人"), queryset=Employee.objects.none())
    work = forms.CharField(label=_("工作内容"), max_length=200)
    planned = forms.IntegerField(label=_("计划数量"), min_value=0, max_value=100_000, initial=0)
    request = forms.ModelChoiceField(
        label=_("对应需求"), queryset=LeadRequest.objects.none(), required=False
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = team.employees.exclude(status=EmployeeStatus.LEFT)
        self.fields["request"].queryset = LeadRequest.objects.filter(team=team).open()


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("结果"), choices=Outcome.choices)
    achieved = forms.IntegerField(
        label=_("完成数量"), min_value=0, max_value=100_000, required=False
    )
    next_step = forms.CharField(label=_("下一步"), max_length=200, required=False)
    explained = forms.BooleanField(label=_("已向内勤讲清"), required=False)


class LeadForm(VersionedModelForm):
    class Meta:
        model = SalesLead
        fields = [
            "team",
            "request",
            "partner",
            "prospect",
            "owner",
            "stage",
            "value",
            "probability",
            "next_step",
            "next_on",
            "lost_reason",
        ]
        widgets = {"next_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.visible_to(user).filter(kind=TeamKind.FRONT, is_active=True)
        self.fields["team"].queryset = teams
        self.fields["request"].queryset = LeadRequest.objects.filter(team__in=teams).open()
        self.fields["owner"].queryset = _people(user).filter(team__in=teams)
        self.fields["owner"].label_from_instance = _named
        if self.instance.pk:
            self.fields["team"].disabled = True

    def clean_next_on(self):
        return _sane(self.cleaned_data.get("next_on"))


class SummaryForm(forms.Form):
    text = forms.CharField(
        label=_("综述"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    next_target = forms.CharField(label=_("下一目标"), max_length=200)
    next_milestone = forms.CharField(label=_("下一节点"), max_length=200)


class CycleForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("合作单位"), queryset=Partner.objects.all())
    team = forms.ModelChoiceField(label=_("跟进团队"), queryset=Team.objects.none())
    cycle = forms.ChoiceField(label=_("报计划周期"), choices=Cycle.choices)
    day = forms.IntegerField(
        label=_("周期中的第几天"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("每周：1–7（周一到周日）；每月、每季度：几号"),
    )
    dates = forms.CharField(
        label=_("指定日期"),
        required=False,
        help_text=_("周期为“指定日期”时，用逗号或空格分开，例如 2027-01-10, 2027-04-10"),
    )
    lead_days = forms.IntegerField(label=_("提前（工作日）"), min_value=0, max_value=20, initial=3)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        cycle, dates = cleaned.get("cycle"), []
        for text in (cleaned.get("dates") or "").replace("，", ",").replace(",", " ").split():
            try:
                dates.append(dt.date.fromisoformat(text).isoformat())
            except ValueError:
                self.add_error("dates", _("无法识别的日期 “%(d)s”") % {"d": text})
        if cycle == Cycle.DATES and not dates and "dates" not in self.errors:
            self.add_error("dates", _("请填写报计划的日期"))
        if cycle in (Cycle.WEEKLY, Cycle.MONTHLY, Cycle.QUARTERLY) and not cleaned.get("day"):
            self.add_error("day", _("请填写周期中的第几天"))
        if cycle == Cycle.WEEKLY and (cleaned.get("day") or 0) > 7:
            self.add_error("day", _("每周的第几天应为 1–7"))
        cleaned["dates"] = sorted(set(dates))
        return cleaned


STAGES = Stage.choices


# --- imports (importers.py) ------------------------------------------------------------------

UPLOAD_HELP = _("xlsx、xls、ods 或 csv（UTF-8 或 GBK），第一张工作表")
UPLOAD_MB = 10


def _upload(upload):
    if upload.size > UPLOAD_MB * 1024 * 1024:
        raise forms.ValidationError(
            _("文件超过 %(mb)d MB，请检查是否选错了文件") % {"mb": UPLOAD_MB}
        )
    return upload


class LeadUploadForm(forms.Form):
    """The leads table: each row's team is its 负责人's, or its 团队 column's."""

    file = forms.FileField(label=_("销线表文件"), help_text=UPLOAD_HELP)

    def clean_file(self):
        return _upload(self.cleaned_data["file"])


class SummaryUploadForm(forms.Form):
    """The summary sheet, of one front team (given in the link) unless it has a 团队 column."""

    for_user = True  # core.import_views gives the user
    team = forms.ModelChoiceField(
        label=_("团队"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("表中没有团队列时，整张表属于这个团队"),
    )
    file = forms.FileField(label=_("销线综述表文件"), help_text=UPLOAD_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(kind=TeamKind.FRONT)

    def clean_file(self):
        return _upload(self.cleaned_data["file"])
