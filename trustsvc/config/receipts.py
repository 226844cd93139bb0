"""Where the receipt signing keys live and how receipts point back at this service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from trustsvc.config.env import SettingsError

KEY_FILE_NAME = "trustsvc-signing-keys.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptSettings:
    """Signing keys and the service's public address.

    Attributes:
        key_file: the private key set (a JWKS with `d`); None means the data directory's
            default (`key_file_for`), generated on first use.
        key_file_given: TRUSTSVC_SIGNING_KEY_FILE named it: then it must exist, so a typo
            never mints a new signing identity.
        public_url: the base URL clients reach this service at, for the receipts'
            `evidence_ref` and `jwks_uri` (none: a `urn:` reference and no URI).
    """

    key_file: Path | None = None
    key_file_given: bool = False
    public_url: str | None = None


def load_receipt_settings(env: Mapping[str, str]) -> ReceiptSettings:
    """From TRUSTSVC_DATA_DIR, TRUSTSVC_SIGNING_KEY_FILE and TRUSTSVC_PUBLIC_URL."""
    given = env.get("TRUSTSVC_SIGNING_KEY_FILE", "").strip()
    data_dir = env.get("TRUSTSVC_DATA_DIR", "").strip()
    public_url = env.get("TRUSTSVC_PUBLIC_URL", "").strip().rstrip("/") or None
    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SettingsError(f"TRUSTSVC_PUBLIC_URL must be an http(s) URL, got {public_url!r}")
    key_file = Path(given) if given else (Path(data_dir) / KEY_FILE_NAME if data_dir else None)
    return ReceiptSettings(key_file=key_file, key_file_given=bool(given), public_url=public_url)


def key_file_for(receipts: ReceiptSettings, database_url: str) -> Path:
    """The key file: as configured, else beside the embedded SQLite database, else here.

    A default install keeps its data (trustsvc.db) in one directory, and the keys with it.
    """
    if receipts.key_file is not None:
        return receipts.key_file
    from sqlalchemy.engine import make_url  # noqa: PLC0415 - SQLAlchemy only when asked

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).parent / KEY_FILE_NAME
    return Path(KEY_FILE_NAME)
