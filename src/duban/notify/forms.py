from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from duban.notify import channels
from duban.notify.models import ChannelKind, Endpoint, MessageKind, Profile
from duban.org.models import Team, User


class EndpointForm(forms.ModelForm):
    """A person's e-mail or robot, or a team's group robot; the address checked for its kind."""

    class Meta:
        model = Endpoint
        fields = ["kind", "label", "address", "secret", "user", "team", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("name")
        self.fields["team"].queryset = Team.objects.filter(is_active=True).order_by("name")
        self.fields["secret"].help_text = _("钉钉、飞书机器人开启“加签”时填写")

    def clean(self):
        data = super().clean()
        user, team, kind = data.get("user"), data.get("team"), data.get("kind")
        if bool(user) == bool(team):
            raise ValidationError(_("请选择个人或团队群，二者选一。"))
        if team and kind == ChannelKind.EMAIL:
            self.add_error("kind", _("邮箱只能属于个人。"))
        if kind and data.get("address"):
            try:
                channels.validate_address(kind, data["address"].strip())
            except ValidationError as error:
                self.add_error("address", error)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["mobile", "feishu_id", "digest_at"]
        widgets = {"digest_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {"digest_at": _("每天这个时间收到一条摘要，逾期升级并入摘要；留空则逐条接收")}

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip().replace(" ", "").replace("-", "")
        if mobile and not (mobile.isdigit() and len(mobile) == 11 and mobile.startswith("1")):
            raise ValidationError(_("请填写 11 位手机号"))
        return mobile


def choice_field_name(endpoint_id: int, kind: str) -> str:
    return f"c_{endpoint_id}_{kind}"


class ChoicesForm(forms.Form):
    """Which of my endpoints get which kinds of message: a checkbox a pair."""

    def __init__(self, *args, endpoints, chosen: set[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.endpoints = endpoints
        for endpoint in endpoints:
            for kind, label in MessageKind.choices:
                self.fields[choice_field_name(endpoint.pk, kind)] = forms.BooleanField(
                    label=label, required=False, initial=(endpoint.pk, kind) in chosen
                )

    def rows(self) -> list:
        return [
            (endpoint, [self[choice_field_name(endpoint.pk, kind)] for kind in MessageKind.values])
            for endpoint in self.endpoints
        ]

    def pairs(self) -> set[tuple[int, str]]:
        return {
            (endpoint.pk, kind)
            for endpoint in self.endpoints
            for kind in MessageKind.values
            if self.cleaned_data.get(choice_field_name(endpoint.pk, kind))
        }
