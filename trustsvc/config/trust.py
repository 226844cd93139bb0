"""Extra trust anchors (`--ca-file`, TRUSTSVC_CA_FILE): a file that holds no certificate is refused.

Without the check a readable file that is not PEM failed inside each TLS collector: three
tracebacks, attempts marked "error (bug)", and exit 0.
"""

from __future__ import annotations

from pathlib import Path

from trustsvc.config.env import SettingsError, shown


def checked_ca_file(path: Path, source: str) -> Path:
    """`path` if it holds at least one PEM certificate; SettingsError naming `source` if not."""
    import ssl  # noqa: PLC0415 - only when a CA file is given

    if not path.is_file():
        raise SettingsError(f"{source} {shown(path)} is not a readable file")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        context.load_verify_locations(cafile=str(path))
    except (ssl.SSLError, OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "reason", None) or type(exc).__name__
        raise SettingsError(
            f"{source} {shown(path)} holds no certificate ({reason}); "
            "give a PEM file with -----BEGIN CERTIFICATE----- blocks"
        ) from exc
    if not context.cert_store_stats().get("x509"):
        raise SettingsError(f"{source} {shown(path)} holds no certificate; give a PEM file")
    return path
