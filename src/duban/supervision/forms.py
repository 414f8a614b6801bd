from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.forms import DATE, VersionedModelForm
from duban.org.choices import Role
from duban.org.models import BusinessLine, Employee, Team, User
from duban.supervision.cadence import parse_numbers
from duban.supervision.choices import Area, Cadence, Channel, Outcome, RiskLevel, ScopeKind
from duban.supervision.models import AreaPolicy, CheckIn, FollowUpRule, Matter
from duban.supervision.registry import SUBJECT_KINDS

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})


class RuleForm(VersionedModelForm):
    class Meta:
        model = FollowUpRule
        fields = [
            "area",
            "title",
            "description",
            "cadence",
            "weekdays",
            "month_days",
            "scope",
            "team",
            "line",
            "team_kind",
            "subject_kind",
            "owner",
            "leads",
            "agreed_time",
            "channel",
            "start_date",
            "is_active",
        ]
        widgets = {"agreed_time": TIME, "start_date": DATE, "description": TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        followed = [(k.name, k.label) for k in SUBJECT_KINDS.values() if k.items is not None]
        self.fields["subject_kind"] = forms.ChoiceField(
            label=_("跟进对象"),
            choices=[("", _("团队（每个团队一次）")), *sorted(followed, key=lambda c: str(c[1]))],
            required=False,
            help_text=self.fields["subject_kind"].help_text,
        )
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("line")
        self.fields["line"].queryset = BusinessLine.objects.visible_to(user)
        self.fields["owner"].queryset = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
        self.fields["leads"].queryset = User.objects.filter(role=Role.LEAD, is_active=True)

    def clean(self):
        cleaned = super().clean()
        for field, cadence, high in [
            ("weekdays", Cadence.WEEKDAYS, 7),
            ("month_days", Cadence.MONTH_DAYS, 31),
        ]:
            try:
                numbers = parse_numbers(cleaned.get(field) or "", 1, high)
            except ValueError as bad:
                self.add_error(
                    field,
                    _("无法识别“%(part)s”，请填写 1–%(high)d 的数字，用逗号分隔")
                    % {"part": bad, "high": high},
                )
                continue
            if cleaned.get("cadence") == cadence and not numbers:
                self.add_error(field, _("自定义频率需要填写这一项"))
        scope = cleaned.get("scope")
        if scope == ScopeKind.TEAM and not cleaned.get("team"):
            self.add_error("team", _("范围为一个团队时，请选择团队"))
        if scope == ScopeKind.LINE and not cleaned.get("line"):
            self.add_error("line", _("范围为一个条线时，请选择条线"))
        return cleaned


class CheckInScheduleForm(forms.ModelForm):
    """An ad-hoc check-in: the communication time is agreed when it is scheduled (S-GEN-3)."""

    class Meta:
        model = CheckIn
        fields = [
            "area",
            "title",
            "team",
            "lead",
            "date",
            "agreed_time",
            "channel",
            "urgent",
            "planned",
        ]
        widgets = {"date": DATE, "agreed_time": TIME}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("line")
        self.fields["lead"].queryset = User.objects.filter(role=Role.LEAD, is_active=True)
        self.fields["lead"].required = True
        self.fields["agreed_time"].required = True
        self.fields["planned"].initial = False

    def clean(self):
        cleaned = super().clean()
        team, lead = cleaned.get("team"), cleaned.get("lead")
        if team and lead and not team.leads.filter(pk=lead.pk).exists():
            self.add_error(
                "lead", _("%(lead)s 不是 %(team)s 的主管") % {"lead": lead, "team": team}
            )
        return cleaned


class CheckInRecordForm(forms.Form):
    channel = forms.ChoiceField(label=_("沟通方式"), choices=Channel.choices)
    findings = forms.CharField(label=_("沟通情况"), widget=TEXT)
    outcome = forms.ChoiceField(label=_("结果回收"), choices=Outcome.choices)
    next_step = forms.CharField(label=_("下一步"), widget=TEXT, required=False)
    next_milestone_date = forms.DateField(label=_("下一节点日期"), widget=DATE, required=False)


class RescheduleForm(forms.Form):
    date = forms.DateField(label=_("改到哪天"), widget=DATE)
    agreed_time = forms.TimeField(label=_("约定沟通时间"), widget=TIME)
    reason = forms.CharField(label=_("改约原因"), max_length=200)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("不能改到今天以前"))
        return day


