"""Credentials in a URL's query string are refused, not stored (issue 16).

A submitted URL is stored, listed to every read key, printed in reports and sent in webhook
payloads, so `?api_key=...` there is a leaked secret. Parameter names are compared after
folding case and dropping separators (`API-Key`, `api_key` and `apiKey` are one name);
a name in CREDENTIAL_NAMES, or ending in one of CREDENTIAL_SUFFIXES (`github_token`,
`my_secret`), is refused with a message that says where credentials go instead.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

CREDENTIAL_NAMES = frozenset(
    {
        "apikey", "key", "token", "accesstoken", "refreshtoken", "idtoken", "authtoken",
        "apitoken", "bearer", "jwt", "clientsecret", "secret", "secretkey", "accesskey",
        "password", "passwd", "pwd", "pass", "auth", "authorization", "sig", "signature",
        "sessiontoken", "xapikey", "xamzsignature", "xamzcredential", "xamzsecuritytoken",
        "xgoogsignature", "xgoogcredential", "privatekey",
    }
)  # fmt: skip
CREDENTIAL_SUFFIXES = ("token", "secret", "password", "apikey", "signature")
_SEPARATORS = re.compile(r"[-_.\s]")

HINT = (
    "credentials in a URL are stored and shown to every reader; remove it and send it as a "
    "header instead (`trustsvc assess --header 'Authorization: Bearer ...'`, the operator "
    "headers, which go to the target's origin only)"
)


def folded(name: str) -> str:
    """A parameter name with case and separators folded away."""
    return _SEPARATORS.sub("", name).lower()


def credential_parameters(query: str) -> list[str]:
    """The names (as written) of query parameters that look like credentials."""
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return [
        name
        for name in dict.fromkeys(names)
        if (key := folded(name)) in CREDENTIAL_NAMES or key.endswith(CREDENTIAL_SUFFIXES)
    ]
