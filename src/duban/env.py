"""Typed readers for the DUBAN_* environment variables.

Each reader refuses a malformed value with a one-line ``ConfigError`` that names the variable;
``duban.cli`` prints that line and exits without a traceback.
"""

import os
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A DUBAN_* environment variable holds a value Duban cannot use."""


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ConfigError(
        f"{name}={value!r} is not a yes/no value: use true or false (1/0, yes/no, on/off)"
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if number < minimum:
        raise ConfigError(f"{name}={value!r} must be at least {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ConfigError(f"{name} is set but empty: give a comma-separated list")
    return items


def env_url(name: str) -> str:
    """An http(s) address such as https://duban.example.com, without a trailing slash."""
    from urllib.parse import urlsplit

    value = (_raw(name) or "").rstrip("/")
    parts = urlsplit(value)
    if value and (parts.scheme not in {"http", "https"} or not parts.hostname or parts.path):
        raise ConfigError(f"{name}={value!r} is not an address such as https://duban.example.com")
    return value


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    path = Path(value).expanduser() if value else default
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name}={str(path)!r} exists but is not a directory")
    return path.resolve()


def env_database(name: str, default_sqlite: Path) -> dict:
    """A Django DATABASES entry from a URL such as postgres://user:pw@host:5432/duban."""
    import dj_database_url

    value = _raw(name)
    if not value:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    try:
        config = dj_database_url.parse(value)
    except Exception as exc:  # dj-database-url raises several types for bad URLs
        raise ConfigError(f"{name}={value!r} is not a database URL ({exc})") from None
    if config.get("ENGINE") not in {
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    }:
        raise ConfigError(f"{name}={value!r}: only sqlite:/// and postgres:// URLs are supported")
    return config
