"""The ``duban`` command: Duban's own commands (demo, serve, …) and every Django command."""

import os
import sys

from duban.env import ConfigError


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "duban"
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv)
    except ConfigError as exc:
        print(f"duban: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
