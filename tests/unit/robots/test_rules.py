"""robots.txt as RFC 9309 reads it: the RFC's own examples, its matching rules, hostile files."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from probes.robots.rules import MAX_BYTES, matches, normalise, parse_robots

RFC_EXAMPLE = """\
User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot

EOF
"""


def test_the_rfc_simple_example_per_crawler() -> None:
    """RFC 9309 section 5.1."""
    foobot = parse_robots(RFC_EXAMPLE, "foobot")
    assert foobot.allows("/example/page.html")
    assert foobot.allows("/example/allowed.gif")
    assert not foobot.allows("/publications/")
    assert not foobot.allows("/")
    for bot in ("barbot", "bazbot"):
        rules = parse_robots(RFC_EXAMPLE, bot)
        assert not rules.allows("/example/page.html")
        assert rules.allows("/example/other.gif")  # the * group does not apply to them
    assert parse_robots(RFC_EXAMPLE, "quxbot").allows("/example/page.html")  # empty group
    anyone = parse_robots(RFC_EXAMPLE, "trustsvc")
    assert not anyone.allows("/picture.gif")
    assert anyone.allows("/picture.gif?x=1")  # `$` anchors the end
    assert not anyone.allows("/example/x")
    assert anyone.allows("/publications/x")


def test_the_longest_match_wins_and_allow_wins_a_tie() -> None:
    """RFC 9309 sections 2.2.2 and 5.2."""
    rules = parse_robots(
        "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n",
        "FooBot",  # product tokens compare case-insensitively
    )
    assert rules.allows("/example/page/")
    assert not rules.allows("/example/page/disallowed.gif")
    tie = parse_robots("user-agent: *\ndisallow: /mcp\nallow: /mcp\n", "trustsvc")
    assert tie.allows("/mcp")


def test_groups_naming_the_crawler_are_merged_and_beat_the_wildcard() -> None:
    text = (
        "User-agent: *\nDisallow: /\n\n"
        "User-agent: trustsvc/1.0\nDisallow: /private\n\n"
        "User-agent: other\nDisallow: /mcp\n\n"
        "User-agent: TRUSTSVC\nDisallow: /admin\n"
    )
    rules = parse_robots(text, "trustsvc")
    assert rules.allows("/mcp")
    assert not rules.allows("/private/x")
    assert not rules.allows("/admin")


def test_records_and_comments_around_groups() -> None:
    text = (
        "\ufeffDisallow: /before-any-group\n"
        "# a comment\n"
        "User-agent: *  # the rest\n"
        "Crawl-delay: 10\n"
        "Sitemap: https://example.com/sitemap.xml\n"
        "Disallow: /mcp # no\n"
        "Disallow:\n"
        "nonsense line without a colon\n"
    )
    rules = parse_robots(text, "trustsvc")
    assert not rules.allows("/mcp")
    assert rules.allows("/before-any-group")  # rules before a group are ignored
    assert rules.allows("/robots.txt")
    assert parse_robots("User-agent: *\nDisallow: /\n", "trustsvc").allows("/robots.txt")


def test_no_group_for_anyone_allows_everything() -> None:
    assert parse_robots("User-agent: googlebot\nDisallow: /\n", "trustsvc").allows("/mcp")
    assert parse_robots(b"", "trustsvc").allows("/mcp")


def test_wildcards_and_the_end_anchor() -> None:
    assert matches("/fish*", "/fish.html")
    assert matches("/*.php$", "/filename.php")
    assert not matches("/*.php$", "/filename.php?parameters")
    assert matches("/fish*.php", "/fishheads/catfish.php?parameters")
    assert not matches("/fish*.php", "/Fish.PHP")
    assert matches("/a*b*c$", "/abxbc")
    assert not matches("/ab*b$", "/ab")  # the tail may not overlap the head


def test_percent_encoding_compares_equal() -> None:
    """RFC 9309 2.2.2: unreserved octets decoded, others upper-case, non-ASCII as UTF-8."""
    assert normalise("/foo/bar/ツ") == "/foo/bar/%E3%83%84"
    assert normalise("/foo/bar/%e3%83%84") == "/foo/bar/%E3%83%84"
    assert normalise("/foo/%62%61%7A") == "/foo/baz"
    assert normalise("/a%2Fb") == "/a%2Fb"  # a reserved character stays encoded
    rules = parse_robots("User-agent: *\nDisallow: /foo/bar/ツ\n", "trustsvc")
    assert not rules.allows("/foo/bar/%E3%83%84")
    rules = parse_robots("User-agent: *\nDisallow: /%6D%63%70\n", "trustsvc")
    assert not rules.allows("/mcp")


def test_only_the_first_500_kib_are_read() -> None:
    head = b"User-agent: *\nDisallow: /early\n"
    body = head + b"#" * (MAX_BYTES - len(head)) + b"\nDisallow: /late\n"
    rules = parse_robots(body, "trustsvc")
    assert not rules.allows("/early")
    assert rules.allows("/late")


def test_a_hostile_pattern_of_stars_is_answered_without_backtracking() -> None:
    pattern = "/" + "a*" * 50_000 + "b"
    rules = parse_robots(f"User-agent: *\nDisallow: {pattern}\n", "trustsvc")
    assert rules.allows("/" + "a" * 100_000)


def reference(pattern: str, path: str) -> bool:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*")) + ("$" if anchored else "")
    return re.match(regex, path, flags=re.DOTALL) is not None


@given(st.text(alphabet="ab/*$", max_size=12), st.text(alphabet="ab/$", max_size=12))
def test_matching_agrees_with_a_regular_expression(pattern: str, path: str) -> None:
    assert matches(pattern, path) == reference(pattern, path)


@given(st.one_of(st.text(), st.binary()), st.text(max_size=40))
def test_any_file_and_path_is_answered(body: str | bytes, path: str) -> None:
    rules = parse_robots(body, "trustsvc")
    assert isinstance(rules.allows(path), bool)
    assert isinstance(rules.allows("\ud800\x00\u202e<b>"), bool)
