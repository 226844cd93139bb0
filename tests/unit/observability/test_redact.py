"""Credentials never survive redaction, wherever they appear in a line."""

from __future__ import annotations

import pytest

from trustsvc.observability.redact import REDACTED, redact, redact_value

KEY = "tsk_0123456789ab_" + "A1b2-C3d4_" * 4 + "xyz"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer tsk_abc123", f"Authorization: {REDACTED}"),
        ("{'authorization': 'Basic dXNlcjpwYXNz'}", f"{{'authorization': '{REDACTED}'}}"),
        ('"X-API-Key": "k-123"', f'"X-API-Key": "{REDACTED}"'),
        ("sent Bearer eyJhbGciOi.J9.sig to it", f"sent Bearer {REDACTED} to it"),
        ("tsk_secretvalue leaked", f"tsk_{REDACTED} leaked"),
        (f"key {KEY} used", f"key tsk_0123456789ab_{REDACTED} used"),
        ("https://h/mcp?api_key=s3cret&page=2", f"https://h/mcp?api_key={REDACTED}&page=2"),
        ("Basic dXNlcjpwYXNzd29yZA==", f"Basic {REDACTED}"),
        # issue 16: OAuth credentials in any field, webhook secrets, signatures
        (
            "token exchange client_secret=s3cr3t&grant=x",
            f"token exchange client_secret={REDACTED}&grant=x",
        ),
        ('{"client_secret": "s3cr3t"}', f'{{"client_secret": "{REDACTED}"}}'),
        ('{"access_token":"eyJ.a.b","x":1}', f'{{"access_token":"{REDACTED}","x":1}}'),
        ("refresh_token=r-123 expired", f"refresh_token={REDACTED} expired"),
        ("id_token: abc", f"id_token: {REDACTED}"),
        ("signed with whsec_AbC-123_x", f"signed with whsec_{REDACTED}"),
        ("https://h/f?sig=abc&v=1", f"https://h/f?sig={REDACTED}&v=1"),
        ("note: bearer abc.def-ghi", f"note: bearer {REDACTED}"),
    ],
)
def test_credentials_are_masked(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "prose", ["missing bearer token", "a basic check", "GET /v1/scans/{scan_id} 200", ""]
)
def test_prose_is_left_alone(prose: str) -> None:
    assert redact(prose) == prose


def test_redaction_is_idempotent() -> None:
    once = redact(f"Authorization: Bearer {KEY} and {KEY} and tsk_short")
    assert redact(once) == once
    assert "A1b2" not in once
    assert "short" not in once


def test_values_are_redacted_by_key_and_by_content() -> None:
    value = {
        "client_secret": "anything",
        "Authorization": "anything at all",
        "nested": {"token": "abc", "note": f"see {KEY}"},
        "list": ["Bearer xyz", 3],
    }
    assert redact_value(value) == {
        "client_secret": REDACTED,
        "Authorization": REDACTED,
        "nested": {"token": REDACTED, "note": f"see tsk_0123456789ab_{REDACTED}"},
        "list": [f"Bearer {REDACTED}", 3],
    }
