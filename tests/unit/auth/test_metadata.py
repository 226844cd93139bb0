"""Discovery URLs, document parsers and the RFC 9728 / RFC 8414 validators, from literal values."""

from __future__ import annotations

import json

import pytest

from probes.auth.documents import (
    advertised_urls,
    as_discovery_urls,
    parse_authorization_server,
    parse_protected_resource,
    prm_urls,
    url_fields,
)
from probes.auth.metadata import (
    ResourceMatch,
    as_problems,
    dangerous_url_reason,
    is_https,
    match_resource,
    prm_problems,
    url_scheme,
)
from probes.auth.observation import AsVariant, PrmDocument, PrmSource
from tests.unit.auth.observations import (
    ENDPOINT,
    ISSUER,
    PLAIN_TOKEN_ENDPOINT,
    PRM_URL,
    as_documents,
    as_metadata,
    prm,
    reply,
)

JSON = "application/json"


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        (
            "https://h.example/mcp",
            [
                (
                    PrmSource.PATH_INSERTED,
                    "https://h.example/.well-known/oauth-protected-resource/mcp",
                ),
                (PrmSource.ROOT, "https://h.example/.well-known/oauth-protected-resource"),
            ],
        ),
        (
            "https://h.example:8443/a/mcp/",
            [
                (
                    PrmSource.PATH_INSERTED,
                    "https://h.example:8443/.well-known/oauth-protected-resource/a/mcp",
                ),
                (PrmSource.ROOT, "https://h.example:8443/.well-known/oauth-protected-resource"),
            ],
        ),
        (
            "https://h.example/",
            [(PrmSource.ROOT, "https://h.example/.well-known/oauth-protected-resource")],
        ),
    ],
)
def test_prm_urls_insert_the_well_known_string_before_the_path(
    endpoint: str, expected: list[tuple[PrmSource, str]]
) -> None:
    assert prm_urls(endpoint) == expected


def test_as_discovery_urls_follow_the_mcp_client_order() -> None:
    assert as_discovery_urls("https://as.example/tenant1") == [
        (
            AsVariant.OAUTH_PATH_INSERTED,
            "https://as.example/.well-known/oauth-authorization-server/tenant1",
        ),
        (
            AsVariant.OIDC_PATH_INSERTED,
            "https://as.example/.well-known/openid-configuration/tenant1",
        ),
        (
            AsVariant.OIDC_PATH_APPENDED,
            "https://as.example/tenant1/.well-known/openid-configuration",
        ),
    ]
    assert as_discovery_urls("https://as.example/") == [
        (AsVariant.OAUTH_ROOT, "https://as.example/.well-known/oauth-authorization-server"),
        (AsVariant.OIDC_ROOT, "https://as.example/.well-known/openid-configuration"),
    ]


def test_a_protected_resource_document_parses_with_its_url_fields() -> None:
    body = json.dumps(
        {
            "resource": ENDPOINT,
            "authorization_servers": [ISSUER],
            "scopes_supported": ["mcp:tools"],
            "jwks_uri": "https://mcp.example.com/jwks",
            "resource_name": "not a URL",
        }
    ).encode()
    metadata, problem = parse_protected_resource(body, "application/json; charset=utf-8")
    assert problem is None
    assert metadata is not None
    assert metadata.resource == ENDPOINT
    assert metadata.authorization_servers == (ISSUER,)
    assert dict(metadata.urls) == {
        "resource": ENDPOINT,
        "authorization_servers": ISSUER,
        "jwks_uri": "https://mcp.example.com/jwks",
    }


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b"{}", "text/html", "content type text/html is not JSON"),
        (b"{}", None, "content type (none) is not JSON"),
        (b"{not json", JSON, "the body is not valid JSON"),
        (b"[1]", JSON, "the body is not a JSON object"),
        (b'{"resource": 1}', JSON, "resource is not a string"),
        (
            b'{"authorization_servers": "https://a"}',
            JSON,
            "authorization_servers is not a list of strings",
        ),
        (b"[" * 100_000, JSON, "the body is not valid JSON"),
    ],
)
def test_unusable_protected_resource_documents_say_why(
    body: bytes, content_type: str | None, problem: str
) -> None:
    assert parse_protected_resource(body, content_type) == (None, problem)


