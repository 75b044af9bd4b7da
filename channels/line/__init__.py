"""The LINE Messaging API channel: patients talk to the assistant on LINE.

- ``signature``: verify that a webhook request comes from LINE.
- ``webhook``: parse a webhook body into events.
- ``client``: the few Messaging API calls we make (reply, push, profile, loading).
- ``messages``: a turn's Rasa bot messages as at most five LINE message objects.
- ``channel``: the Rasa input channel ``LineInput`` (webhook ``/webhooks/line/webhook``).
- ``staff_alert``: handoff alerts pushed to the clinic's staff group.
"""
