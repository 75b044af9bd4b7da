"""``make run``: train if needed, start everything, print where to talk to it.

Ctrl-C (or SIGTERM) stops every process this started.
"""

from __future__ import annotations

import signal
import sys
import time

from assistant.paths import VAR_DIR
from assistant.settings import ensure_secret, ensure_server_secrets
from ops.config_files import rest_channel_on
from ops.stack import make_stack
from ops.train import train


def line_status(rasa_url: str, env: dict[str, str]) -> str:
    if not env.get("LINE_CHANNEL_SECRET"):
        return "off (set LINE_CHANNEL_SECRET to switch it on)"
    return f"{rasa_url}/webhooks/line/webhook -> API {env.get('LINE_API_BASE_URL')}"


def rest_status(rasa_url: str, env: dict[str, str]) -> str:
    if not rest_channel_on(env):
        return "off (REST_CHANNEL=on switches it on)"
    auth = (
        " -H 'Authorization: Bearer $REST_CHANNEL_TOKEN'" if env.get("REST_CHANNEL_TOKEN") else ""
    )
    return (
        f"curl -s {rasa_url}/webhooks/rest/webhook -H 'Content-Type: application/json'{auth} "
        '-d \'{"sender": "me", "message": "สเต็มเซลล์คืออะไรคะ"}\''
    )


def main() -> int:
    for note in [*ensure_server_secrets(), ensure_secret("CONSOLE_SECRET_KEY")]:
        if note:
            print(note)
    seconds = train()
    print(f"Model {'trained in %.0f s' % seconds if seconds else 'up to date (no training)'}.")
    stack = make_stack(log_dir=VAR_DIR / "logs")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        seconds = stack.start(("actions", "rasa", "web", "console"))
        print(
            f"\nReady in {seconds:.1f} s. Talk to the assistant:\n"
            f"  REST:       {rest_status(stack.rasa_url, stack.env)}\n"
            f"  Website:    {stack.web_url}/ (Thai)  {stack.web_url}/en.html (English)\n"
            f"  socket.io:  {stack.env['RASA_PUBLIC_URL']}/socket.io\n"
            f"  HTTP API:   {stack.rasa_url}/status?token=$RASA_API_TOKEN (token in .env)\n"
            f"  Actions:    {stack.action_url}/health\n"
            f"  Staff:      http://localhost:{stack.env['CONSOLE_PORT']}/ (first admin: "
            "python -m console.manage create_staff_user NAME --role admin)\n"
            f"  LINE:       {line_status(stack.rasa_url, stack.env)}\n"
            f"  Logs:       {VAR_DIR / 'logs'}\n"
            "Press Ctrl-C to stop."
        )
        while all(s.process and s.process.poll() is None for s in stack.services):
            time.sleep(1)
        print("A server stopped; see the logs.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping ...")
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