def test_authorization_server_metadata_parses_and_checks_types() -> None:
    good = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "code_challenge_methods_supported": ["S256"],
        "client_id_metadata_document_supported": True,
    }
    metadata, problem = parse_authorization_server(json.dumps(good).encode(), JSON)
    assert problem is None
    assert metadata is not None
    assert metadata.code_challenge_methods_supported == ("S256",)
    assert metadata.client_id_metadata_document_supported is True
    absent, _ = parse_authorization_server(json.dumps({"issuer": ISSUER}).encode(), JSON)
    assert absent is not None
    assert absent.code_challenge_methods_supported is None
    bad = {**good, "client_id_metadata_document_supported": "yes"}
    assert parse_authorization_server(json.dumps(bad).encode(), JSON) == (
        None,
        "client_id_metadata_document_supported is not a boolean",
    )


def test_url_fields_and_advertised_urls_find_every_url() -> None:
    assert url_fields({"a_endpoint": "x", "b_uri": ["y", 2], "c": "z", "issuer": "i"}) == (
        ("a_endpoint", "x"),
        ("b_uri", "y"),
        ("issuer", "i"),
    )
    found = advertised_urls(
        {
            "name": "s",
            "icons": [{"src": "https://i/1.png"}, {"nope": 1}],
            "websiteUrl": "file:///x",
        },
        [{"name": "t", "icons": [{"src": "data:text/html,<b>"}]}, {"icons": "not a list"}],
    )
    assert [(u.where, u.url) for u in found] == [
        ("serverInfo.icons[0].src", "https://i/1.png"),
        ("serverInfo.websiteUrl", "file:///x"),
        ("tool:t.icons[0].src", "data:text/html,<b>"),
    ]


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (ENDPOINT, ResourceMatch.EXACT),
        ("HTTPS://MCP.Example.com:443/mcp", ResourceMatch.EXACT),
        ("https://mcp.example.com/mcp?x=1", ResourceMatch.EXACT),
        ("https://mcp.example.com/mcp/", ResourceMatch.TRAILING_SLASH),
        ("https://mcp.example.com", ResourceMatch.PREFIX),
        ("https://mcp.example.com/", ResourceMatch.PREFIX),
        ("https://mcp.example.com/m", ResourceMatch.MISMATCH),
        ("https://mcp.example.com/other", ResourceMatch.MISMATCH),
        ("https://mcp.example.com:8443/mcp", ResourceMatch.MISMATCH),
        ("http://mcp.example.com/mcp", ResourceMatch.MISMATCH),
        ("https://evil.example/mcp", ResourceMatch.MISMATCH),
        ("https://mcp.example.com/mcp#frag", ResourceMatch.INVALID),
        ("mcp.example.com/mcp", ResourceMatch.INVALID),
        ("https://[::1/mcp", ResourceMatch.INVALID),
    ],
)
def test_match_resource_per_rfc_8707_canonical_uris(resource: str, expected: ResourceMatch) -> None:
    assert match_resource(resource, ENDPOINT) is expected


def test_an_endpoint_at_the_root_matches_the_origin_without_a_slash() -> None:
    assert match_resource("https://h.example", "https://h.example/") is ResourceMatch.EXACT


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("https://a", "https"),
        ("JavaScript:alert(1)", "javascript"),
        (" \x01javascript:x", "javascript"),
        ("java\tscr\nipt:x", "javascript"),
        ("/relative", None),
        ("", None),
    ],
)
def test_url_scheme_sees_what_a_browser_sees(url: str, scheme: str | None) -> None:
    assert url_scheme(url) == scheme


