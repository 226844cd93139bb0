"""Two sentences that make one directive: a question and its answer, numbered steps.

The directive reading is per sentence, so "Q: Can `x` be called directly? A: No, `y` has
to be called beforehand" or "Step 1: `y`. Step 2: `x`." split the order from the tools it
orders. When a sentence is a question or a numbered step, the next sentence is read again
together with it, and the pair is judged like any sentence; an honest pair ("Q: Where does
the id come from? A: From `list_x`") names no call of this tool and stays quiet.
"""

from __future__ import annotations

import re

from probes.tools.directives import Directive, read_directive
from probes.tools.observation import Role
from probes.tools.references import ListingContext

_STEP = re.compile(r"^\W*(?:step\s*\d+|\d+[.)])\s*[:.-]?", re.IGNORECASE)
_MAX_GAP = 3  # the two sentences are adjacent: only spaces or a separator between them


def joined(
    body: str, previous: Directive | None, current: Directive, ctx: ListingContext, role: Role
) -> Directive | None:
    """The pair read as one directive when `previous` asks or numbers a step, else None."""
    if previous is None or role is Role.NAME or current.start - previous.end > _MAX_GAP:
        return None
    asks = previous.text.rstrip().endswith("?")
    steps = _STEP.match(previous.text) is not None and _STEP.match(current.text) is not None
    if not (asks or steps):
        return None
    return read_directive(body, previous.start, current.end, ctx, role)
