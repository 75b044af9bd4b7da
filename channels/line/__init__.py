"""The LINE Messaging API channel: patients talk to the assistant on LINE.

- ``webhook``: parse a webhook body into events.
- ``messages``: a turn's Rasa bot messages as at most five LINE message objects.
- ``channel``: the Rasa input channel ``LineInput`` (webhook ``/webhooks/line/webhook``).

The API calls, the signature check and LINE's text limits are in ``line_api/`` (shared with
the action server's staff alerts).
"""
