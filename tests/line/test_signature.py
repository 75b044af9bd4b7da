"""X-Line-Signature: HMAC-SHA256 of the raw body with the channel secret, Base64."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from harness.line_webhook import body_of, text_event, user_id
from line_api.signature import is_valid, sign

SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
BODY = body_of(text_event(user_id(), "สวัสดีค่ะ 👋"))


def test_signature_is_hmac_sha256_base64_of_the_raw_body():
    expected = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()).decode()
    assert sign(SECRET, BODY) == expected


def test_valid_signature_passes():
    assert is_valid(SECRET, BODY, sign(SECRET, BODY))


@pytest.mark.parametrize("signature", [None, "", "   "])
def test_missing_signature_fails(signature):
    assert not is_valid(SECRET, BODY, signature)


@pytest.mark.parametrize("signature", ["not base64 at all", "bm9wZQ==", "ไม่ใช่", "x" * 10_000])
def test_invalid_signature_fails(signature):
    assert not is_valid(SECRET, BODY, signature)


def test_body_altered_after_signing_fails():
    signature = sign(SECRET, BODY)
    assert not is_valid(SECRET, BODY.replace("สวัสดี".encode(), "ลาก่อน".encode()), signature)
    assert not is_valid(SECRET, BODY + b" ", signature)


def test_body_is_checked_as_bytes_not_as_re_encoded_json():
    reformatted = BODY.replace(b",", b", ")  # same JSON, other bytes: LINE signed the bytes
    assert not is_valid(SECRET, reformatted, sign(SECRET, BODY))


def test_wrong_secret_fails():
    assert not is_valid(SECRET, BODY, sign("another-channel-secret", BODY))


def test_empty_secret_never_validates():
    assert not is_valid("", BODY, sign("", BODY))
