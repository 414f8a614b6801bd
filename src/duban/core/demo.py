"""The demo company: each app that has a ``demo`` module adds its part, in INSTALLED_APPS order.

An app's ``demo.build(company)`` reads what earlier apps made from ``company`` and adds its own.
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
    with transaction.atomic():
        for config in apps.get_app_configs():
            if not config.name.startswith("duban."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            if hasattr(module, "build"):  # core.demo is this module: it builds nothing itself
                module.build(company)
    return company
