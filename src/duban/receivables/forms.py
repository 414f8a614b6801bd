from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.forms import DATE, VersionedModelForm
from duban.core.models import MONEY as MONEY_COLUMN
from duban.org.models import Team, User
from duban.receivables.choices import ReceivableStatus
from duban.receivables.models import DunningAction, Payment, PlanLine, Receivable

MONEY = {**MONEY_COLUMN, "localize": True}


class ReceivableForm(VersionedModelForm):
    class Meta:
        model = Receivable
        fields = [
            "team",
            "lead",
            "project_name",
            "category",
            "invoice_date",
            "due_date",
            "agreed_payment_date",
            "warranty_due_date",
            "amount",
            "note",
        ]
        widgets = {
            name: DATE
            for name in ["invoice_date", "due_date", "agreed_payment_date", "warranty_due_date"]
        }
        localized_fields = ["amount"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user)
        self.fields["lead"].queryset = User.objects.filter(role="lead", is_active=True)

    def clean(self):
        cleaned = super().clean()
        team, lead, amount = cleaned.get("team"), cleaned.get("lead"), cleaned.get("amount")
        if team and lead and not team.leads.filter(pk=lead.pk).exists():
            self.add_error(
                "lead", _("%(lead)s 不是 %(team)s 的主管") % {"lead": lead, "team": team}
            )
        if amount is not None:
            if amount < self.instance.paid:
                self.add_error("amount", _("应收金额不能少于已回款金额"))
                return cleaned
            receivable = self.instance
            receivable.outstanding = amount - receivable.paid
            # the status follows what is owed: a settled receivable whose amount grows is open
            # again, one whose amount comes down to what was paid is settled
            if receivable.outstanding > 0 and receivable.status == ReceivableStatus.SETTLED:
                receivable.status, receivable.settled_on = ReceivableStatus.OPEN, None
            elif receivable.outstanding == 0 and receivable.status == ReceivableStatus.OPEN:
                receivable.status = ReceivableStatus.SETTLED
                receivable.settled_on = timezone.localdate()
        return cleaned


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["date", "amount", "note"]
        widgets = {"date": DATE}
        localized_fields = ["amount"]


class PlanLineForm(forms.ModelForm):
    class Meta:
        model = PlanLine
        fields = ["planned_date", "amount", "rhythm"]
        widgets = {"planned_date": DATE}
        localized_fields = ["amount"]


class ActionForm(forms.ModelForm):
    class Meta:
        model = DunningAction
        fields = ["date", "channel", "result", "promised_date", "promised_amount"]
        widgets = {"date": DATE, "promised_date": DATE, "result": forms.Textarea(attrs={"rows": 2})}
        localized_fields = ["promised_amount"]

    def clean(self):
        cleaned = super().clean()
        promised = cleaned.get("promised_amount")
        if promised is not None and promised <= 0:
            self.add_error("promised_amount", _("承诺金额应大于 0"))
        elif bool(cleaned.get("promised_date")) != bool(promised):
            raise forms.ValidationError(_("承诺付款日和承诺金额请一起填写"))
        return cleaned


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("应收账表文件"), help_text=_("xlsx、xls、ods 或 csv（UTF-8 或 GBK），第一张工作表")
    )
    as_of = forms.DateField(label=_("截至日期"), widget=DATE, initial=timezone.localdate)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError(_("文件超过 50 MB，请拆分后再导入"))
        return upload
