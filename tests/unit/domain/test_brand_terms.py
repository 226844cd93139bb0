"""The sharper lookalike classes of issue 18, each with names it must and must not flag.

ASCII look-alike shapes (alone, combined, on other suffixes), brand terms with generic words
on any TLD, subdomain tricks anywhere in the host, and the brand's own domains, storefronts
and platform accounts that must stay out of the alarms. All offline (lexical only).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probes.domain.confusables import ascii_skeleton
from probes.domain.lookalike import detect_lookalike
from probes.domain.trusted import TrustedListError, default_trusted, parse_brand_domains, with_extra
from probes.errors import TargetRejected

TRUSTED = default_trusted()


@pytest.mark.parametrize(
    ("host", "of"),
    [
        ("rnicr0soft.com", "microsoft.com"),  # rn=m and 0=o together
        ("daude.com", "claude.com"),  # cl=d
        ("c1aude.ai", "claude.ai"),  # 1=l
        ("qithub.com", "github.com"),  # q=g
        ("g1thvb.io", "github.com"),  # 1=i, v=u, on another suffix
        ("hugglngface.link", "huggingface.co"),  # one confusion of a long brand, any suffix
        ("anthr0plc-info.com", "anthropic.com"),  # shapes plus a generic word
        ("vvindows-rnicrosoft.top", "microsoft.com"),
    ],
)
def test_ascii_look_alikes_are_lookalikes(host: str, of: str) -> None:
    assert detect_lookalike(host, TRUSTED).lookalike_of == of


@pytest.mark.parametrize(
    "host",
    ["openal.org", "modern.com", "claudette.com", "gitlab.io", "example.com"],
)
def test_ascii_shapes_leave_innocent_neighbours_alone(host: str) -> None:
    assert detect_lookalike(host, TRUSTED).lookalike_of is None


def test_skeleton_folds_every_pair_the_issue_names() -> None:
    assert ascii_skeleton("rn") == ascii_skeleton("m")
    assert ascii_skeleton("cl") == ascii_skeleton("d")
    assert ascii_skeleton("q") == ascii_skeleton("g")
    assert ascii_skeleton("vv") == ascii_skeleton("w")
    assert ascii_skeleton("1") == ascii_skeleton("l")
    assert ascii_skeleton("0") == ascii_skeleton("o")
    assert ascii_skeleton("m") != ascii_skeleton("n")


@pytest.mark.parametrize(
    ("host", "of"),
    [
        ("chat-gpt-pro.top", "chatgpt.com"),  # the brand split by a hyphen, any word after
        ("chat-gpt-desktopapp.online", "chatgpt.com"),
        ("chatgptlogin.xyz", "chatgpt.com"),  # glued to a generic word
        ("free-claude-ai.shop", "claude.ai"),
        ("anthropicmcp.site", "anthropic.com"),
        ("login-0kta.com", "okta.com"),  # a short brand as a whole word
        ("2faopenai.info", "openai.com"),
    ],
)
def test_brand_terms_with_generic_words_on_any_tld(host: str, of: str) -> None:
    assert detect_lookalike(host, TRUSTED).lookalike_of == of


@pytest.mark.parametrize(
    "host",
    ["pythonanywhere.com", "slackware.com", "notional.com", "figmatic.com", "oktawave.com"],
)
def test_a_brand_inside_a_longer_word_is_not_a_brand_term(host: str) -> None:
    assert detect_lookalike(host, TRUSTED).lookalike_of is None


@pytest.mark.parametrize(
    ("host", "of"),
    [
        ("claude.ai.cx", "claude.ai"),  # the trusted name with its TLD, registrable ai.cx
        ("anthropic.com.vercel.app", "anthropic.com"),  # a private suffix's account
        ("openai.com-login.top", "openai.com"),
        ("paypal.verify-account.top", "paypal.com"),  # the brand's label alone, left
        ("secure-github.x.example.net", "github.com"),
        ("mcp.chat-gpt.example.org", "chatgpt.com"),
    ],
)
def test_subdomain_tricks(host: str, of: str) -> None:
    verdict = detect_lookalike(host, TRUSTED)
    assert (verdict.lookalike_of, verdict.technique) == (of, "subdomain-trick")


@pytest.mark.parametrize(
    "host",
    ["api.github.com", "mcp.notion.com", "docs.example.com", "mail.github-fan.example.org"],
)
def test_hosts_that_are_no_subdomain_trick(host: str) -> None:
    assert detect_lookalike(host, TRUSTED).lookalike_of is None


@pytest.mark.parametrize(
    "host",
    [
        "amazon.de",
        "amazon.co.uk",
        "google.com.br",
        "googleapis.com",
        "storage.googleapis.com",
        "hf.co",
        "claude.site",
        "openai.github.io",  # an organisation's account under a private suffix
        "python.readthedocs.io",
    ],
)
def test_brands_own_domains_storefronts_and_accounts_stay_out(host: str) -> None:
    verdict = detect_lookalike(host, TRUSTED)
    assert verdict.lookalike_of is None, verdict.reason


@pytest.mark.parametrize(
    ("host", "of"),
    [
        ("amazon.io", "amazon.com"),  # a vanity ccTLD is no storefront
        ("anthropic.de", "anthropic.com"),  # a brand without storefronts
        ("anthropic-login.vercel.app", "anthropic.com"),  # words on a platform still count
        ("g00gleapis.com", "google.com"),
    ],
)
def test_near_the_owned_domains_is_still_a_lookalike(host: str, of: str) -> None:
    assert detect_lookalike(host, TRUSTED).lookalike_of == of


def test_operator_additions_keep_the_owned_domains() -> None:
    extended = with_extra(["example-corp.com"])
    assert detect_lookalike("amazon.de", extended).lookalike_of is None
    assert detect_lookalike("example-corp-login.top", extended).lookalike_of == "example-corp.com"


def test_brand_domains_file_rejects_what_is_not_a_name() -> None:
    assert parse_brand_domains("a.com: b.com *cc\n# c\n") == (
        frozenset({"b.com"}),
        frozenset({"a"}),
    )
    with pytest.raises(TrustedListError):
        parse_brand_domains("a.com: 10.0.0.1\n")


@given(st.text(max_size=80))
def test_any_text_is_judged_or_rejected(text: str) -> None:
    try:
        verdict = detect_lookalike(text, TRUSTED)
    except TargetRejected:
        return
    assert verdict.lookalike_of is None or verdict.lookalike_of in TRUSTED.domains
