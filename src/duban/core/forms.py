import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from duban.core.parsing import date_bounds
from duban.core.services import save_versioned, stale_edit_message

# the browser's date picker, which sends and shows ISO dates whatever the language
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that carries the record's version, so a stale edit is refused.

    ``clean()`` refuses an edit of a version that is no longer current; ``save()`` claims the
    version atomically and raises ``StaleEditError`` if another save won the race meanwhile.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["version"].required = not self.instance._state.adding

    def clean(self):
        cleaned = super().clean()
        if self.instance._state.adding or cleaned.get("version") is None:
            return cleaned
        current = type(self.instance).objects.filter(pk=self.instance.pk).first()
        if current is not None and current.version != cleaned["version"]:
            raise forms.ValidationError(stale_edit_message(current), code="stale")
        return cleaned

    def save(self, commit: bool = True):
        if not commit or self.instance._state.adding:
            return super().save(commit=commit)
        save_versioned(self.instance, expected_version=self.cleaned_data["version"])
        self._save_m2m()
        return self.instance


class VersionedAdminMixin:
    """Admin edits go through the same version check as the pages."""

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        # `version` is the form's own hidden field: it must be rendered, and posted back, for
        # the edit to be checked (and saved) at all; last, where a hidden row takes no room
        fields = [name for name in super().get_fields(request, obj) if name != "version"]
        return [*fields, "version"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # ... but the model must not be asked for it: it is not editable there
        from django.contrib.admin.utils import flatten_fieldsets

        if "fields" not in kwargs:  # (fields=None: admin asking which fields the form has)
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "version"]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            save_versioned(obj, expected_version=form.cleaned_data["version"])
        else:
            obj.save()


class MappingForm(forms.Form):
    """For each header of an uploaded file, which column it is, or not imported; and the
    values the whole table shares that no column gives (``table_choices``: "opt_<name>")."""

    def __init__(self, *args, headers, columns, mapping, table_choices=(), **kwargs):
        from django.utils.translation import gettext_lazy as _

        from duban.core.importing import IGNORE

        super().__init__(*args, **kwargs)
        for choice in table_choices:
            self.fields[f"opt_{choice['name']}"] = forms.ChoiceField(
                label=choice["label"],
                choices=[("", _("请选择")), *choice["choices"]],
                required=False,
            )
        choices = [(IGNORE, _("不导入")), *[(c.field, c.label) for c in columns]]
        for index, header in enumerate(headers):
            self.fields[str(index)] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=mapping.get(index, IGNORE)
            )


def within_date_bounds(value: dt.date | dt.datetime) -> None:
    """Every date typed in a form is within the years Duban takes (core.parsing.date_bounds):
    CoreConfig.ready() makes it a default validator of Django's date and date-time fields, so
    every form has it, model forms, filters and the admin's included."""
    first, last = date_bounds()
    day = value.date() if isinstance(value, dt.datetime) else value
    if not first <= day <= last:
        raise ValidationError(
            _("日期应在 %(first)s 年到 %(last)s 年之间"),
            code="date_bounds",
            params={"first": first.year, "last": last.year},
        )
