"""Detectors: functions an area registers to predict risks from its tables (风险预判).

A detector takes the day and returns Signals. A signal's ``key`` must stay the same while
the condition lasts (e.g. "checkins-overdue:team:12"), so the risk it opened is found again.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from duban.supervision.choices import Area, RiskLevel


@dataclass(frozen=True)
class Signal:
    key: str
    level: RiskLevel
    title: str
    evidence: list[str] = field(default_factory=list)
    team_id: int | None = None
    line_id: int | None = None
    subject_label: str = ""
    subject_url: str = ""


@dataclass(frozen=True)
class Detector:
    name: str
    area: Area
    seed_ref: str
    func: Callable[[dt.date], Iterable[Signal]]


DETECTORS: dict[str, Detector] = {}


def detector(name: str, *, area: Area, seed_ref: str = ""):
    """Register ``func(today) -> Iterable[Signal]`` under ``name`` (unique across areas)."""

    def register(func):
        if name in DETECTORS and DETECTORS[name].func is not func:
            raise ValueError(f"detector {name!r} is registered twice")
        DETECTORS[name] = Detector(name, area, seed_ref, func)
        return func

    return register
