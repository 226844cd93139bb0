"""Hostile text on a page: escaped, hidden characters shown, never a crash."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from trustsvc.dashboard.render import environment
from trustsvc.dashboard.text import MAX_SHOWN, http_link, shown

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)


def test_markup_is_escaped() -> None:
    assert shown('<script>alert(1)</script><img src=x onerror="alert(2)">') == (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(2)&#34;&gt;"
    )
    assert shown("</textarea><b>x</b>") == "&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;"


def test_bidi_and_invisible_characters_show_as_escapes() -> None:
    out = shown("abc\u202egnp.exe\u200b!\ufeff")
    assert "\u202e" not in out
    assert "\u200b" not in out
    assert '<span class="esc" title="hidden character">\\u202e</span>' in out
    assert "\\u200b" in out
    assert "\\ufeff" in out
    assert out.startswith("abc")


def test_lone_surrogates_and_controls_cannot_break_the_encoding() -> None:
    out = shown("a\ud800b\x00c\x1b[31m")
    out.encode("utf-8")  # would raise on a lone surrogate
    assert "\\ud800" in out
    assert "\\u0000" in out
    assert "\\u001b" in out


def test_huge_text_is_cut_visibly() -> None:
    out = shown("x" * (MAX_SHOWN * 3))
    assert out.count("x") == MAX_SHOWN
    assert "cut at" in out


@given(ANY_TEXT)
def test_any_text_shows_as_encodable_markup_without_tags(text: str) -> None:
    out = shown(text)
    assert isinstance(out, Markup)
    out.encode("utf-8")
    # Every tag in the output is one of ours; nothing the text held became markup.
    stripped = str(out).replace('<span class="esc" title="hidden character">', "")
    stripped = stripped.replace('<span class="esc">', "").replace("</span>", "")
    assert "<" not in stripped
    assert ">" not in stripped


@given(ANY_TEXT)
def test_every_template_value_goes_through_shown(text: str) -> None:
    rendered = environment().from_string("<p title='{{ v }}'>{{ v }}</p>").render(v=text)
    rendered.encode("utf-8")
    assert rendered.count("<p") == 1


def test_only_plain_http_links_are_links() -> None:
    assert http_link("https://mcp.example.com/mcp") == "https://mcp.example.com/mcp"
    assert http_link("javascript:alert(1)") is None
    assert http_link("JAVASCRIPT:alert(1)") is None
    assert http_link("data:text/html,<b>") is None
    assert http_link('https://x.example/"onmouseover=alert(1)') is None
    assert http_link("https://x.example/\u202e") is None
