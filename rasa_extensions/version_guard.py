"""Refuse to run on any Rasa but the pinned one.

The other modules of this package replace private methods of Rasa 3.6.21
(``RemoteAction._validate_action_result``, ``Agent._create_tracker_store``, ...). On another
version those may have moved or changed meaning, and a patch would then fail silently or
break something subtly. ``requirements.lock`` pins Rasa; a test checks that it pins this
version, so raising the pin means reading every module here again.
"""

from __future__ import annotations

from rasa.version import __version__ as INSTALLED_RASA

PINNED_RASA = "3.6.21"


class WrongRasaVersion(RuntimeError):
    """The installed Rasa is not the one these changes were written for."""


def check(installed: str | None = None) -> None:
    """Raises ``WrongRasaVersion`` unless ``installed`` (default: the running Rasa) is pinned."""
    installed = INSTALLED_RASA if installed is None else installed
    if installed != PINNED_RASA:
        raise WrongRasaVersion(
            f"Rasa {installed} is installed, but rasa_extensions/ patches Rasa {PINNED_RASA} "
            "only. Install the locked versions (make setup), or review every module in "
            "rasa_extensions/ against the new Rasa before changing PINNED_RASA."
        )
