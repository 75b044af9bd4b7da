"""A small client for the LINE Messaging API: signatures, reply/push/profile calls, limits.

Shared by the LINE input channel (``channels/line``) and the staff alerts of the action
server (``actions/staff_notifier.py``). Why our own and not LINE's SDK: the current SDK
(line-bot-sdk v3) needs pydantic 2, which cannot share an environment with Rasa 3.6, and
the surface we need is five calls (``docs/design.md``).
"""
