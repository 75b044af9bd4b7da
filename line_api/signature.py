"""Is a webhook request really from LINE? (``X-Line-Signature``)

LINE signs the raw request body with the channel secret: HMAC-SHA256, Base64-encoded.
The check runs on the bytes as received, before the body is parsed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Optional


def sign(channel_secret: str, body: bytes) -> str:
    """The signature LINE sends for ``body`` (also what tests use to sign payloads).

    >>> sign("secret", b'{"destination":"U1","events":[]}')
    '9a6kxZ9i5nWMf5b8hc6KEcGGkvVpRrwtLnjZ/UIHOrM='
    """
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def is_valid(channel_secret: str, body: bytes, signature: Optional[str]) -> bool:
    """True when ``signature`` is LINE's signature of ``body``; constant-time compare."""
    if not channel_secret or not signature:
        return False
    expected = sign(channel_secret, body)
    return hmac.compare_digest(
        expected.encode("ascii"), signature.strip().encode("ascii", "replace")
    )
