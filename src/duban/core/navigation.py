"""The areas shown in the navigation bar: each app lists its own in its AppConfig ``nav``."""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset = field(default_factory=frozenset)  # empty: every signed-in user
    order: int = 100

    def shown_to(self, user) -> bool:
        return not self.roles or user.role in self.roles


def nav_for(user, current_path: str) -> list[dict]:
    items = [
        item
        for config in apps.get_app_configs()
        for item in getattr(config, "nav", ())
        if item.shown_to(user)
    ]
    entries = []
    for item in sorted(items, key=lambda item: item.order):
        url = reverse(item.url_name)
        active = current_path.startswith(url) if url != "/" else current_path == "/"
        entries.append({"label": item.label, "url": url, "active": active})
    return entries
