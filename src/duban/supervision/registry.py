"""What areas declare to the engine; the engine imports no area.

- **Detectors** predict risks from an area's tables (风险预判). A detector takes the day and
  returns Signals; a signal's ``key`` stays the same while the condition lasts (e.g.
  "checkins-overdue:team:12"), so the risk it opened is found again.
- **Subject kinds**: what check-ins, risks, matters and plans can be about (a receivable, a
  partner, a project …), with the item's team and responsible lead and, for rules that follow
  items, which items and on which days (the cadence may come from the item itself).
- **Escalating kinds**: what `duban tick` escalates when it is overdue.
- **Table kinds**: tables a team keeps as dated versions, and how old one may get.

Each app declares them in its ``supervised.py`` (subject, escalating and table kinds) and its
``detectors.py``; both are discovered when the supervision app is ready.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext

from duban.supervision.choices import Area, RiskLevel

# --- texts that detectors write ----------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """Text a detector writes, kept as its message id and parameters, so that each reader
    sees it in their own language (the id is marked with ``gettext_noop`` where it is
    written, for the catalogue). The id may be a sequence of ids, joined once translated
    (a line and what is wrong with it). A parameter named with a leading underscore is itself
    a message id (a table's name, say), translated too."""

    msgid: "str | tuple[str, ...]"
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        parts = [self.msgid] if isinstance(self.msgid, str) else self.msgid
        text = "".join(gettext(part) for part in parts)
        if not self.params:
            return text
        values = {
            name.lstrip("_"): gettext(value) if name.startswith("_") else value
            for name, value in self.params.items()
        }
        return text % values

    def as_json(self) -> list:
        return [self.msgid if isinstance(self.msgid, str) else list(self.msgid), self.params]

    @classmethod
    def from_json(cls, kept) -> "Message | str":
        if not isinstance(kept, list):
            return kept
        msgid = kept[0] if isinstance(kept[0], str) else tuple(kept[0])
        return cls(msgid, kept[1])


def message(msgid: str, **params) -> Message:
    return Message(msgid, params)


# --- detectors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalItem:
    """One item behind a grouped signal: its text, its level, and the object it is about."""

    label: str
    level: RiskLevel
    subject: models.Model | None = None
    url: str = ""


@dataclass(frozen=True)
class Signal:
    key: str
    level: RiskLevel
    title: "str | Message"
    evidence: "list[str | Message]" = field(default_factory=list)
    team_id: int | None = None
    line_id: int | None = None
    subject_label: str = ""
    subject_url: str = ""
    subject: models.Model | None = None  # what the risk is about, when it is one object
    lead_id: int | None = None  # the responsible lead, when the area knows one
    items: tuple[SignalItem, ...] = ()  # the items of a grouped signal, worst first
    area: str | None = None  # when a detector of many areas speaks for one (tables_stale)


@dataclass(frozen=True)
class Detector:
    name: str
    area: Area
    seed_ref: str
    func: Callable[[dt.date], Iterable[Signal]]


DETECTORS: dict[str, Detector] = {}
EVIDENCE_ROWS = 10  # items a grouped risk names in its evidence; the risk lists them all


def detector(name: str, *, area: Area, seed_ref: str = ""):
    """Register ``func(today) -> Iterable[Signal]`` under ``name`` (unique across areas)."""

    def register(func):
        if name in DETECTORS and DETECTORS[name].func is not func:
            raise ValueError(f"detector {name!r} is registered twice")
        DETECTORS[name] = Detector(name, area, seed_ref, func)
        return func

    return register


_SEVERITY = {RiskLevel.RED: 0, RiskLevel.YELLOW: 1}


def per_team(
    items: Iterable[tuple[models.Model, SignalItem]],
    *,
    key: str,
    title: Callable[[models.Model, list[SignalItem]], str],
    url: Callable[[models.Model], str] = lambda team: "",
) -> Iterator[Signal]:
    """Many items of one kind in one team make one signal, not a flood (DESIGN: the loop).

    ``items`` are (team, item) pairs; each team's signal has the level of its worst item, its
    items worst first (the first EVIDENCE_ROWS as evidence, all of them on the risk), its key
    ``f"{key}:team:{team.pk}"`` and ``title(team, items)``.
    """
    teams: dict[int, tuple[models.Model, list[SignalItem]]] = {}
    for team, item in items:
        teams.setdefault(team.pk, (team, []))[1].append(item)
    for team, found in teams.values():
        found.sort(key=lambda item: _SEVERITY[item.level])  # stable: the detector's order kept
        yield Signal(
            key=f"{key}:team:{team.pk}",
            level=found[0].level,
            title=title(team, found),
            evidence=[item.label for item in found[:EVIDENCE_ROWS]],
            team_id=team.pk,
            line_id=team.line_id,
            subject_label=team.name,
            subject_url=url(team),
            items=tuple(found),
        )


# --- subject kinds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectKind:
    """Objects of one model that supervision records can be about.

    ``team_path`` leads from the object to its team (for scoping and the check-in's team),
    or is None for objects of no one team (a partner);
    ``lead`` gives the responsible lead's user id (or None). For follow-up rules that follow
    items of this kind, ``items(today)`` are the objects to follow and ``dates(obj, start,
    end, workdays)`` the working days to follow each on, or None to use the rule's cadence;
    ``cadence_label(obj)`` says which cadence that is, for the pages.
    """

    name: str  # "app_label.model"
    model: type[models.Model]
    label: str
    team_path: str | None = "team"
    lead: Callable[[models.Model], int | None] | None = None
    items: Callable[[dt.date], models.QuerySet] | None = None
    dates: Callable[..., list[dt.date] | None] | None = None
    cadence_label: Callable[[models.Model], str] | None = None

    def team_id(self, obj) -> int | None:
        if self.team_path is None:
            return None
        target = obj
        for part in self.team_path.split("__")[:-1]:
            target = getattr(target, part)
            if target is None:
                return None
        return getattr(target, f"{self.team_path.split('__')[-1]}_id")

    def lead_id(self, obj) -> int | None:
        return self.lead(obj) if self.lead else None


SUBJECT_KINDS: dict[str, SubjectKind] = {}


def subject_kind(model: type[models.Model], *, label, **options) -> SubjectKind:
    """Declare ``model`` as something supervision records can be about."""
    kind = SubjectKind(model._meta.label_lower, model, label, **options)
    SUBJECT_KINDS[kind.name] = kind
    return kind


def kind_of(obj_or_model) -> SubjectKind | None:
    return SUBJECT_KINDS.get(obj_or_model._meta.label_lower)


def subject_ref(obj) -> str:
    """How a page names an object to another page: ``app_label.model:pk``."""
    return f"{obj._meta.label_lower}:{obj.pk}"


# --- escalating kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class EscalatingKind:
    """Something with a due date that `duban tick` escalates when it is overdue.

    ``overdue(today)`` is a queryset of the model's overdue items (the model has the fields of
    ``duban.supervision.models.base.Escalating``); ``due(item)`` their due date; ``owner(item)``
    the record that names the responsible person (``lead_id`` or ``owner_id``), the team and
    the page to open.
    """

    name: str
    model: type[models.Model]
    reason: str
    overdue: Callable[[dt.date], models.QuerySet]
    due: Callable[[models.Model], dt.date]
    owner: Callable[[models.Model], models.Model] = lambda item: item


ESCALATING: dict[str, EscalatingKind] = {}


def escalates(model: type[models.Model], *, reason, overdue, due, owner=None) -> EscalatingKind:
    """Declare that overdue ``model`` items escalate (first to the lead, then the line)."""
    name = model._meta.label_lower
    kind = EscalatingKind(name, model, reason, overdue, due, owner or (lambda item: item))
    ESCALATING[name] = kind
    return kind


# --- table kinds -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableKind:
    """A table each team keeps current as dated versions (资源大表, 应收账表, 项目表 …).

    ``teams(today)`` are the teams that must keep it; a team's latest version older than
    ``stale_days`` raises a risk. ``url_name`` is the page that lists its versions. The
    ``label`` is a message id (marked with gettext_noop): risks name the table in the
    reader's language.
    """

    name: str
    area: Area
    label: str
    stale_days: int
    seed_ref: str = ""
    teams: Callable[[dt.date], models.QuerySet] | None = None
    url_name: str = ""


TABLE_KINDS: dict[str, TableKind] = {}


def table_kind(name: str, *, area: Area, label, stale_days: int, **options) -> TableKind:
    kind = TableKind(name, area, label, stale_days, **options)
    TABLE_KINDS[name] = kind
    return kind


# --- daily records ---------------------------------------------------------------------------

DAILY: dict[str, Callable[[dt.date], object]] = {}
CLOSING: dict[str, Callable[[dt.date], object]] = {}


def daily(name: str, *, after_detectors: bool = False):
    """Register ``func(today)``: a figure an area records each working day (a team's days of
    cover, say), for trends no row keeps. ``duban tick`` runs them before the detectors, or
    last, ``after_detectors`` (a snapshot of the risks they found)."""

    def register(func):
        (CLOSING if after_detectors else DAILY)[name] = func
        return func

    return register


EACH_TICK: dict[str, Callable[[dt.date], object]] = {}


def each_tick(name: str):
    """Register ``func(today)``: work ``duban tick`` does on every run for the real today,
    working day or not, after the detectors and daily records: results that pages read while
    they are fresh, such as the leads' scores. It returns how many things changed."""

    def register(func):
        EACH_TICK[name] = func
        return func

    return register


# --- rules that follow an area's items -------------------------------------------------------

DEFAULT_RULES: list[dict] = []


def default_rule(*, area, title: str, cadence, seed_ref: str, subject_kind: str) -> None:
    """A follow-up rule the seed asks for that follows an area's items (partners by their
    cycles, projects by their class): the area's migration creates it for a new company, and
    the demo again after a reset."""
    DEFAULT_RULES.append(
        {
            "area": area,
            "title": title,
            "cadence": cadence,
            "seed_ref": seed_ref,
            "subject_kind": subject_kind,
        }
    )
