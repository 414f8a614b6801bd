import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from duban.core.forms import DATE
from duban.org.choices import EmployeeStatus, Post
from duban.org.models import Employee, Team
from duban.people.choices import (
    ChangeKind,
    Decision,
    EmployeeState,
    LeaveReason,
    NoteKind,
    Sentiment,
    TrainingKind,
)
from duban.people.models import Training

TEXT = forms.Textarea(attrs={"rows": 2})
PAST_DAYS, AHEAD_DAYS = 366 * 3, 366  # how far from today a recorded day may be


def _sane(day: dt.date | None, *, ahead: int = AHEAD_DAYS) -> dt.date | None:
    """A day near enough to today to be meant (not 0026 for 2026)."""
    if day is None:
        return day
    today = timezone.localdate()
    if (today - day).days > PAST_DAYS or (day - today).days > ahead:
        raise forms.ValidationError(_("日期应在三年前到一年后之间"))
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


class ChangeForm(forms.Form):
    """A staff change (S-HR-3): who, what and when; a join names the new person."""

    kind = forms.ChoiceField(label=_("变动"), choices=ChangeKind.choices)
    employee = forms.ModelChoiceField(
        label=_("员工"), queryset=Employee.objects.none(), required=False
    )
    name = forms.CharField(label=_("新员工姓名"), max_length=50, required=False)
    date = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    team = forms.ModelChoiceField(
        label=_("团队"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("入职：加入的团队；调岗：调往的团队"),
    )
    post = forms.ChoiceField(
        label=_("岗位类别"),
        choices=[("", "---------"), *Post.choices],
        required=False,
        help_text=_("入职、岗位变化时填写"),
    )
    position = forms.CharField(label=_("岗位名称"), max_length=50, required=False)
    reason = forms.ChoiceField(
        label=_("离职原因"), choices=[("", "---------"), *LeaveReason.choices], required=False
    )
    until = forms.DateField(label=_("预计返岗"), widget=DATE, required=False)
    note = forms.CharField(label=_("说明"), widget=TEXT, max_length=2000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = _people(user)
        self.fields["employee"].label_from_instance = _named
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)

    def clean_date(self):
        return _sane(self.cleaned_data["date"])

    def clean_until(self):
        return _sane(self.cleaned_data.get("until"), ahead=AHEAD_DAYS * 2)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        need = {
            ChangeKind.JOIN: ["name", "team"],
            ChangeKind.LEAVE: ["employee", "reason"],
            ChangeKind.TRANSFER: ["employee", "team"],
            ChangeKind.POST: ["employee", "post"],
            ChangeKind.LONG_LEAVE: ["employee"],
            ChangeKind.RETURN: ["employee"],
        }.get(kind, [])
        for name in need:
            if not cleaned.get(name):
                self.add_error(name, _("这一项变动须填写此项"))
        return cleaned


class HeadcountPlanForm(forms.Form):
    post = forms.ChoiceField(label=_("岗位类别"), choices=Post.choices)
    count = forms.IntegerField(label=_("编制人数"), min_value=0, max_value=500)
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_effective_from(self):
        return _sane(self.cleaned_data["effective_from"])


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("讨论日期"), widget=DATE, initial=timezone.localdate)
    proposal = forms.CharField(label=_("提议"), widget=TEXT, max_length=2000)
    decision = forms.ChoiceField(label=_("决定"), choices=Decision.choices)
    decision_note = forms.CharField(
        label=_("决定说明"), widget=TEXT, max_length=2000, required=False
    )

    def clean_held_on(self):
        return _sane(self.cleaned_data["held_on"], ahead=0)


class BudgetForm(forms.Form):
    month = forms.DateField(label=_("月份"), widget=DATE, initial=timezone.localdate)
    amount = forms.DecimalField(
        label=_("人力成本预算（元）"), min_value=0, max_digits=12, decimal_places=2
    )

    def clean_month(self):
        return _sane(self.cleaned_data["month"])


