from django import forms
from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from duban.core.choices_parsing import FIELDS, forget_synonyms
from duban.core.models import CalendarDay, ExportLog, ImportBatch, Synonym


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "uploaded_by", "status", "committed_at"]
    list_filter = ["kind", "status"]
    search_fields = ["filename", "sha256"]
    readonly_fields = [
        "sha256",
        "counts",
        "problems",
        "mapping",
        "options",
        "ignored",
        "errors_file",
        "files_removed_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).listed()


class SynonymForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["field", "word", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"] = forms.ChoiceField(
            label=_("字段"), choices=[(f, _field(f).verbose_name) for f in sorted(FIELDS)]
        )
        values = [(code, label) for f in sorted(FIELDS) for code, label in _field(f).choices]
        self.fields["value"] = forms.ChoiceField(label=_("对应选项"), choices=values)

    def clean(self):
        cleaned = super().clean()
        field, value = cleaned.get("field"), cleaned.get("value")
        if field and value and value not in dict(_field(field).choices):
            self.add_error("value", _("这个选项不属于所选字段"))
        return cleaned


def _field(path: str):
    app_label, model, name = path.split(".")
    return apps.get_model(app_label, model)._meta.get_field(name)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ["word", "value", "field"]
    list_filter = ["field"]
    search_fields = ["word"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_synonyms()


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Read only: the record of who exported personal information."""

    list_display = ["at", "user", "what", "rows", "full_rows", "via"]
    list_filter = ["what", "via"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
