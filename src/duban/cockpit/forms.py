from django import forms
from django.utils.translation import gettext_lazy as _

from duban.cockpit.models import POINTS
from duban.cockpit.selectors import DIMENSION_KEY
from duban.core.scoring import MEASURES, Dimension


class AdjustForm(forms.Form):
    dimension = forms.ChoiceField(label=_("维度"), choices=Dimension.choices)
    points = forms.IntegerField(
        label=_("调整分"),
        min_value=-POINTS,
        max_value=POINTS,
        help_text=_("正数加分，负数减分；填 0 撤销调整"),
    )
    reason = forms.CharField(
        label=_("调整原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("points") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请写明调整原因。"))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("点评"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WeightsForm(forms.Form):
    """One weight per dimension and per measure, 0 (not counted) to 10."""

    def __init__(self, *args, current: dict[str, float], **kwargs):
        super().__init__(*args, **kwargs)
        for dimension, label in Dimension.choices:
            key = f"{DIMENSION_KEY}{dimension}"
            self.fields[key] = self._weight(label, current.get(key, 1))
        for code, measure in sorted(MEASURES.items(), key=lambda kv: (kv[1].order, kv[0])):
            self.fields[code] = self._weight(measure.label, current.get(code, 1))
            self.fields[code].help_text = measure.explain

    @staticmethod
    def _weight(label, initial) -> forms.DecimalField:
        return forms.DecimalField(
            label=label,
            min_value=0,
            max_value=10,
            max_digits=4,
            decimal_places=1,
            initial=initial,
        )

    def groups(self):
        """(dimension label, its weight's field, its measures' fields) for the page."""
        for dimension, label in Dimension.choices:
            fields = [
                self[code]
                for code, m in sorted(MEASURES.items(), key=lambda kv: (kv[1].order, kv[0]))
                if m.dimension == dimension
            ]
            yield label, self[f"{DIMENSION_KEY}{dimension}"], fields
