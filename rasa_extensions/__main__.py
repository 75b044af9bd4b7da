"""``python -m rasa_extensions run ...``: Rasa's own command line with our changes applied."""

from __future__ import annotations

import sys

from rasa_extensions import install
from rasa_extensions.version_guard import WrongRasaVersion


def main() -> None:
    try:
        install()
    except WrongRasaVersion as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
