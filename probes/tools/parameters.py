"""Parameters that let the agent do anything, and parameters that ask it for secrets.

A free-form string named `command`, `sql`, `path` or `url` with no enum, pattern or length
bound hands the model a shell, a database, the file system or the network; a parameter named
`api_key` or `password` asks the model to handle a secret it should never see. Both are judged
from the JSON schema alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from probes.tools.observation import ToolDefinition

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_MAX_DEPTH = 3
_MAX_TOKEN_WORDS = 3  # `github_token` yes; `last_used_access_token_hint` no
_BOUNDS = ("enum", "const", "pattern", "maxLength")
_COMMAND = frozenset({"command", "cmd", "shell", "commandline", "bash", "powershell", "argv"})
_CODE = frozenset({"code", "script", "javascript", "js", "python", "snippet", "function", "source"})
_SQL = frozenset({"sql", "query", "statement"})
_PATH = frozenset(
    {"path", "paths", "file", "filepath", "filename", "dir", "directory", "folder", "cwd"}
    | {"destination", "source", "root"}
)
_URL = frozenset({"url", "uri", "href", "link", "endpoint", "webhook", "urls"})
_EXECUTE = re.compile(r"\b(?:execut|run|evaluat|eval\b|interpret)", re.IGNORECASE)
_SQL_CONTEXT = re.compile(
    r"\b(?:sql|cypher|sparql|select\s+\S+(?:\s+\S+){0,3}\s+from|insert\s+into)\b", re.IGNORECASE
)
_FILE_CONTEXT = re.compile(r"\b(?:file|directory|folder|path)s?\b", re.IGNORECASE)
_NOT_CREDENTIAL_BEFORE_TOKEN = frozenset(
    {"page", "next", "continuation", "cursor", "max", "num", "total", "count", "sync", "csrf"}
    | {"pagination", "min", "output", "input", "completion", "prompt", "context", "limit"}
)
_CREDENTIAL_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "credential", "credentials", "apikey"}
    | {"cookie", "cookies", "mnemonic", "privatekey", "bearer", "authorization", "pat"}
)
_CREDENTIAL_PAIRS = frozenset(
    {("api", "key"), ("access", "key"), ("private", "key"), ("secret", "key")}
    | {("client", "secret"), ("seed", "phrase"), ("session", "token"), ("auth", "token")}
)


@dataclass(frozen=True, slots=True)
class Parameter:
    """One property of an input schema, with its dotted path below `inputSchema`."""

    name: str
    path: str
    schema: Mapping[str, object]

    @property
    def words(self) -> tuple[str, ...]:
        """The name split on camelCase, snake_case and kebab-case, lower-cased."""
        return tuple(w for w in re.split(r"[_\-.\s]+", _CAMEL.sub("_", self.name).lower()) if w)

    @property
    def description(self) -> str:
        """The parameter's description, or the empty string."""
        value = self.schema.get("description")
        return value if isinstance(value, str) else ""


def parameters(
    schema: Mapping[str, object] | None, path: str = "", depth: int = 0
) -> Iterator[Parameter]:
    """Every named property of a schema, descending into nested objects and array items."""
    if schema is None or depth > _MAX_DEPTH:
        return
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for name, sub in properties.items():
            if not isinstance(sub, Mapping):
                continue
            here = f"{path}.{name}" if path else str(name)
            yield Parameter(str(name), here, sub)
            yield from parameters(sub, here, depth + 1)
    items = schema.get("items")
    if isinstance(items, Mapping):
        yield from parameters(items, f"{path}[]", depth + 1)


def _types(schema: Mapping[str, object]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return set()


def _bounded(schema: Mapping[str, object]) -> bool:
    if any(key in schema for key in _BOUNDS):
        return True
    items = schema.get("items")
    return isinstance(items, Mapping) and any(key in items for key in _BOUNDS)


def _free_text(schema: Mapping[str, object]) -> bool:
    """A string, an array of strings, or an untyped value, with no bound on what it holds."""
    types = _types(schema)
    if types and not types & {"string", "array"}:
        return False
    if types == {"array"}:
        items = schema.get("items")
        if isinstance(items, Mapping) and _types(items) - {"string"}:
            return False
    return not _bounded(schema)


def parameter_kind(param: Parameter, tool_text: str) -> str | None:
    """command, code, sql, path or url: what an unbounded value of this parameter reaches."""
    words = param.words
    last = words[-1] if words else ""
    context = f"{param.description} {tool_text}"
    fmt = param.schema.get("format")
    if last in _COMMAND or param.name.lower() in _COMMAND:
        return "command"
    if last in _CODE and _EXECUTE.search(context):
        return "code"
    if (last in _SQL and _SQL_CONTEXT.search(context)) or param.name.lower() == "sql":
        return "sql"
    if last in _URL or fmt in ("uri", "url", "iri"):
        return "url"
    if last in _PATH and (last != "source" or _FILE_CONTEXT.search(param.description)):
        return "path"
    return None


def overbroad_parameters(definition: ToolDefinition) -> list[tuple[Parameter, str]]:
    """Unbounded free-text parameters that reach a shell, code, SQL, files or the network."""
    tool_text = " ".join(filter(None, (definition.name, definition.description)))
    found = []
    for param in parameters(definition.input_schema):
        if not _free_text(param.schema):
            continue
        kind = parameter_kind(param, tool_text)
        if kind is not None:
            found.append((param, kind))
    return found


def is_credential_name(words: tuple[str, ...]) -> bool:
    """Whether split name words end in a secret: `api_key`, `password`, `github_token`.

    The secret must be the last word: `secret_type`, `private_key_path` and `page_token` name
    something about a secret, or something else, not the secret itself.
    """
    if not words:
        return False
    if words[-1] in _CREDENTIAL_WORDS or tuple(words[-2:]) in _CREDENTIAL_PAIRS:
        return True
    if words[-1] in ("token", "auth") and len(words) <= _MAX_TOKEN_WORDS:
        return not (len(words) > 1 and words[-2] in _NOT_CREDENTIAL_BEFORE_TOKEN)
    return False


def credential_parameters(definition: ToolDefinition) -> list[Parameter]:
    """String parameters whose names ask the agent to supply a secret."""
    found = []
    for param in parameters(definition.input_schema):
        types = _types(param.schema)
        if (types and "string" not in types) or "enum" in param.schema or "const" in param.schema:
            continue
        if is_credential_name(param.words):
            found.append(param)
    return found
