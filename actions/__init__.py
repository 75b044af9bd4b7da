"""The custom actions (rasa-sdk), run by the action server.

Importing the package registers the caller check (``actions/caller_check.py``) with
rasa-sdk's plugin manager: rasa-sdk imports the actions package before it calls its
plugin hook, so whoever serves these actions serves them behind the check.
"""

from rasa_sdk.plugin import plugin_manager

from actions import caller_check

if not plugin_manager().is_registered(caller_check):
    plugin_manager().register(caller_check)
