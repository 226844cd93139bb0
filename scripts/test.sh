#!/usr/bin/env bash
# The README's test command: install everything the suite needs, then run all of it.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh tests/unit -x`).
# `--quick` first: lint, types, the unit tests and the import rules only. It installs
# nothing from apt, starts no PostgreSQL and no node, and re-installs the project only
# when pyproject.toml changed since it last did. CI runs the full command.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv

if [ "${1:-}" = "--quick" ]; then
    shift
    stamp=.venv/.trustsvc-installed
    if [ ! -e "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
        touch "$stamp"
    fi
    .venv/bin/ruff check --quiet .
    .venv/bin/ruff format --check --quiet .
    .venv/bin/mypy
    exec .venv/bin/python -m pytest -n 2 -p no:cacheprovider tests/unit tests/test_architecture.py "$@"
fi

.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# The TLS lab signs its SHA-1 certificate with the openssl CLI (cryptography refuses SHA-1).
command -v openssl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }
# The WHOIS fallback's tests reach a local server through Debian's whois CLI (-h HOST -p PORT).
command -v whois >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq whois >/dev/null; }
# The domain family's tests run a real DNS lab: BIND 9 (authoritative, DNSSEC signing) and
# unbound (validating resolver). apt does not start them; the tests start their own.
if ! PATH="$PATH:/usr/sbin" command -v named >/dev/null 2>&1 || ! PATH="$PATH:/usr/sbin" command -v unbound >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bind9 bind9-utils unbound >/dev/null
fi
bash scripts/ensure_postgres.sh
# The TypeScript reference MCP server (server-everything); its tests skip only without node.
if command -v node >/dev/null 2>&1; then
    npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
fi
export TRUSTSVC_TEST_POSTGRES_URL="${TRUSTSVC_TEST_POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}"

.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy

# loadfile keeps each module (and its shared lab servers and sslyze scans) on one worker.
exec .venv/bin/python -m pytest -n 2 --dist loadfile -p no:cacheprovider "$@"
