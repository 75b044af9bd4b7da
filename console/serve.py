"""``python -m console.serve``: migrate, bring the index up to date, then serve the console
(and send the day-before booking reminders every ``BOOKING_REMINDER_SECONDS``).

Serves with Django's own threaded server (``runserver --noreload``): no production WSGI
server (gunicorn, uvicorn, waitress) is in requirements.lock. Behind nginx with TLS in
production, run ``gunicorn console.wsgi`` instead (see the README).
"""

from __future__ import annotations

import os
import sys
import threading

from assistant.settings import ensure_secret, environment


def main() -> None:
    note = ensure_secret("CONSOLE_SECRET_KEY")
    if note:
        print(note, file=sys.stderr)
    # Always the real settings: a test run's DJANGO_SETTINGS_MODULE must not leak into a server.
    os.environ["DJANGO_SETTINGS_MODULE"] = "console.settings"
    import django
    from django.core.management import call_command

    django.setup()
    env = environment()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("refresh_conversation_index")
    every = float(env["BOOKING_REMINDER_SECONDS"])
    if every > 0:  # the day-before LINE reminders (console/staff/reminders.py)
        threading.Thread(
            target=call_command, args=("send_booking_reminders",), kwargs={"loop": every},
            name="booking-reminders", daemon=True,
        ).start()  # fmt: skip
    call_command("runserver", f"{env['CONSOLE_HOST']}:{env['CONSOLE_PORT']}", use_reloader=False)


if __name__ == "__main__":
    main()
