"""`trustsvc receipt`, `verify` and `signing-keys` as a user runs them, on a real stored scan."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.servers.mcp import mcp_server
from trustsvc.clock import parse_rfc3339
from trustsvc.commands.cli import main
from trustsvc.lab.pki import LabPki, mint_lab_pki

TRUSTSVC = str(Path(sys.executable).parent / "trustsvc")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("receipt-data")


def env_of(data: Path, **env: str) -> dict[str, str]:
    return {"TRUSTSVC_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'ts.db'}", **env}


def spawn(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, as a user starts it."""
    return subprocess.run(
        [TRUSTSVC, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env_of(data)},
        check=False,
    )


def run(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The same command in this process (the CLI's `main`, its real output and exit code):
    a fresh interpreter per check would cost seconds each on a busy machine.
    """
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        for name, value in env_of(data, **env).items():
            patch.setenv(name, value)
        code = main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def scan_id(data: Path) -> str:
    pki: LabPki = mint_lab_pki(data / "pki")
    valid = pki["valid"]
    with mcp_server(mode="json", tls=(valid.chain, valid.key)) as server:
        done = spawn(
            data, "assess", server.url, "--allow-private", "--ca-file", str(pki.ca_cert),
            "--store", "--format", "json",
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["scan_id"])


@pytest.fixture(scope="module")
def receipt_file(data: Path, scan_id: str) -> Path:
    done = spawn(data, "receipt", scan_id)
    assert done.returncode == 0, done.stderr
    path = data / "receipt.json"
    path.write_text(done.stdout)
    return path


def test_a_receipt_verifies_offline_with_the_installations_keys(
    data: Path, receipt_file: Path
) -> None:
    done = run(data, "verify", str(receipt_file))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("valid: ")
    assert (data / "trustsvc-signing-keys.json").exists()  # generated beside the database


def test_a_tampered_receipt_exits_3_with_the_reason(data: Path, receipt_file: Path) -> None:
    receipt = json.loads(receipt_file.read_text())
    receipt["trustsvc"]["grade"] = "A+"
    tampered = data / "tampered.json"
    tampered.write_text(json.dumps(receipt))
    done = run(data, "verify", str(tampered))
    assert done.returncode == 3
    assert done.stdout.startswith("refused: the signature does not match")


def test_keys_from_a_file_a_url_and_the_wrong_issuer(
    data: Path, receipt_file: Path, tmp_path: Path
) -> None:
    listed = run(data, "signing-keys", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    jwks = tmp_path / "jwks.json"
    jwks.write_text(listed.stdout)
    assert '"d"' not in listed.stdout
    assert run(data, "verify", str(receipt_file), "--keys", str(jwks)).returncode == 0
    with served(listed.stdout.encode()) as url:
        assert run(data, "verify", str(receipt_file), "--keys", url).returncode == 0
    other = tmp_path / "other"
    other.mkdir()
    foreign = run(other, "signing-keys", "list", "--format", "json")
    (other / "jwks.json").write_text(foreign.stdout)
    wrong = run(data, "verify", str(receipt_file), "--keys", str(other / "jwks.json"))
    assert wrong.returncode == 3
    assert "is not in the given key set" in wrong.stdout


def test_rotation_keeps_old_receipts_valid_and_expiry_refuses_them(
    data: Path, receipt_file: Path, scan_id: str
) -> None:
    rotated = run(data, "signing-keys", "rotate", "--retain-days", "1")
    assert rotated.returncode == 0, rotated.stderr
    assert run(data, "verify", str(receipt_file)).returncode == 0
    listing = run(data, "signing-keys", "list").stdout.splitlines()
    assert [line.split()[1] for line in listing] == ["signing", "verifying"]
    newer = run(data, "receipt", scan_id, "--format", "server-json")
    assert newer.returncode == 0, newer.stderr
    (data / "server.json").write_text(newer.stdout)
    assert run(data, "verify", str(data / "server.json")).returncode == 0
    keys = json.loads(run(data, "signing-keys", "list", "--format", "json").stdout)["keys"]
    retired = next(key for key in keys if "retired_at" in key)
    expires_at = parse_rfc3339(retired["expires_at"])
    assert expires_at is not None
    after_expiry = expires_at + timedelta(seconds=1)
    expired = run(data, "verify", str(receipt_file), "--at", after_expiry.isoformat())
    assert expired.returncode == 3
    assert f"refused: key {retired['kid']} expired at" in expired.stdout


def test_bad_set_up_is_one_line_and_exit_2(data: Path, tmp_path: Path, receipt_file: Path) -> None:
    missing = run(data, "receipt", "no-such-scan")
    assert (missing.returncode, missing.stderr.strip()) == (
        2,
        "trustsvc: error: there is no scan no-such-scan",
    )
    typo = run(data, "verify", str(receipt_file), TRUSTSVC_SIGNING_KEY_FILE=str(tmp_path / "x"))
    assert typo.returncode == 2
    assert "does not exist" in typo.stderr
    assert len(typo.stderr.strip().splitlines()) == 1
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert run(data, "verify", str(garbage)).returncode == 2
    assert run(data, "verify", str(receipt_file), "--at", "yesterday").returncode == 2


class _Keys(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/jwk-set+json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: object) -> None:
        """Quiet: the test output is the command's."""


@contextlib.contextmanager
def served(body: bytes) -> Iterator[str]:
    """A loopback HTTP server answering every GET with the given key set."""
    handler = type("Handler", (_Keys,), {"body": body})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/trustsvc-keys.json"
    finally:
        server.shutdown()
        server.server_close()
