"""The assistant's process-neutral core: what every process knows, and nothing else.

- ``content``: every word the assistant says (``content/``), loaded and validated;
  ``claims``: the forbidden-claims rules that validation applies.
- ``language``: the one language rule (``th``/``en`` from a message's script).
- ``conversation``: the bot-message metadata contract and the one way to read a
  conversation's events.
- ``handoff``: the handoff reasons, the summary and the staff alert (record and text).
- ``office_hours``: when staff are in.
- ``texts``: texts the Rasa server sends by itself (channel notices, the apology).
- ``settings``: the one configuration (defaults, ``.env``, environment), typed.

This package imports neither Rasa's server, nor Django, nor any other package of this
project (an import-linter contract in ``.importlinter`` checks it), so the action server,
the Rasa server's channels and extensions, the NLU components and the staff console can
all use it.
"""
