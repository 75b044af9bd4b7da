"""``python -m console.manage <command>``: Django's manage.py for the staff console.

Generates ``CONSOLE_SECRET_KEY`` into ``.env`` first when it is unset (like the Rasa token).
"""

from __future__ import annotations

import os
import sys

from assistant.settings import ensure_secret


def main(argv: list[str]) -> None:
    note = ensure_secret("CONSOLE_SECRET_KEY")
    if note:
        print(note, file=sys.stderr)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "console.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main(sys.argv)
