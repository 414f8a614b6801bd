from django import forms

from duban.core.forms import DATE
from duban.partners.models import ConditionNote


class ConditionNoteForm(forms.ModelForm):
    class Meta:
        model = ConditionNote
        fields = ["date", "condition", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}