@pytest.mark.parametrize(
    ("url", "oauth_field", "reason"),
    [
        ("https://as.example/authorize", True, None),
        ("http://as.example/authorize", True, None),
        ("javascript:alert(1)", True, "javascript: scheme"),
        ("vbscript:msgbox", False, "vbscript: scheme"),
        ("file:///etc/passwd", False, "file: scheme"),
        ("data:image/png;base64,AAAA", False, None),
        ("data:image/png;base64,AAAA", True, "data: scheme"),
        ("data:text/html,<script>", False, "data: scheme"),
        ("ms-settings:privacy", True, "ms-settings: scheme"),
        ("ms-settings:privacy", False, None),
        ("/authorize", True, "not an absolute http(s) URL"),
    ],
)
def test_dangerous_url_reason(url: str, oauth_field: bool, reason: str | None) -> None:  # noqa: FBT001
    assert dangerous_url_reason(url, oauth_field=oauth_field) == reason


def test_is_https() -> None:
    assert is_https("https://a.example/x")
    assert not is_https("http://a.example")
    assert not is_https("https:///nohost")
    assert not is_https("https://[::1")


def _prm(**changes: object) -> PrmDocument:
    return PrmDocument(
        source=PrmSource.PATH_INSERTED, reply=reply(PRM_URL), metadata=prm(**changes)
    )


def test_prm_problems() -> None:
    assert prm_problems(_prm(), ENDPOINT) == []
    assert prm_problems(_prm(resource="https://mcp.example.com"), ENDPOINT) == []
    assert prm_problems(_prm(resource=None), ENDPOINT) == ["path-inserted: resource is missing"]
    assert prm_problems(_prm(authorization_servers=()), ENDPOINT) == [
        "path-inserted: authorization_servers is empty"
    ]
    assert prm_problems(_prm(authorization_servers=("http://as.example",)), ENDPOINT) == [
        "path-inserted: authorization server http://as.example is not https"
    ]
    http_endpoint = "http://mcp.example.com/mcp"
    assert prm_problems(_prm(resource=http_endpoint), http_endpoint) == [
        f"path-inserted: resource {http_endpoint} is not https"
    ]
    (slash,) = prm_problems(_prm(resource=ENDPOINT + "/"), ENDPOINT)
    assert "trailing-slash" in slash
    unusable = PrmDocument(
        source=PrmSource.ROOT, reply=reply(), problem="the body is not valid JSON"
    )
    assert prm_problems(unusable, ENDPOINT) == ["root: the body is not valid JSON"]


def test_as_problems() -> None:
    (good,) = as_documents()
    assert as_problems(good) == []
    (mismatch,) = as_documents(as_metadata(issuer=ISSUER + "/"))
    assert as_problems(mismatch) == [f"{ISSUER}: issuer {ISSUER}/ differs (RFC 8414 3.3)"]
    (plain,) = as_documents(as_metadata(token_endpoint=PLAIN_TOKEN_ENDPOINT))
    assert as_problems(plain) == [f"{ISSUER}: token_endpoint {PLAIN_TOKEN_ENDPOINT} is not https"]
    (bare,) = as_documents(
        as_metadata(issuer=None, authorization_endpoint=None, token_endpoint=None)
    )
    assert as_problems(bare) == [
        f"{ISSUER}: issuer is missing",
        f"{ISSUER}: authorization_endpoint is missing",
        f"{ISSUER}: token_endpoint is missing",
    ]


def test_every_endpoint_and_the_jwks_uri_must_be_https_but_documentation_need_not() -> None:
    body = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "revocation_endpoint": "http://auth.example.com/revoke",
        "jwks_uri": "http://auth.example.com/jwks",
        "service_documentation": "http://auth.example.com/docs",
    }
    metadata, _ = parse_authorization_server(json.dumps(body).encode(), JSON)
    assert metadata is not None
    assert ("service_documentation", "http://auth.example.com/docs") in metadata.urls
    (document,) = as_documents(metadata)
    assert as_problems(document) == [
        f"{ISSUER}: revocation_endpoint http://auth.example.com/revoke is not https",
        f"{ISSUER}: jwks_uri http://auth.example.com/jwks is not https",
    ]
