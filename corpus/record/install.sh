#!/bin/bash
# Install every server of servers.json outside the repository, one directory per package, so
# one failing install (or one package's pins) cannot break another. Usage: install.sh [ROOT]
# Browsers are not downloaded (no internet here); servers that need one at start are skipped.
set -u
ROOT=${1:-/tmp/corpus-rec}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$ROOT/npm" "$ROOT/py"
export PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
python3 -c 'import json,sys; [print(e["registry"], e["package"]) for e in json.load(open(sys.argv[1]))]' \
    "$HERE/servers.json" | sort -u | while read -r registry pkg; do
  if [ "$registry" = npm ]; then
    d="$ROOT/npm/$(echo "$pkg" | tr '@/' '_-')"; mkdir -p "$d"
    [ -f "$d/package.json" ] || echo '{"name":"rec","version":"1.0.0","private":true}' > "$d/package.json"
    [ -d "$d/node_modules/$pkg" ] && continue
    (cd "$d" && { npm install --no-audit --no-fund --loglevel=error "$pkg" >install.log 2>&1 \
      || npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$pkg" >install.log 2>&1; }) \
      && echo "ok $pkg" || echo "FAIL $pkg"
  else
    d="$ROOT/py/$pkg"
    [ -f "$d/.ok" ] && continue
    python3 -m venv "$d" && "$d/bin/pip" install -q "$pkg" >"$d/install.log" 2>&1 \
      && touch "$d/.ok" && echo "ok $pkg" || echo "FAIL $pkg"
  fi
done
# Servers written for the 1.x SDK API (Server.list_tools decorators) fail to start on mcp 2.x.
for pkg in mcp-server-sqlite cli-mcp-server mcp-server-duckdb; do
  "$ROOT/py/$pkg/bin/pip" install -q "mcp<2" >/dev/null 2>&1 && echo "mcp<2 in $pkg"
done
