"""`trustsvc verify FILE [--keys URL|FILE] [--at TIME]`: check a receipt offline.

FILE is a receipt, a server.json carrying receipts in its `_meta`, or `-` for stdin. The
keys come from `--keys` (a JWKS file, or an http(s) URL fetched once) or, by default, from
this installation's own key file. The receipt's own `jwks_uri` is never trusted: a forger
would point it at their key. Exit 0 when every receipt is valid, 3 when one is refused (the
reason on a line each), 2 for unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from trustsvc.clock import parse_rfc3339, utc_now
from trustsvc.commands.errors import EXIT_OK, EXIT_VERDICT, UsageError
from trustsvc.config.receipts import key_file_for
from trustsvc.config.settings import Settings
from trustsvc.receipts.keys import KeyFileError, KeyStore, PublicKey
from trustsvc.receipts.meta import receipts_in
from trustsvc.receipts.verify import key_set, verify_receipt

MAX_BYTES = 4 * 1024 * 1024
FETCH_TIMEOUT_S = 10.0


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Verify every receipt in the file; one line per receipt."""
    at = _at(args.at)
    keys = _keys(args.keys, settings, at)
    receipts = receipts_in(_json(_read(args.file), args.file))
    if not receipts:
        raise UsageError(f"{args.file} holds no trustsvc receipt")
    refused = False
    for receipt in receipts:
        verdict = verify_receipt(receipt, keys, at)
        refused = refused or not verdict.ok
        print(verdict.reason if verdict.ok else f"refused: {verdict.reason}")  # noqa: T201
    return EXIT_VERDICT if refused else EXIT_OK


def _at(raw: str | None) -> datetime:
    if raw is None:
        return utc_now()
    when = parse_rfc3339(raw)
    if when is None:
        raise UsageError(f"--at must be an RFC 3339 time such as 2026-11-20T09:30:00Z, got {raw!r}")
    return when


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1)
    try:
        with Path(source).open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from None


def _json(data: bytes, source: str) -> Any:  # noqa: ANN401 - any JSON document
    if len(data) > MAX_BYTES:
        raise UsageError(f"{source} is larger than {MAX_BYTES} bytes")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source} is not JSON: {exc}") from None


def _keys(source: str | None, settings: Settings, at: datetime) -> dict[str, PublicKey]:
    if source is None:
        store = KeyStore(key_file_for(settings.receipts, settings.database_url), create=False)
        try:
            return {key.kid: key for key in store.public_keys(at)}
        except KeyFileError as exc:
            raise UsageError(f"{exc}; or pass the issuer's keys with --keys URL|FILE") from None
    data = _fetch(source) if source.startswith(("http://", "https://")) else _read(source)
    try:
        return key_set(_json(data, source))
    except ValueError as exc:
        raise UsageError(f"{source}: {exc}") from None


def _fetch(url: str) -> bytes:
    """The key set at a URL the operator gave (one GET, bounded in time and size)."""
    request = urllib.request.Request(url, headers={"Accept": "application/jwk-set+json"})  # noqa: S310 - http(s) only, checked above
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310
            return bytes(response.read(MAX_BYTES + 1))
    except OSError as exc:
        raise UsageError(f"cannot fetch the key set at {url}: {exc}") from None
