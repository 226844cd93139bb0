"""Record the benign corpus: start each published server over stdio and save what it lists.

Not run by the test suite. The servers are installed outside the repository (see
`install.sh`), each from its registry, into `ROOT/npm/<dir>/` or `ROOT/py/<package>/`. For each
entry of `servers.json` this opens the official `mcp` SDK client over stdio, runs `initialize`,
pages through every list the server's capabilities declare (`tools/list`, `prompts/list`,
`resources/templates/list`; a list answering "method not found" is skipped), and writes one
JSON file in the shape of `tests/data/tools_corpus/benign/*.json`:

    {"_source": {"registry", "package", "version", "licence"}, "_server_info": {...},
     "instructions": "...", "tools": [...], "prompts": [...], "resourceTemplates": [...]}

Definitions are dumped with `model_dump(by_alias=True, exclude_unset=True)`, so what is kept
is what the server sent. No tool is ever called. Servers that want a key at start get the
dummy one the manifest gives (round 3 entries get none); a server that reaches for the network
at start-up fails here (the recording machine has no internet) and is left out. With
`--no-network` (round 3) each server runs in a network namespace of its own (`unshare --net`,
needs root) holding only a loopback interface that is down, so nothing it does can leave
the process, whatever its start-up code tries.

Usage (from the repository root, with a Python that has `mcp>=2.3`):

    python corpus/record/record.py --root /tmp/corpus-rec --out /tmp/corpus-rec/out \
        [--manifest corpus/record/servers-round3.json] [--no-network] [NAME...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError
from mcp.types import PaginatedRequestParams

HERE = Path(__file__).resolve().parent
METHOD_NOT_FOUND = -32601
TIMEOUT_SECONDS = 90.0


def _npm_dir(package: str) -> str:
    return package.replace("@", "_").replace("/", "-")


def _npm_metadata(root: Path, entry: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    base = root / "npm" / entry.get("install_dir", _npm_dir(entry["package"]))
    meta = json.loads((base / "node_modules" / entry["package"] / "package.json").read_text())
    return base, meta


def _py_metadata(root: Path, entry: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
    base = root / "py" / entry.get("install_dir", entry["package"])
    script = (
        "import importlib.metadata as m, json, sys\n"
        "d = m.metadata(sys.argv[1])\n"
        "lic = d.get('License-Expression') or ''\n"
        "if not lic or len(lic) > 60:\n"
        "    cls = [c.split(' :: ')[-1] for c in d.get_all('Classifier') or []"
        " if c.startswith('License ::')]\n"
        "    lic = cls[0] if cls else (d.get('License') or '').splitlines()[0:1]\n"
        "    lic = lic if isinstance(lic, str) else (lic[0] if lic else '')\n"
        "print(json.dumps({'version': m.version(sys.argv[1]), 'license': lic}))\n"
    )
    out = subprocess.run(
        [str(base / "bin" / "python"), "-c", script, entry.get("dist", entry["package"])],
        capture_output=True,
        text=True,
        check=True,
    )
    return base, json.loads(out.stdout)


def server_parameters(
    root: Path, entry: dict[str, Any], *, no_network: bool = False
) -> tuple[StdioServerParameters, dict[str, Any]]:
    """How to start one manifest entry, and its `_source` block."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    work = root / "work" / entry["name"]
    work.mkdir(parents=True, exist_ok=True)
    for file_name, content in entry.get("setup", {}).items():  # dummy credential files
        (work / file_name).write_text(json.dumps(content))
    env = {"HOME": str(home), "NO_UPDATE_NOTIFIER": "1", "NODE_NO_WARNINGS": "1"}
    env |= {key: value.replace("{work}", str(work)) for key, value in entry.get("env", {}).items()}
    args = [arg.replace("{work}", str(work)) for arg in entry.get("args", [])]
    if entry["registry"] == "npm":
        base, meta = _npm_metadata(root, entry)
        command = entry["command"]
        if "/" in command or command.endswith(".js"):
            args = [str(base / "node_modules" / entry["package"] / command), *args]
            command = "node"
        else:
            command = str(base / "node_modules" / ".bin" / command)
        licence = meta.get("license")
        if isinstance(licence, dict):
            licence = licence.get("type")
        source = {"version": meta.get("version"), "licence": entry.get("licence") or licence}
    else:
        base, meta = _py_metadata(root, entry)
        command = str(base / "bin" / entry["command"])
        source = {"version": meta["version"], "licence": entry.get("licence") or meta["license"]}
    env["PATH"] = f"{Path(command).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    if no_network:  # a namespace with only a loopback that is down: no address is reachable
        command, args = "unshare", ["--net", "--", command, *args]
    params = StdioServerParameters(command=command, args=args, env=env, cwd=str(work))
    return params, {"registry": entry["registry"], "package": entry["package"], **source}


async def _pages(
    fetch: Callable[[PaginatedRequestParams | None], Awaitable[Any]], key: str
) -> list[dict[str, Any]]:
    """Every page of one list, each item dumped as the server sent it."""
    items: list[dict[str, Any]] = []
    params: PaginatedRequestParams | None = None
    while True:
        try:
            result = await fetch(params)
        except MCPError as exc:
            if exc.error.code == METHOD_NOT_FOUND:
                return items
            raise
        items += [
            item.model_dump(by_alias=True, exclude_unset=True) for item in getattr(result, key)
        ]
        cursor = result.next_cursor
        if not cursor:
            return items
        params = PaginatedRequestParams(cursor=cursor)


async def record(params: StdioServerParameters, errlog: Any) -> dict[str, Any]:
    """One server's listing, recorded over stdio."""
    async with (
        stdio_client(params, errlog=errlog) as (read, write),
        ClientSession(read, write) as session,
    ):
        init = await session.initialize()
        caps = init.capabilities
        document: dict[str, Any] = {
            "_server_info": init.server_info.model_dump(by_alias=True, exclude_unset=True),
        }
        if init.instructions:
            document["instructions"] = init.instructions
        if caps.tools is not None:
            document["tools"] = await _pages(lambda p: session.list_tools(params=p), "tools")
        if caps.prompts is not None:
            document["prompts"] = await _pages(lambda p: session.list_prompts(params=p), "prompts")
        if caps.resources is not None:
            document["resourceTemplates"] = await _pages(
                lambda p: session.list_resource_templates(params=p), "resource_templates"
            )
        return document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/tmp/corpus-rec"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, default=HERE / "servers.json")
    parser.add_argument(
        "--no-network", action="store_true", help="run each server in its own network namespace"
    )
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds a server")
    parser.add_argument("names", nargs="*")
    options = parser.parse_args()
    entries = json.loads(options.manifest.read_text())
    # Entries marked "skipped" failed here (the note says why); they run only when named.
    chosen = [
        e
        for e in entries
        if e["name"] in options.names or (not options.names and "skipped" not in e)
    ]
    options.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for entry in chosen:
        log_path = options.root / "logs" / f"{entry['name']}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            params, source = server_parameters(options.root, entry, no_network=options.no_network)
            with log_path.open("w") as errlog:
                document = asyncio.run(asyncio.wait_for(record(params, errlog), options.timeout))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures += 1
            print(f"FAIL {entry['name']}: {type(exc).__name__}: {str(exc)[:200]}", flush=True)
            continue
        document = {"_source": source, **document}
        (options.out / f"{entry['name']}.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        counts = {k: len(document.get(k, [])) for k in ("tools", "prompts", "resourceTemplates")}
        print(f"ok   {entry['name']}: {counts}", flush=True)
    return 1 if failures and len(chosen) == 1 else 0


if __name__ == "__main__":
    sys.exit(main())
