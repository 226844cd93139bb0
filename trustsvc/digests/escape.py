"""Making endpoint text safe for each format a digest is rendered in.

Everything in a digest that an endpoint chose (tool names inside summaries, URLs, registry
names) is hostile. `clean` first makes any text printable and encodable: lone surrogates
(SQLite keeps them) would stop a UTF-8 e-mail from being written at all, and control and
bidirectional override characters can make a line read differently from what it says. Each
format then has its own escaping: Slack mrkdwn's `&`, `<` and `>` (so no `<!channel>`, no
`<@U…>` mention and no disguised link can be written), HTML's five, and spreadsheet
formulas in CSV cells.
"""

from __future__ import annotations

import html
import re

# C0 and C1 controls except tab and newline, and the bidirectional embedding, override and
# isolate characters (the "Trojan Source" set), and zero-width joiners used to hide text.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Spreadsheets run cells that start with these (OWASP CSV injection), also after spaces.
_FORMULA = ("=", "+", "-", "@")
_FORMULA_CONTROL = ("\t", "\r", "\n")


def clean(text: str) -> str:
    """Printable, encodable text: surrogates become U+FFFD, controls are dropped."""
    return _UNSAFE.sub("", _SURROGATE.sub("\ufffd", text))


def one_line(text: str, limit: int) -> str:
    """`clean`, whitespace collapsed to single spaces, clipped with an ellipsis."""
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def mrkdwn(text: str) -> str:
    """Slack's control characters escaped (https://api.slack.com/reference/surfaces/formatting)."""
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_text(text: str) -> str:
    """Text for an HTML element or a quoted attribute."""
    return html.escape(clean(text), quote=True)


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading quote before anything formula-like."""
    value = clean(text) if text else text
    if value.startswith(_FORMULA_CONTROL) or value.lstrip(" ").startswith(_FORMULA):
        return "'" + value
    return value
