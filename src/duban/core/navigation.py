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
    entries = [
        {"label": item.label, "url": reverse(item.url_name), "active": False}
        for item in sorted(items, key=lambda item: item.order)
    ]
    # the entry with the longest URL that starts the current path is the active one
    matching = [e for e in entries if current_path.startswith(e["url"])]
    if matching:
        max(matching, key=lambda e: len(e["url"]))["active"] = True
    return entries
