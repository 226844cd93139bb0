"""Citations declared with a probe's code (RFCs, CVEs, SAFE-MCP, ...) and old stored strings.

Framework ids live in the mapping table with their edition; what a spec cites beside them
is the standard it checks against. Stored findings from before editions were recorded hold
plain strings such as `OWASP-MCP03` or `ATLAS AML.T0110`: they are read back as references
without an edition, never guessed into one.
"""

from __future__ import annotations

import re

from probes.frameworks.model import Reference

# (pattern, framework, which group is the id); first match wins.
_CITATIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<id>CWE-\d+)$"), "CWE"),
    (re.compile(r"^OWASP-(?P<id>(MCP|LLM|ASI)\d{2})$"), "OWASP-{kind}"),
    (re.compile(r"^ATLAS (?P<id>AML\.\S+)$"), "MITRE-ATLAS"),
    (re.compile(r"^(?P<id>RFC ?\d+)$"), "RFC"),
    (re.compile(r"^(?P<id>CVE-\d{4}-\d+)$"), "CVE"),
    (re.compile(r"^(?P<id>SAFE-T\d+)$"), "SAFE-MCP"),
    (re.compile(r"^(?P<id>CAPEC-\d+)$"), "CAPEC"),
    (re.compile(r"^ATT&CK[- ](?P<id>T\d+(\.\d+)?)$"), "MITRE-ATTACK"),
    (re.compile(r"^(?P<id>https?://\S+)$"), "URL"),
)

# The stored form of a pinned reference: FRAMEWORK@EDITION:ID (frameworks start upper-case,
# so a URL citation such as https://... never parses as one).
_TOKEN = re.compile(r"^(?P<framework>[A-Z][A-Za-z-]*)@(?P<edition>[^:\s]+):(?P<id>\S+)$")

# Framework ids that belong in the mapping table (with an edition), not in a spec's code.
PINNED_IN_TABLE = re.compile(r"^(OWASP-(MCP|LLM|ASI)\d*|ATLAS\b|AML\.|CWE-|MCP-T\d)")


def citation(text: str) -> Reference:
    """The reference a plain string stands for; unknown forms keep their text as `other`."""
    for pattern, framework in _CITATIONS:
        match = pattern.fullmatch(text)
        if match is not None:
            taxon_id = match["id"]
            return Reference(framework.format(kind=taxon_id[:3]), taxon_id)
    return Reference("other", text)


def reference_from_token(token: str) -> Reference:
    """Read a stored reference back; plain strings (citations, old rows) have no edition."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return citation(token)
    return Reference(match["framework"], match["id"], match["edition"])
