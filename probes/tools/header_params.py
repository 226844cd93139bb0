"""Parameters a client mirrors into HTTP headers (`x-mcp-header`), and which of them are sensitive.

MCP 2026-07-28 (Streamable HTTP, custom headers from tool parameters; SEP-2243): a property
of `inputSchema` annotated `"x-mcp-header": "Region"` is copied by the client into an
`Mcp-Param-Region` header on every `tools/call`, so gateways can route without parsing the
body. The spec: "Server developers SHOULD NOT mark sensitive parameters (passwords, API keys,
tokens, PII) with x-mcp-header, as header values are visible to network intermediaries" (and
land in their access logs). A parameter is sensitive here when its name or its header name
reads as a secret (`parameters.is_credential_name`) or as personal data, or its schema says so
(`format: password` / `email`, `writeOnly: true`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probes.tools.observation import ToolDefinition
from probes.tools.parameters import Parameter, is_credential_name, parameters

X_MCP_HEADER = "x-mcp-header"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PERSONAL_WORDS = frozenset(
    {"email", "phone", "telephone", "mobile", "ssn", "passport", "birthdate", "birthday"}
    | {"dob", "iban", "cvv", "cvc", "nationalid", "taxid", "msisdn"}
)
_PERSONAL_PAIRS = frozenset(
    {("phone", "number"), ("credit", "card"), ("card", "number"), ("social", "security")}
    | {("email", "address"), ("home", "address"), ("street", "address"), ("postal", "address")}
    | {("mailing", "address"), ("billing", "address"), ("of", "birth"), ("full", "name")}
    | {("first", "name"), ("last", "name"), ("legal", "name"), ("security", "number")}
)
_SENSITIVE_FORMATS = frozenset({"password", "email", "idn-email"})


@dataclass(frozen=True, slots=True)
class HeaderParameter:
    """One annotated parameter: its path, the header token, and why it is sensitive (or '')."""

    path: str
    header: str
    sensitive: str


def words_of(text: str) -> tuple[str, ...]:
    """A name split on camelCase, snake_case, kebab-case and dots, lower-cased."""
    return tuple(w for w in re.split(r"[_\-.\s]+", _CAMEL.sub("_", text).lower()) if w)


def is_personal_data_name(words: tuple[str, ...]) -> bool:
    """Whether split name words end in personal data: `email`, `phone_number`, `date_of_birth`."""
    if not words:
        return False
    return words[-1] in _PERSONAL_WORDS or tuple(words[-2:]) in _PERSONAL_PAIRS


def _why_sensitive(param: Parameter, header: str) -> str:
    for what, words in (("parameter", param.words), ("header", words_of(header))):
        if is_credential_name(words):
            return f"{what} name reads as a secret"
        if is_personal_data_name(words):
            return f"{what} name reads as personal data"
    fmt = param.schema.get("format")
    if isinstance(fmt, str) and fmt.lower() in _SENSITIVE_FORMATS:
        return f"format {fmt}"
    if param.schema.get("writeOnly") is True:
        return "writeOnly"
    return ""


def header_parameters(definition: ToolDefinition) -> list[HeaderParameter]:
    """Every `x-mcp-header` annotation on the tool's parameters, judged for sensitivity.

    A non-string annotation is not a header a client would send, so it is skipped (a
    conforming client rejects the whole tool; `tool_definition_is_malformed` is not the
    place for the 2026 rules, and sending nothing leaks nothing).
    """
    found: list[HeaderParameter] = []
    for param in parameters(definition.input_schema):
        header = param.schema.get(X_MCP_HEADER)
        if isinstance(header, str):
            found.append(HeaderParameter(param.path, header[:200], _why_sensitive(param, header)))
    return found
