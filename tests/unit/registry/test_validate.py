"""validate_entry: what an upstream row must be to be stored, and how the rest is bounded."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from tests.servers.registry import OFFICIAL, make_entry
from trustsvc.clock import parse_rfc3339
from trustsvc.registry.records import Rejection, RemoteRecord, ServerRecord, UpstreamStatus
from trustsvc.registry.validate import (
    MAX_PACKAGES,
    MAX_REMOTES,
    PUBLISHER_META,
    check_remote_url,
    validate_entry,
)

WHEN = dt.datetime(2025, 10, 1, 12, 0, tzinfo=dt.UTC)


def entry(**kwargs: Any) -> dict[str, Any]:  # noqa: ANN401
    kwargs.setdefault("published_at", WHEN)
    return make_entry("io.github.alice/weather", "1.2.0", **kwargs)


def accepted(value: object) -> ServerRecord:
    result = validate_entry(value)
    assert isinstance(result, ServerRecord), result
    return result


def rejected(value: object) -> Rejection:
    result = validate_entry(value)
    assert isinstance(result, Rejection), result
    return result


def only_remote(url: str, kind: str = "streamable-http") -> RemoteRecord:
    record = accepted(entry(remotes=[{"type": kind, "url": url}]))
    assert len(record.remotes) == 1
    return record.remotes[0]


# -- a good row ------------------------------------------------------------------------------


def test_a_well_formed_entry_becomes_a_record() -> None:
    record = accepted(
        entry(
            title="Weather",
            websiteUrl="https://alice.example.com/",
            repository={"url": "https://github.com/alice/weather", "source": "github", "id": "42"},
            packages=[{"registryType": "npm", "identifier": "@alice/weather", "version": "1.2.0"}],
            status_message=None,
        )
    )
    assert record.name == "io.github.alice/weather"
    assert record.namespace == "io.github.alice"
    assert record.version == "1.2.0"
    assert record.description == "The io.github.alice/weather server"
    assert record.title == "Weather"
    assert record.website_url == "https://alice.example.com/"
    assert record.repository == {
        "url": "https://github.com/alice/weather",
        "source": "github",
        "id": "42",
    }
    assert record.packages == (
        {"registryType": "npm", "identifier": "@alice/weather", "version": "1.2.0"},
    )
    assert record.status is UpstreamStatus.ACTIVE
    assert record.status_message is None
    assert record.published_at == WHEN
    assert record.updated_at == WHEN
    assert record.status_changed_at == WHEN
    assert record.is_latest is True
    assert record.publisher_meta is None
    (remote,) = record.remotes
    assert remote == RemoteRecord(
        type="streamable-http",
        url="https://io-github-alice-weather.example.com/mcp",
        canonical_url="https://io-github-alice-weather.example.com/mcp",
    )
    assert len(record.content_hash) == 64


def test_the_entry_is_not_modified() -> None:
    original = entry(remotes=[{"type": "sse", "url": "HTTPS://Example.COM:443/sse"}])
    before = copy.deepcopy(original)
    accepted(original)
    assert original == before


def test_meta_is_optional() -> None:
    value = entry()
    del value["_meta"]
    record = accepted(value)
    assert record.status is UpstreamStatus.ACTIVE
    assert record.published_at is None
    assert record.is_latest is False


@pytest.mark.parametrize("meta", [None, [], "x", {OFFICIAL: "x"}, {OFFICIAL: None}, {"other": {}}])
def test_a_junk_meta_block_means_defaults(meta: object) -> None:
    value = entry()
    value["_meta"] = meta
    record = accepted(value)
    assert record.status is UpstreamStatus.ACTIVE
    assert record.updated_at is None


# -- rejections -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, [], "server", 42, 1.5, True])
def test_a_non_object_entry_is_rejected(value: object) -> None:
    assert rejected(value) == Rejection(
        name=None, version=None, reasons=("entry is not an object",)
    )


@pytest.mark.parametrize("server", [None, [], "x", 3])
def test_a_missing_or_non_object_server_is_rejected(server: object) -> None:
    value = entry()
    value["server"] = server
    result = rejected(value)
    assert "server is missing or not an object" in result.reasons
    assert result.name is None


def test_a_missing_server_key_is_rejected() -> None:
    value = entry()
    del value["server"]
    assert "server is missing or not an object" in rejected(value).reasons


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (None, "name is missing"),
        (42, "name is not a string"),
        (["io.x/y"], "name is not a string"),
        ("no-slash", "name does not match"),
        ("a/b/c", "name does not match"),
        ("/x", "name does not match"),
        ("x/", "name does not match"),
        ("io.x/ spaced", "name does not match"),
        ("io.x/wéather", "name does not match"),
        ("\u0456\u043e.github/x", "name does not match"),  # Cyrillic i and o
        ("io.x/y\n", "name does not match"),
        ("io.x/y\x00", "name does not match"),
        ("a/", "name length 2 is outside 3..200"),
        ("io.x/" + "y" * 196, "name length 201 is outside 3..200"),
    ],
)
def test_bad_names_are_rejected(name: object, reason: str) -> None:
    value = entry()
    value["server"]["name"] = name
    if name is None:
        del value["server"]["name"]
    result = rejected(value)
    assert any(r.startswith(reason) for r in result.reasons), result.reasons


@pytest.mark.parametrize("name", ["a/b", "io.github.a-b/c_d.e-1", "x" * 100 + "/" + "y" * 99])
def test_names_at_the_edges_are_accepted(name: str) -> None:
    value = entry()
    value["server"]["name"] = name
    assert accepted(value).name == name


def test_a_huge_name_is_truncated_in_the_rejection() -> None:
    value = entry()
    value["server"]["name"] = "io.x/" + "y" * 1_000_000
    result = rejected(value)
    assert result.name is not None
    assert len(result.name) == 200
    assert all(len(reason) < 200 for reason in result.reasons)


@pytest.mark.parametrize(
    ("version", "reason"),
    [
        (None, "version is missing"),
        (1, "version is not a string"),
        ({"v": 1}, "version is not a string"),
        ("", "version is empty"),
        ("1" * 256, "version is longer than 255 characters"),
        ("latest", "version must not be 'latest'"),
        ("1.0\x00", "version contains control characters or lone surrogates"),
        ("1.0\ud800", "version contains control characters or lone surrogates"),
    ],
)
def test_bad_versions_are_rejected(version: object, reason: str) -> None:
    value = entry()
    if version is None:
        del value["server"]["version"]
    else:
        value["server"]["version"] = version
    result = rejected(value)
    assert reason in result.reasons
    assert result.name == "io.github.alice/weather"


@pytest.mark.parametrize("version", ["1" * 255, "Latest", "1.0.0+build.5", "2025-10-01", "v1"])
def test_unusual_versions_are_accepted(version: str) -> None:
    value = entry()
    value["server"]["version"] = version
    assert accepted(value).version == version


@pytest.mark.parametrize("description", [None, 5, ["x"], {"text": "x"}])
def test_a_missing_or_non_string_description_is_rejected(description: object) -> None:
    value = entry()
    if description is None:
        del value["server"]["description"]
    else:
        value["server"]["description"] = description
    assert "description is missing or not a string" in rejected(value).reasons


def test_a_long_description_is_truncated_not_rejected() -> None:
    record = accepted(entry(description="d" * 5000))
    assert record.description == "d" * 100


@pytest.mark.parametrize("status", ["ACTIVE", "removed", "", 1, True, ["active"]])
def test_an_unknown_status_is_rejected(status: object) -> None:
    result = rejected(entry(status=status))
    assert any(reason.startswith("unknown status") for reason in result.reasons)


@pytest.mark.parametrize("status", list(UpstreamStatus))
def test_every_known_status_is_accepted(status: UpstreamStatus) -> None:
    record = accepted(entry(status=status.value, status_message="why"))
    assert record.status is status
    assert record.status_message == "why"


def test_a_null_status_counts_as_active() -> None:
    value = entry()
    value["_meta"][OFFICIAL]["status"] = None
    assert accepted(value).status is UpstreamStatus.ACTIVE


def test_every_reason_is_reported_at_once() -> None:
    value = entry(status="gone")
    value["server"].update(name="bad", version="latest", description=None)
    result = rejected(value)
    assert result.name == "bad"
    assert result.version == "latest"
    assert len(result.reasons) == 4, result.reasons


def test_a_python_object_that_is_not_json_is_rejected() -> None:
    value = entry()
    value["server"]["extra"] = {1: "x", "a": "y"}  # mixed key types cannot be sorted
    assert "entry is not JSON data" in rejected(value).reasons
    value["server"]["extra"] = float("nan")
    assert "entry is not JSON data" in rejected(value).reasons


# -- dates and flags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-01T12:00:00Z", dt.datetime(2025, 10, 1, 12, tzinfo=dt.UTC)),
        ("2025-10-01t12:00:00z", dt.datetime(2025, 10, 1, 12, tzinfo=dt.UTC)),
        ("2025-10-01T12:00:00.5Z", dt.datetime(2025, 10, 1, 12, 0, 0, 500000, tzinfo=dt.UTC)),
        (
            "2025-10-01T12:00:00.123456789Z",
            dt.datetime(2025, 10, 1, 12, 0, 0, 123456, tzinfo=dt.UTC),
        ),
        ("2025-10-01T14:30:00+02:30", dt.datetime(2025, 10, 1, 12, tzinfo=dt.UTC)),
        ("2025-10-01T09:00:00-03:00", dt.datetime(2025, 10, 1, 12, tzinfo=dt.UTC)),
        ("2025-10-01 12:00:00Z", dt.datetime(2025, 10, 1, 12, tzinfo=dt.UTC)),
    ],
)
def test_rfc3339_dates_parse_to_utc(text: str, expected: dt.datetime) -> None:
    parsed = parse_rfc3339(text)
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "text",
    [
        "2025-10-01T12:00:00",  # no offset: not RFC 3339, and naive
        "2025-10-01",
        "2025-13-01T00:00:00Z",
        "2025-02-30T00:00:00Z",
        "2025-10-01T24:00:00Z",
        "2025-10-01T12:00:60Z",
        "2025-10-01T12:00:00+25:00",
        "١٠٢٥-10-01T12:00:00Z",  # Arabic-Indic digits
        "yesterday",
        "",
        "2025-10-01T12:00:00." + "1" * 100 + "Z",
        None,
        1_759_320_000,
        ["2025-10-01T12:00:00Z"],
    ],
)
def test_unparseable_dates_are_none(text: object) -> None:
    assert parse_rfc3339(text) is None


def test_unparseable_dates_do_not_reject_the_row() -> None:
    record = accepted(
        entry(published_at="soon", updated_at="later", status_changed_at="2025-99-99T00:00:00Z")
    )
    assert (record.published_at, record.updated_at, record.status_changed_at) == (None,) * 3


@pytest.mark.parametrize(("flag", "expected"), [(True, True), (False, False), ("true", False)])
def test_is_latest_must_be_a_real_boolean(flag: object, expected: bool) -> None:  # noqa: FBT001
    value = entry()
    value["_meta"][OFFICIAL]["isLatest"] = flag
    assert accepted(value).is_latest is expected


def test_a_long_status_message_is_truncated() -> None:
    assert accepted(entry(status_message="m" * 10_000)).status_message == "m" * 500


# -- remotes ----------------------------------------------------------------------------------


def test_a_clean_remote_has_a_canonical_url_and_no_problems() -> None:
    remote = only_remote("HTTPS://Example.COM:443/sse", "sse")
    assert remote.url == "HTTPS://Example.COM:443/sse"
    assert remote.canonical_url == "https://example.com/sse"
    assert remote.problems == ()
    assert remote.templated is False


@pytest.mark.parametrize("kind", ["stdio", "websocket", "", "SSE"])
def test_an_unknown_transport_is_flagged(kind: str) -> None:
    remote = only_remote("https://example.com/mcp", kind)
    assert remote.problems == (f"unknown transport type {kind}",)
    assert remote.canonical_url == "https://example.com/mcp"


@pytest.mark.parametrize("kind", [None, 7, ["sse"]])
def test_a_non_string_transport_is_flagged(kind: object) -> None:
    record = accepted(entry(remotes=[{"type": kind, "url": "https://example.com/mcp"}]))
    (remote,) = record.remotes
    assert remote.type == ""
    assert remote.problems[0].startswith("unknown transport type")


@pytest.mark.parametrize(
    ("url", "problems"),
    [
        ("{baseUrl}/mcp", ()),
        ("https://{tenant}.example.com/mcp", ()),
        ("https://example.com/{region}/mcp", ()),
        ("http://{tenant}.example.com/mcp", ("not https",)),
        ("https://{tenant}.localhost/mcp", ("private host",)),
    ],
)
def test_templated_urls_are_kept_unprobeable(url: str, problems: tuple[str, ...]) -> None:
    remote = only_remote(url)
    assert remote.templated is True
    assert remote.canonical_url is None
    assert remote.url == url
    assert remote.problems == ("templated URL: not probeable without values", *problems)


@pytest.mark.parametrize(
    ("url", "canonical", "problems"),
    [
        ("http://example.com/mcp", "http://example.com/mcp", ("not https",)),
        (
            "http://10.0.0.1/mcp",
            "http://10.0.0.1/mcp",
            ("not https", "IP-literal host", "private host"),
        ),
        ("https://8.8.8.8/mcp", "https://8.8.8.8/mcp", ("IP-literal host",)),
        ("https://127.1/mcp", "https://127.0.0.1/mcp", ("IP-literal host", "private host")),
        ("https://0x7f000001/mcp", "https://127.0.0.1/mcp", ("IP-literal host", "private host")),
        ("https://[::1]/mcp", "https://[::1]/mcp", ("IP-literal host", "private host")),
        (
            "https://[::ffff:10.0.0.1]/mcp",
            "https://[::ffff:a00:1]/mcp",
            ("IP-literal host", "private host"),
        ),
        (
            "https://169.254.169.254/",
            "https://169.254.169.254/",
            ("IP-literal host", "private host"),
        ),
        ("https://100.64.0.1/", "https://100.64.0.1/", ("IP-literal host", "private host")),
        ("https://localhost/mcp", "https://localhost/mcp", ("private host",)),
        ("https://LOCALHOST./mcp", "https://localhost/mcp", ("private host",)),
        ("https://api.localhost/mcp", "https://api.localhost/mcp", ("private host",)),
        ("https://localhost.example.com/mcp", "https://localhost.example.com/mcp", ()),
        ("https://bücher.example/mcp", "https://xn--bcher-kva.example/mcp", ()),
    ],
)
def test_remote_url_problems(url: str, canonical: str, problems: tuple[str, ...]) -> None:
    remote = only_remote(url)
    assert remote.canonical_url == canonical
    assert remote.problems == problems
    assert remote.templated is False


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("ftp://example.com/mcp", "unsupported scheme 'ftp'"),
        ("not a url", "URL contains whitespace"),
        ("https://user:pw@example.com/", "URL must not contain credentials"),
        ("https:///mcp", "URL has no host"),
        ("https://example.com:99999/", "URL is malformed"),
        ("", "unsupported scheme"),
    ],
)
def test_an_unparseable_remote_keeps_the_parser_detail(url: str, detail: str) -> None:
    remote = only_remote(url)
    assert remote.canonical_url is None
    assert len(remote.problems) == 1
    assert remote.problems[0].startswith(detail), remote.problems


def test_a_huge_remote_url_is_kept_truncated_with_a_problem() -> None:
    remote = only_remote("https://example.com/" + "a" * 1_000_000)
    assert len(remote.url) == 2048
    assert remote.canonical_url is None
    assert remote.problems == ("URL is longer than 2048 characters",)


@pytest.mark.parametrize("url", [None, 42, {"href": "https://x"}])
def test_a_remote_without_a_string_url_is_flagged(url: object) -> None:
    record = accepted(entry(remotes=[{"type": "sse", "url": url}]))
    (remote,) = record.remotes
    assert remote.url == ""
    assert remote.canonical_url is None
    assert remote.problems == ("URL is missing or not a string",)


@pytest.mark.parametrize("remotes", [None, "https://x", {"url": "https://x"}, 5])
def test_junk_remotes_mean_none(remotes: object) -> None:
    value = entry()
    value["server"]["remotes"] = remotes
    assert accepted(value).remotes == ()


def test_non_object_remote_items_are_dropped() -> None:
    value = entry(
        remotes=["https://a.example/", None, {"type": "sse", "url": "https://b.example/"}]
    )
    assert [r.url for r in accepted(value).remotes] == ["https://b.example/"]


def test_remotes_are_capped_in_published_order() -> None:
    remotes = [{"type": "sse", "url": f"https://r{i}.example.com/"} for i in range(100)]
    record = accepted(entry(remotes=remotes))
    assert len(record.remotes) == MAX_REMOTES
    assert [r.url for r in record.remotes] == [r["url"] for r in remotes[:MAX_REMOTES]]
    assert all(r.problems == () for r in record.remotes)


def test_headers_and_variables_keep_documented_fields_only() -> None:
    header = {
        "name": "Authorization",
        "description": "Bearer token",
        "isRequired": True,
        "isSecret": True,
        "format": "string",
        "choices": ["a", 1, None, "b"],
        "value": "Bearer {token}",
        "variables": {"token": {"isSecret": True, "variables": {"deeper": {}}}, "bad": "x"},
        "evil": {"nested": ["junk"] * 100},
    }
    remote = {
        "type": "streamable-http",
        "url": "https://{tenant}.example.com/mcp",
        "headers": [header, "not-an-object", ["x"]],
        "variables": {"tenant": {"description": "your tenant", "isRequired": "yes"}, "n": 3},
    }
    (record,) = accepted(entry(remotes=[remote])).remotes
    assert record.headers == (
        {
            "name": "Authorization",
            "format": "string",
            "description": "Bearer token",
            "value": "Bearer {token}",
            "isRequired": True,
            "isSecret": True,
            "choices": ["a", "b"],
            "variables": {"token": {"isSecret": True}},
        },
    )
    assert record.variables == {"tenant": {"description": "your tenant"}}


@pytest.mark.parametrize("headers", [None, "Authorization", {"name": "x"}, 1])
def test_junk_headers_and_variables_mean_none(headers: object) -> None:
    remote = {"type": "sse", "url": "https://e.example/", "headers": headers, "variables": headers}
    (record,) = accepted(entry(remotes=[remote])).remotes
    assert record.headers == ()
    assert record.variables == {}


def test_header_strings_and_counts_are_bounded() -> None:
    header = {"name": "n" * 10_000, "description": "d" * 100_000, "choices": ["c" * 999] * 99}
    remote = {"type": "sse", "url": "https://e.example/", "headers": [header] * 60}
    (record,) = accepted(entry(remotes=[remote])).remotes
    assert len(record.headers) == 50
    first = record.headers[0]
    assert len(first["name"]) == 255
    assert len(first["description"]) == 1000
    assert len(first["choices"]) == 50
    assert all(len(choice) == 255 for choice in first["choices"])


# -- other fields -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("website", "kept"),
    [
        ("https://example.com/", True),
        ("http://example.com/", False),
        ("javascript:alert(1)", False),
        ("https://exa mple.com/", False),
        ("//example.com", False),
        (42, False),
        (None, False),
    ],
)
def test_website_url_is_kept_only_if_https(website: object, kept: bool) -> None:  # noqa: FBT001
    value = entry()
    value["server"]["websiteUrl"] = website
    assert accepted(value).website_url == (website if kept else None)


@pytest.mark.parametrize("repository", ["https://github.com/a/b", ["x"], 3, None])
def test_a_non_object_repository_is_dropped(repository: object) -> None:
    value = entry()
    value["server"]["repository"] = repository
    assert accepted(value).repository is None


def test_repository_keeps_its_four_fields_as_strings() -> None:
    repository = {"url": "u" * 5000, "source": "github", "id": 42, "subfolder": "x", "evil": "y"}
    record = accepted(entry(repository=repository))
    assert record.repository == {"url": "u" * 2048, "source": "github", "subfolder": "x"}


def test_packages_are_objects_with_documented_fields_capped() -> None:
    package = {
        "registryType": "npm",
        "identifier": "@a/b",
        "version": 3,
        "transport": {"type": "stdio", "url": None, "extra": 1},
        "environmentVariables": [{"name": "X"}] * 1000,
    }
    record = accepted(entry(packages=[package, "junk", None] + [package] * 100))
    assert len(record.packages) == MAX_PACKAGES
    assert record.packages[0] == {
        "registryType": "npm",
        "identifier": "@a/b",
        "transport": {"type": "stdio"},
    }


@pytest.mark.parametrize("packages", [None, "npm:x", {"registryType": "npm"}])
def test_junk_packages_mean_none(packages: object) -> None:
    value = entry()
    value["server"]["packages"] = packages
    assert accepted(value).packages == ()


def test_title_is_bounded_and_optional() -> None:
    assert accepted(entry(title="t" * 500)).title == "t" * 100
    assert accepted(entry(title=5)).title is None
    assert accepted(entry(title="")).title is None
    assert accepted(entry()).title is None


def test_unstorable_characters_are_removed_from_kept_text() -> None:
    record = accepted(entry(description="a\x00b\ud800c", title="t\x00"))
    assert record.description == "abc"
    assert record.title == "t"


# -- publisher metadata -----------------------------------------------------------------------


def test_publisher_meta_is_kept_and_everything_else_dropped() -> None:
    meta = {PUBLISHER_META: {"tool": "mcp-publisher", "n": [1, 2.5, None, True]}, "x/other": 1}
    record = accepted(entry(_meta=meta))
    assert record.publisher_meta == {"tool": "mcp-publisher", "n": [1, 2.5, None, True]}


def test_oversized_publisher_meta_is_replaced_by_its_size() -> None:
    big = {"blob": "é" * 3000}  # 6000 bytes of UTF-8
    size = len(json.dumps(big, separators=(",", ":"), ensure_ascii=False).encode())
    assert accepted(entry(_meta={PUBLISHER_META: big})).publisher_meta == {
        "_truncated": True,
        "bytes": size,
    }


def test_publisher_meta_at_the_limit_is_kept() -> None:
    meta = {"b": "x" * (4096 - len('{"b":""}'))}
    assert accepted(entry(_meta={PUBLISHER_META: meta})).publisher_meta == meta


@pytest.mark.parametrize("meta", [None, "text", ["x"], 5, {"other": {"a": 1}}])
def test_publisher_meta_must_be_an_object_under_its_key(meta: object) -> None:
    value = entry()
    value["server"]["_meta"] = meta if not isinstance(meta, str) else {PUBLISHER_META: meta}
    assert accepted(value).publisher_meta is None


def test_deep_or_dirty_publisher_meta_is_bounded() -> None:
    deep: object = "bottom"
    for _ in range(60):
        deep = [deep]
    record = accepted(entry(_meta={PUBLISHER_META: {"deep": deep, "k\x00": "v\x00"}}))
    assert record.publisher_meta is not None
    assert record.publisher_meta["k"] == "v"
    depth, node = 0, record.publisher_meta["deep"]
    while isinstance(node, list):
        depth, node = depth + 1, node[0]
    assert node is None
    assert depth < 60


# -- content hash -----------------------------------------------------------------------------


def test_the_hash_ignores_key_order_and_timestamps() -> None:
    first = entry()
    second = json.loads(json.dumps(first))
    second["server"] = dict(reversed(list(second["server"].items())))
    second["_meta"][OFFICIAL].update(
        updatedAt="2030-01-01T00:00:00Z",
        publishedAt="2030-01-01T00:00:00Z",
        statusChangedAt="2030-01-01T00:00:00Z",
        isLatest=False,
    )
    assert accepted(first).content_hash == accepted(second).content_hash


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["server"].update(description="new words"),
        lambda e: e["server"].update(icons=[{"src": "https://e.example/i.png"}]),
        lambda e: e["server"]["remotes"][0].update(url="https://other.example/mcp"),
        lambda e: e["_meta"][OFFICIAL].update(status="deprecated"),
        lambda e: e["_meta"][OFFICIAL].update(statusMessage="moved"),
    ],
)
def test_the_hash_changes_with_content_or_status(change: Any) -> None:  # noqa: ANN401
    before = entry()
    after = copy.deepcopy(before)
    change(after)
    assert accepted(before).content_hash != accepted(after).content_hash


def test_an_absent_status_hashes_like_active() -> None:
    value = entry()
    bare = copy.deepcopy(value)
    del bare["_meta"][OFFICIAL]["status"]
    assert accepted(value).content_hash == accepted(bare).content_hash


# -- hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "junk",
    [None, True, 0, -1.5, "", "x" * 100_000, [], [None] * 1000, {}, {"a": {"b": {"c": []}}}],
)
def test_wrong_types_everywhere_never_crash(junk: object) -> None:
    fields = [
        "title",
        "websiteUrl",
        "repository",
        "packages",
        "remotes",
        "_meta",
        "icons",
        "$schema",
    ]
    for name in fields:
        value = entry()
        value["server"][name] = junk
        assert isinstance(validate_entry(value), ServerRecord)
    for name in ["status", "statusMessage", "publishedAt", "updatedAt", "isLatest"]:
        value = entry()
        value["_meta"][OFFICIAL][name] = junk
        assert isinstance(validate_entry(value), ServerRecord | Rejection)


def test_junk_inside_every_remote_field_never_crashes() -> None:
    junk: list[object] = [None, 1, "x", [], {}, [{}], {"a": [1]}, "{", "}", "{{}}", "\x00"]
    for value in junk:
        remote = {"type": value, "url": value, "headers": value, "variables": value}
        record = accepted(entry(remotes=[remote, {"url": value}, {"headers": [value]}]))
        assert len(record.remotes) == 3


@pytest.mark.parametrize("url", ["https://exa{mple.com/", "https://example.com/}{", "{}"])
def test_brace_oddities_are_judged_without_raising(url: str) -> None:
    canonical, templated, problems = check_remote_url(url)
    assert templated == ("{}" in url)
    assert canonical is None or not templated
    assert all(isinstance(p, str) for p in problems)
