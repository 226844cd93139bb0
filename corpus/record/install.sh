#!/bin/bash
# Install every server of a manifest outside the repository, one directory per package, so
# one failing install (or one package's pins) cannot break another.
# Usage: install.sh [ROOT] [MANIFEST] (MANIFEST defaults to servers.json; JOBS=N installs N at once)
# Browsers are not downloaded (no internet here); servers that need one at start are skipped.
set -u
ROOT=${1:-/tmp/corpus-rec}
HERE=$(cd "$(dirname "$0")" && pwd)
MANIFEST=${2:-$HERE/servers.json}
mkdir -p "$ROOT/npm" "$ROOT/py"
export ROOT PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
install_one() {
  local registry=$1 pkg=$2 d
  if [ "$registry" = npm ]; then
    d="$ROOT/npm/$(echo "$pkg" | tr '@/' '_-')"; mkdir -p "$d"
    [ -f "$d/package.json" ] || echo '{"name":"rec","version":"1.0.0","private":true}' > "$d/package.json"
    [ -d "$d/node_modules/$pkg" ] && return 0
    (cd "$d" && { npm install --no-audit --no-fund --loglevel=error "$pkg" >install.log 2>&1 \
      || npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$pkg" >install.log 2>&1; }) \
      && echo "ok $pkg" || echo "FAIL $pkg"
  else
    d="$ROOT/py/$pkg"
    [ -f "$d/.ok" ] && return 0
    python3 -m venv "$d" && "$d/bin/pip" install -q "$pkg" >"$d/install.log" 2>&1 \
      && touch "$d/.ok" && echo "ok $pkg" || echo "FAIL $pkg"
  fi
}
export -f install_one
python3 -c 'import json,sys; [print(e["registry"], e["package"]) for e in json.load(open(sys.argv[1]))]' \
    "$MANIFEST" | sort -u | xargs -P "${JOBS:-1}" -L 1 bash -c 'install_one "$0" "$1"'
# Servers written for the 1.x SDK API (Server.list_tools decorators) fail to start on mcp 2.x.
for pkg in mcp-server-sqlite cli-mcp-server mcp-server-duckdb mcp-text-editor; do
  [ -x "$ROOT/py/$pkg/bin/pip" ] && "$ROOT/py/$pkg/bin/pip" install -q "mcp<2" >/dev/null 2>&1 \
    && echo "mcp<2 in $pkg"
done
exit 0
