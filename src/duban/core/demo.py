"""The demo company: each app that has a ``demo`` module adds its part, in INSTALLED_APPS order.

An app's ``demo.build(company)`` reads what earlier apps made from ``company`` and adds its own;
then every ``demo.finish(company)`` runs, once all the data is there.
Everything comes from one seeded random generator, so two builds give the same company.
"""

import datetime as dt
import importlib
import random
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils import timezone

DEMO_PASSWORD = "duban2026"
SEED = 2026


@dataclass
class DemoCompany:
    today: dt.date
    rng: random.Random
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, username, name)
    parts: dict = field(default_factory=dict)


def build_demo(today: dt.date | None = None) -> DemoCompany:
    company = DemoCompany(today=today or timezone.localdate(), rng=random.Random(SEED))
    modules = [m for m in map(_demo_module, apps.get_app_configs()) if m is not None]
    with transaction.atomic():
        for module in modules:
            if hasattr(module, "build"):  # core.demo is this module: it builds nothing itself
                module.build(company)
        for module in modules:  # once every app has built: e.g. run the detectors
            if hasattr(module, "finish"):
                module.finish(company)
    return company


def _demo_module(config):
    if not config.name.startswith("duban."):
        return None
    try:
        return importlib.import_module(f"{config.name}.demo")
    except ModuleNotFoundError:
        return None
