"""Lookalike techniques dnstwist's per-domain permutations cannot enumerate, as pure functions.

dnstwist answers "which names are one edit from this brand"; these answer questions over the
candidate instead: a brand's domain hidden in the leading labels of another domain
(`github.com.evil.io`), the brand label under another suffix, the brand plus arbitrary words,
and glyph substitutions of any length (IDN homographs). Each returns the trusted domain or None.
"""

from __future__ import annotations

import re

import idna

from probes.domain.confusables import skeleton
from probes.domain.trusted import TrustedList, label_of, suffix_of

_WORD_SEPARATOR = re.compile(r"[-.]")


def subdomain_trick(host: str, registrable: str, trusted: TrustedList) -> str | None:
    """A trusted domain followed by more of the host, so it is not the registrable domain.

    `github.com.evil.io`, `claude.ai.cx` (whose registrable domain is `ai.cx`),
    `openai.com-login.top`.
    """
    del registrable  # the trusted name may straddle it: `claude.ai.cx` registers `ai.cx`
    for domain in sorted(trusted.domains):
        # The trusted name must stand whole: `login-anthropic.com.x.net`, not `notgithub.com.x`.
        if re.search(rf"(^|[.-]){re.escape(domain)}[.-]", host):
            return domain
    return None


def tld_swap(registrable: str, trusted: TrustedList) -> str | None:
    """The label of a trusted domain under a different public suffix (`anthropic.net`)."""
    label = label_of(registrable)
    for domain in trusted.fuzzy():
        if label_of(domain) == label and suffix_of(domain) != suffix_of(registrable):
            return domain
    return None


def added_word(registrable: str, trusted: TrustedList) -> str | None:
    """A trusted label as one hyphen-separated word of a longer label (`my-anthropic-ai.com`)."""
    words = _WORD_SEPARATOR.split(label_of(registrable))
    if len(words) < 2:  # noqa: PLR2004 - the brand plus at least one added word
        return None
    for domain in trusted.fuzzy():
        if label_of(domain) in words:
            return domain
    return None


def homograph(registrable: str, trusted: TrustedList) -> str | None:
    """A label whose confusable skeleton equals a trusted label's, under the same suffix."""
    label = unicode_label(registrable)
    shape = skeleton(label)
    for domain in trusted.fuzzy():
        same_suffix = suffix_of(domain) == suffix_of(registrable)
        if same_suffix and label_of(domain) != label and skeleton(label_of(domain)) == shape:
            return domain
    return None


def unicode_label(registrable: str) -> str:
    """The label as a reader sees it: punycode (`xn--`) decoded, or as given if it will not."""
    label = label_of(registrable)
    if not label.startswith("xn--"):
        return label
    try:
        return idna.decode(label)
    except idna.IDNAError:
        return label
