"""Serve the demo clinic pages and the chat widget's files (``make run`` starts this).

Only ``web/site/`` is served, plus two generated or mapped paths. The demo pages' clinic
details (``{{clinic.name}}``, ``{{clinic.hours}}``, ``{{clinic.phone}}``,
``{{clinic.line_id}}``, ``{{clinic.address}}``) are filled from the clinic's settings
(``content/clinic.yml``), the same file the assistant answers from:

- ``/widget/config.json``: where the widget finds Rasa's socket.io endpoint and the message
  length limit, from the settings (``RASA_PUBLIC_URL``, ``MAX_MESSAGE_CHARS``);
- ``/widget/socket.io.min.js``: the socket.io browser client installed by ``npm ci`` from
  ``web/package-lock.json`` (nothing is fetched from a CDN).

Usage: ``python -m web.serve`` (port ``WEB_PORT``, address ``WEB_HOST``).
"""

from __future__ import annotations

import html
import json
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from assistant.clinic import Clinic
from assistant.settings import Settings

WEB_DIR = Path(__file__).resolve().parent
SITE_DIR = WEB_DIR / "site"
SOCKET_IO_CLIENT = WEB_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"


def widget_config(settings: Settings) -> dict[str, object]:
    """What the widget needs to know about the server side."""
    return {
        "socketUrl": settings.rasa_public_url,
        "socketPath": "/socket.io/",
        "maxChars": settings.max_message_chars,
    }


# The language each demo page is written in (its clinic details are filled in that language).
PAGE_LANGUAGES = {"/": "th", "/index.html": "th", "/en.html": "en"}


def clinic_details(clinic: Clinic, language: str) -> dict[str, str]:
    """``{{clinic.*}}`` values of a page in ``language``."""
    return {
        "clinic.name": clinic.name[language],
        "clinic.hours": clinic.describe(language),
        "clinic.phone": clinic.phone,
        "clinic.line_id": clinic.line_id,
        "clinic.address": clinic.address[language],
    }


def fill_page(page: str, values: dict[str, str]) -> str:
    """The page with every ``{{name}}`` replaced (values HTML-escaped)."""
    for name, value in values.items():
        page = page.replace("{{" + name + "}}", html.escape(value))
    return page


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from ``web/site`` with the two widget extras and filled-in pages."""

    config: bytes = b"{}"
    pages: dict[str, bytes] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        if path == "/widget/config.json":
            self._send_bytes(self.config, "application/json; charset=utf-8")
        elif path == "/widget/socket.io.min.js":
            self._send_bytes(SOCKET_IO_CLIENT.read_bytes(), "text/javascript; charset=utf-8")
        elif path in self.pages:
            self._send_bytes(self.pages[path], "text/html; charset=utf-8")
        else:
            super().do_GET()

    def list_directory(self, path):  # type: ignore[override]
        self.send_error(404, "No listing")
        return None

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        # The widget is embedded by other sites: its files may be loaded cross-origin.
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def _send_bytes(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        sys.stderr.write("web: " + (format % args) + "\n")


SiteHandler.extensions_map = {
    **SimpleHTTPRequestHandler.extensions_map,
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


def built_pages(clinic: Clinic) -> dict[str, bytes]:
    """The demo pages with the clinic's details filled in, by URL path."""
    pages = {}
    for path, language in PAGE_LANGUAGES.items():
        source = SITE_DIR / ("index.html" if path == "/" else path.lstrip("/"))
        pages[path] = fill_page(
            source.read_text("utf-8"), clinic_details(clinic, language)
        ).encode()
    return pages


def main() -> int:
    if not SOCKET_IO_CLIENT.exists():
        print(
            f"error: {SOCKET_IO_CLIENT} is missing: run `npm ci` in web/ (scripts/bootstrap.sh does)",
            file=sys.stderr,
        )
        return 1
    settings = Settings.load()
    SiteHandler.config = json.dumps(widget_config(settings)).encode()
    SiteHandler.pages = built_pages(Clinic.load())
    address = (settings.env["WEB_HOST"], settings.integer("WEB_PORT"))
    server = ThreadingHTTPServer(address, partial(SiteHandler, directory=str(SITE_DIR)))
    print(f"web: serving {SITE_DIR} on http://{address[0]}:{address[1]}/", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
