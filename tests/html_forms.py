"""What a browser would submit: the fields of a page's forms, read from its HTML."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    """One ``<form>`` of a page: where and how it posts, and the fields a browser would send."""

    action: str  # as written in the page; "" (or absent) means the page's own URL
    method: str  # lower case; "get" when the form does not say
    id: str | None
    data: list[tuple[str, str]] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type, select or textarea
    required: set[str] = field(default_factory=set)
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's values

    @property
    def fields(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for name, value in self.data:
            fields.setdefault(name, []).append(value)
        return fields


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.form: PageForm | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and self.form is None:
            method = (a.get("method") or "get").lower()
            self.form = PageForm(a.get("action", ""), method, a.get("id"))
            self.forms.append(self.form)
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            self._name(name, kind, a)
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.form.data.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name and "disabled" not in a:
            self._name(name, "select", a)
            self._select, self._options = name, []
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._name(name, "textarea", a)
            self._textarea, self._text = name, ""

    def _name(self, name, kind, attrs):
        self.form.kinds.setdefault(name, kind)
        if "required" in attrs:
            self.form.required.add(name)

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            self.form = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]
            self._add([(self._select, value) for value in chosen])
            if self.form is not None:
                self.form.options[self._select] = [value for value, _ in self._options]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self._add([(self._textarea, text)])
            self._textarea = None

    def _add(self, pairs):
        if self.form is not None:
            self.form.data += pairs


def page_forms(html: str) -> list[PageForm]:
    """Every form of the page, in order, with its action, method, id and fields."""
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def form_fields(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The name → values a browser would post from the first form (or the form ``form_id``)."""
    forms = [form for form in page_forms(html) if form_id in (None, form.id)]
    return forms[0].fields if forms else {}