class TrainingForm(forms.Form):
    team = forms.ModelChoiceField(label=_("团队"), queryset=Team.objects.none())
    topic = forms.CharField(label=_("主题"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=TrainingKind.choices)
    held_on = forms.DateField(label=_("培训日期"), widget=DATE, initial=timezone.localdate)
    trainer = forms.CharField(label=_("讲师"), max_length=50)
    project = forms.CharField(label=_("项目"), max_length=100, required=False)
    content = forms.CharField(label=_("内容"), widget=TEXT, max_length=4000, required=False)
    retraining_of = forms.ModelChoiceField(
        label=_("二次培训，针对"),
        queryset=Training.objects.none(),
        required=False,
        help_text=_("这是对哪次培训的二次培训（通过率不达标时）"),
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("参加人员"),
        queryset=Employee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)
        self.fields["retraining_of"].queryset = Training.objects.visible_to(user).select_related(
            "team"
        )[:200]
        self.fields["retraining_of"].label_from_instance = lambda t: f"{t.team.name} · {t}"
        self.fields["attendees"].queryset = _people(user)
        self.fields["attendees"].label_from_instance = _named

    def clean_held_on(self):
        return _sane(self.cleaned_data["held_on"], ahead=0)

    def clean(self):
        cleaned = super().clean()
        team, attendees = cleaned.get("team"), cleaned.get("attendees") or []
        others = [person.name for person in attendees if team and person.team_id != team.pk]
        if others:
            self.add_error(
                "attendees", _("不是本团队的员工：%(names)s") % {"names": "、".join(others)}
            )
        return cleaned


class ResultForm(forms.Form):
    """One attendee's result, as a row of the training's results page."""

    score = forms.DecimalField(
        label=_("成绩"), min_value=0, max_value=100, decimal_places=1, required=False
    )
    passed = forms.NullBooleanField(
        label=_("是否通过"),
        required=False,
        widget=forms.Select(
            choices=[
                ("unknown", "—"),
                ("true", pgettext_lazy("training", "通过")),
                ("false", _("未通过")),
            ]
        ),
    )
    uptake = forms.TypedChoiceField(
        label=_("接受程度"),
        choices=[("", "—"), *[(str(n), str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class TrainingPlanForm(forms.Form):
    team = forms.ModelChoiceField(label=_("团队"), queryset=Team.objects.none())
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("不限")), *TrainingKind.choices], required=False
    )
    project = forms.CharField(
        label=_("项目"), max_length=100, required=False, help_text=_("按项目计划时写项目名称")
    )
    count = forms.IntegerField(label=_("计划次数"), min_value=1, max_value=100)
    content = forms.CharField(label=_("计划内容"), widget=TEXT, max_length=4000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        for name in ("starts_on", "ends_on"):
            try:
                _sane(cleaned.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        if start and end and end < start:
            self.add_error("ends_on", _("结束日期不能早于开始日期"))
        return cleaned


class TalkForm(forms.Form):
    employee = forms.ModelChoiceField(label=_("员工"), queryset=Employee.objects.none())
    held_on = forms.DateField(label=_("谈话日期"), widget=DATE, initial=timezone.localdate)
    state = forms.ChoiceField(label=_("员工状态"), choices=EmployeeState.choices)
    problems = forms.CharField(label=_("提出的问题"), widget=TEXT, max_length=2000, required=False)
    help = forms.CharField(label=_("商定的帮助"), widget=TEXT, max_length=2000, required=False)
    follow_up = forms.CharField(label=_("后续跟进"), widget=TEXT, max_length=2000, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = _people(user)
        self.fields["employee"].label_from_instance = _named

    def clean_held_on(self):
        return _sane(self.cleaned_data["held_on"], ahead=0)


class BestEmployeeForm(forms.Form):
    team = forms.ModelChoiceField(label=_("团队"), queryset=Team.objects.none())
    month = forms.DateField(label=_("评选月份"), widget=DATE, help_text=_("所评月份中的任意一天"))
    criteria = forms.CharField(label=_("评选标准"), widget=TEXT, max_length=2000)
    candidates = forms.ModelMultipleChoiceField(
        label=_("候选人"),
        queryset=Employee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    winner = forms.ModelChoiceField(label=_("当选"), queryset=Employee.objects.none())
    announced_on = forms.DateField(label=_("公布日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).filter(is_active=True)
        for name in ("candidates", "winner"):
            self.fields[name].queryset = _people(user)
            self.fields[name].label_from_instance = _named

    def clean(self):
        cleaned = super().clean()
        for name in ("month", "announced_on"):
            try:
                _sane(cleaned.get(name), ahead=0)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned


class NoteForm(forms.Form):
    noted_on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("类型"), choices=NoteKind.choices)
    sentiment = forms.ChoiceField(label=_("倾向"), choices=Sentiment.choices)
    note = forms.CharField(label=_("记录"), widget=TEXT, max_length=2000)

    def clean_noted_on(self):
        return _sane(self.cleaned_data["noted_on"], ahead=0)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("花名册文件"), help_text=_("xlsx、xls、ods 或 csv（UTF-8 或 GBK），第一张工作表")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 50 MB，请拆分后再导入"))
        return upload


class AttendanceUploadForm(forms.Form):
    """A training's sign-in / score sheet, for one of the user's trainings."""

    for_user = True  # core.import_views gives the user
    training = forms.ModelChoiceField(label=_("培训"), queryset=Training.objects.none())
    file = forms.FileField(
        label=_("签到/成绩表"),
        help_text=_(
            "xlsx、xls、ods 或 csv（UTF-8 或 GBK）：姓名或工号，成绩、是否通过、接受程度、备注"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        trainings = Training.objects.visible_to(user).select_related("team")
        self.fields["training"].queryset = trainings.order_by("-held_on", "-pk")[:200]
        self.fields["training"].label_from_instance = lambda t: (
            f"{t.held_on} · {t.team.name} · {t.topic}"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 10 MB，请检查是否选错了文件"))
        return upload
