"""`trustsvc signing-keys list|rotate`: the receipt signing keys (never their secrets)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from trustsvc.clock import utc_now
from trustsvc.commands.errors import EXIT_OK, UsageError
from trustsvc.config.receipts import key_file_for
from trustsvc.config.settings import Settings
from trustsvc.receipts.keys import KeyFileError, KeyStore, PublicKey

MAX_RETAIN_DAYS = 3650


def run(args: argparse.Namespace, settings: Settings) -> int:
    """List the keys, or retire the signing key and start a new one."""
    config = settings.receipts
    store = KeyStore(key_file_for(config, settings.database_url), create=not config.key_file_given)
    now = utc_now()
    try:
        if args.signing_keys_command == "rotate":
            if not 0 < args.retain_days <= MAX_RETAIN_DAYS:
                raise UsageError(f"--retain-days is more than 0 and at most {MAX_RETAIN_DAYS}")
            key = store.rotate(now, retain_days=args.retain_days)
            days = f"{args.retain_days:g}"
            print(f"signing with new key {key.kid}; older keys verify {days} more days")  # noqa: T201
            return EXIT_OK
        keys = store.public_keys(now)
    except KeyFileError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        print(json.dumps({"keys": [key.jwk() for key in keys]}, indent=2))  # noqa: T201
    else:
        print("\n".join(_line(key, now) for key in keys))  # noqa: T201
    return EXIT_OK


def _line(key: PublicKey, now: datetime) -> str:
    if key.retired_at is None:
        state = "signing"
    elif key.expires_at is not None and key.expires_at <= now:
        state = "expired"
    else:
        state = "verifying only"
    until = f", expires {key.expires_at.isoformat()}" if key.expires_at else ""
    created = key.created_at.isoformat() if key.created_at else "?"
    return f"{key.kid}  {state}  created {created}{until}"