class MatterRescheduleForm(forms.Form):
    agreed_at = forms.DateTimeField(
        label=_("新的约定沟通时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("改约原因"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class MatterForm(VersionedModelForm):
    class Meta:
        model = Matter
        fields = [
            "title",
            "description",
            "area",
            "team",
            "owner",
            "deadline",
            "priority",
            "planned",
            "agreed_at",
        ]
        widgets = {
            "deadline": DATE,
            "agreed_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": TEXT,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("line")
        self.fields["owner"].queryset = User.objects.filter(role=Role.LEAD, is_active=True)
        self.fields["agreed_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        cleaned = super().clean()
        team, owner = cleaned.get("team"), cleaned.get("owner")
        if team and owner and not team.leads.filter(pk=owner.pk).exists():
            self.add_error(
                "owner", _("%(lead)s 不是 %(team)s 的主管") % {"lead": owner, "team": team}
            )
        if cleaned.get("planned") and not cleaned.get("agreed_at"):
            self.add_error("agreed_at", _("计划内事项请提前约定沟通时间"))
        return cleaned


class ChaseForm(forms.Form):
    channel = forms.ChoiceField(label=_("方式"), choices=Channel.choices)
    note = forms.CharField(label=_("催办内容"), widget=TEXT)


class VerifyForm(forms.Form):
    landed = forms.TypedChoiceField(
        label=_("结论"),
        choices=[("1", _("已落地")), ("0", _("未落地"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("验证意见"), widget=TEXT, required=False)


class RiskForm(forms.Form):
    area = forms.ChoiceField(label=_("领域"), choices=Area.choices)
    level = forms.ChoiceField(label=_("等级"), choices=RiskLevel.choices)
    team = forms.ModelChoiceField(
        label=_("团队"),
        queryset=Team.objects.none(),
        required=False,
        help_text=_("留空表示全公司的风险，须指定负责的主管"),
    )
    lead = forms.ModelChoiceField(
        label=_("责任主管"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("要为这条风险拿出方案的主管；不填时为团队的主管"),
    )
    title = forms.CharField(label=_("风险"), max_length=200)
    evidence = forms.CharField(label=_("依据"), widget=TEXT, help_text=_("每行一条"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).select_related("line")
        self.fields["lead"].queryset = User.objects.filter(role=Role.LEAD, is_active=True)
        self.user = user
        if user.role == Role.LEAD:  # a lead raises risks of their own teams
            self.fields["team"].required = True
            self.fields["team"].help_text = ""

    def clean(self):
        cleaned = super().clean()
        team, lead = cleaned.get("team"), cleaned.get("lead")
        if team is None and lead is None and "team" not in self.errors:
            self.add_error("lead", _("全公司的风险请指定负责的主管"))
        if team and lead and not team.leads.filter(pk=lead.pk).exists():
            self.add_error(
                "lead", _("%(lead)s 不是 %(team)s 的主管") % {"lead": lead, "team": team}
            )
        return cleaned


class PlanDemandForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("主管"), queryset=User.objects.none())
    submit_by = forms.DateField(label=_("提交期限"), widget=DATE)
    request = forms.CharField(
        label=_("要求"), widget=TEXT, help_text=_("要主管说明什么、解决到什么程度")
    )
    requires_forecast = forms.BooleanField(
        label=_("要求风险预判"),
        required=False,
        help_text=_("提交方案时必须写明还可能出什么问题、备用办法是什么（S-ONE-2）"),
    )

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        team, named = subject.team, getattr(subject, "lead", None)
        if team is not None:
            leads = team.leads.order_by("name")
        else:  # a company-wide risk: the lead it names, or any lead
            leads = User.objects.filter(role=Role.LEAD, is_active=True).order_by("name")
        self.fields["lead"].queryset = leads
        first = list(leads[:2])
        if named is not None and leads.filter(pk=named.pk).exists():
            self.fields["lead"].initial = named
        elif len(first) == 1:
            self.fields["lead"].initial = first[0]
        self.fields["requires_forecast"].initial = AreaPolicy.for_area(
            subject.area
        ).requires_forecast

    def clean_submit_by(self):
        day = self.cleaned_data["submit_by"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("提交期限不能早于今天"))
        return day


class PlanSubmitForm(forms.Form):
    cause = forms.CharField(label=_("原因分析"), widget=TEXT)
    measures = forms.CharField(label=_("措施"), widget=forms.Textarea(attrs={"rows": 5}))
    forecast = forms.CharField(
        label=_("风险预判"), widget=TEXT, required=False, help_text=_("措施之后还可能出什么问题")
    )
    fallback = forms.CharField(
        label=_("备用办法"), widget=TEXT, required=False, help_text=_("出了问题怎么办")
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        if plan.requires_forecast:  # S-ONE-2
            self.fields["forecast"].required = self.fields["fallback"].required = True
        else:
            del self.fields["forecast"], self.fields["fallback"]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=200)
    due_date = forms.DateField(label=_("到期日"), widget=DATE)
    owner = forms.ModelChoiceField(
        label=_("负责人"), queryset=Employee.objects.none(), required=False
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team.employees.current().order_by("name")


class BaseMilestoneFormSet(forms.BaseFormSet):
    """The plan's milestones: rows can be added and removed; a row left empty is ignored."""

    def clean(self):
        if any(self.errors):
            return
        if not self.milestones():
            raise forms.ValidationError(_("方案至少要有一个节点"))

    def milestones(self) -> list[dict]:
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data]
        return [
            {name: value for name, value in row.items() if name != "DELETE"}
            for row in kept
            if not row.get("DELETE")
        ]


MilestoneFormSet = formset_factory(
    MilestoneForm, formset=BaseMilestoneFormSet, extra=2, can_delete=True
)


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审核结果"),
        choices=[("1", _("通过")), ("0", _("退回修改"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("审核意见"), widget=TEXT, required=False)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("完成日期"), widget=DATE, initial=timezone.localdate)
    evidence = forms.CharField(label=_("完成依据"), widget=forms.Textarea(attrs={"rows": 2}))
