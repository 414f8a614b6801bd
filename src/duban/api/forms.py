from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=50,
        help_text=_("写明哪个程序用它，例如“每日报表脚本”，以后撤销时好认"),
    )
