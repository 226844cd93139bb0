"""Brand look-alikes beyond one edit: ASCII shapes, brand terms with generic words, brand labels.

dnstwist enumerates one edit of a brand under its own suffix; campaigns combine operations
(`rnicr0soft.com`, `c1aude-app.top`, `chat-gpt-pro.online`, `paypal.verify-account.top`). These
checks compare shapes instead: each label reduced by `ascii_skeleton` (so ASCII look-alike pairs
in any combination compare equal), then the brand's shape looked for inside the candidate
label, on any suffix, with the rest made of generic words. Each returns the trusted domain or
None. The registrable domain comes from tldextract's bundled PSL snapshot (never fetched).
"""

from __future__ import annotations

import functools

from probes.domain.confusables import ascii_glyphs, ascii_skeleton
from probes.domain.lexical import unicode_label
from probes.domain.trusted import TrustedList, label_of, suffix_of

# A brand shape shorter than this is too common inside innocent words (figma stays in); a
# hyphen-separated word may be shorter (`login-0kta`), never shorter than a fuzzed label.
MIN_CONTAINED = 5
MIN_TOKEN = 4
# One edit on a shape is only a lookalike for a brand this long, under the same suffix.
MIN_EDITED = 6
# Words that say nothing about who owns a name: a brand plus only these is the brand's
# impersonation (`claude-ai-app`, `chatgptlogin`), wherever it is registered.
GENERIC_WORDS = frozenset(
    [
        "access",
        "account",
        "accounts",
        "admin",
        "agent",
        "agents",
        "ai",
        "airdrop",
        "alert",
        "alerts",
        "android",
        "api",
        "apis",
        "app",
        "apps",
        "assist",
        "assistant",
        "auth",
        "beta",
        "best",
        "bill",
        "billing",
        "bonus",
        "bot",
        "bots",
        "business",
        "buy",
        "center",
        "chat",
        "check",
        "claim",
        "client",
        "cloud",
        "code",
        "com",
        "connect",
        "console",
        "customer",
        "dashboard",
        "deal",
        "deals",
        "desk",
        "desktop",
        "dev",
        "developer",
        "developers",
        "docs",
        "download",
        "drop",
        "earn",
        "edu",
        "email",
        "enterprise",
        "event",
        "faq",
        "fast",
        "file",
        "files",
        "free",
        "get",
        "gift",
        "gifts",
        "global",
        "go",
        "gpt",
        "group",
        "help",
        "helpdesk",
        "home",
        "hub",
        "id",
        "info",
        "install",
        "io",
        "ios",
        "jp",
        "kr",
        "lab",
        "labs",
        "live",
        "llm",
        "login",
        "logon",
        "mail",
        "max",
        "mcp",
        "me",
        "member",
        "members",
        "mobile",
        "mod",
        "model",
        "models",
        "my",
        "net",
        "new",
        "news",
        "now",
        "office",
        "official",
        "online",
        "org",
        "pass",
        "password",
        "pay",
        "payment",
        "pc",
        "plugin",
        "plus",
        "portal",
        "premium",
        "pro",
        "promo",
        "reset",
        "recover",
        "recovery",
        "refund",
        "register",
        "reward",
        "rewards",
        "safe",
        "sale",
        "sales",
        "security",
        "secure",
        "server",
        "servers",
        "service",
        "services",
        "setup",
        "shop",
        "signin",
        "signup",
        "site",
        "sso",
        "start",
        "status",
        "store",
        "support",
        "sync",
        "system",
        "team",
        "teams",
        "tech",
        "test",
        "token",
        "tokens",
        "tool",
        "tools",
        "top",
        "try",
        "uk",
        "ultra",
        "update",
        "updates",
        "us",
        "user",
        "users",
        "verify",
        "verification",
        "vip",
        "wallet",
        "web",
        "webmail",
        "win",
        "www",
        "x",
        "2fa",
        "mfa",
        "otp",
        "au",
        "br",
        "ca",
        "cn",
        "de",
        "es",
        "fr",
        "in",
        "it",
        "mx",
        "ru",
    ]
)
# Shapes of short words collide with ordinary endings (`ai` shapes to `al`: `notional`), so
# only words of three letters or more are also matched by shape.
_GENERIC = GENERIC_WORDS | {ascii_skeleton(word) for word in GENERIC_WORDS if len(word) >= 3}  # noqa: PLR2004
_MAX_WORD = max(map(len, _GENERIC))


# The forms a label is compared in: as written, with single glyphs folded, fully shaped. A
# full shape can straddle a word boundary (`anthr0picinfo` folds to `anthroplclnfo`, whose
# `cl` then reads `d`), so each form is matched against the brand in the same form.
_FORMS = (str.lower, ascii_glyphs, ascii_skeleton)


@functools.lru_cache(maxsize=8)
def _brand_shapes(trusted: TrustedList) -> tuple[tuple[str, str], ...]:
    """(trusted domain, shape of its label) for the fuzzy domains, sorted for determinism."""
    return tuple((domain, ascii_skeleton(label_of(domain))) for domain in trusted.fuzzy())


@functools.lru_cache(maxsize=8)
def _brand_forms(trusted: TrustedList) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Per form of `_FORMS`: (trusted domain, its label in that form)."""
    domains = trusted.fuzzy()
    # Without hyphens, since the candidate's words are glued: `example-corp` as `examplecorp`.
    return tuple(tuple((d, form(label_of(d).replace("-", ""))) for d in domains) for form in _FORMS)


def shape_match(registrable: str, trusted: TrustedList) -> str | None:
    """The label's ASCII shape equals a brand's on any suffix, or is one edit from a long one."""
    label = unicode_label(registrable)
    shape = ascii_skeleton(label)
    shapes = _brand_shapes(trusted)
    for domain, brand in shapes:  # the same suffix first: daude.com is claude.com's
        if shape == brand and suffix_of(domain) == suffix_of(registrable):
            return domain
    for domain, brand in shapes:  # the very label on another suffix is tld_swap's to judge
        if shape == brand and label != label_of(domain) and _deliberate(label, label_of(domain)):
            return domain
    for domain, brand in _brand_shapes(trusted):
        if (
            len(brand) >= MIN_EDITED
            and suffix_of(domain) == suffix_of(registrable)
            and _one_edit(shape, brand)
        ):
            return domain
    return None


def brand_term(registrable: str, trusted: TrustedList, *, whole: bool = False) -> str | None:
    """A brand's shape inside the label, on any suffix.

    As whole hyphen-separated words (`chat-gpt-x`), or glued to generic words only
    (`chatgptlogin`, `freeclaudeai`). A label that is only the brand is shape_match's and
    tld_swap's to judge, unless `whole` (a subdomain label, where the brand alone is the trick;
    there other words must be generic too, as hosts such as `github-runner.corp.example` are
    an organisation's own).
    """
    plain = [token for token in unicode_label(registrable).lower().split("-") if token]
    for form, brands in zip(_FORMS, _brand_forms(trusted), strict=True):
        tokens = [form(token) for token in plain]
        glued = "".join(tokens)
        for domain, brand in brands:
            if len(brand) < MIN_TOKEN or brand not in glued or (brand == glued and not whole):
                continue
            if not whole and _spans_tokens(tokens, brand):
                return domain
            if len(brand) >= MIN_CONTAINED and _rest_is_generic(glued, brand):
                return domain
    return None


def brand_label_subdomain(host: str, registrable: str, trusted: TrustedList) -> str | None:
    """A brand's label, alone or with generic words, left of an unrelated registrable domain.

    `paypal.verify-account.top`, `login-claude.x.io`.
    """
    if host == registrable or not host.endswith(f".{registrable}"):
        return None
    for label in host[: -len(registrable) - 1].split("."):
        of = brand_term(f"{label}.invalid", trusted, whole=True)
        if of is not None:
            return of
    return None


def _deliberate(label: str, brand: str) -> bool:
    """Whether a look-alike on another suffix is more than one letter-for-letter confusion.

    On another suffix a single such confusion of a short brand is often another real name
    (`openal.org` is not `openai.com`); digits, sequences (`rn`), two or more substitutions
    and any confusion of a long brand (`hugglngface`) are chosen.
    """
    if len(brand) > MIN_EDITED or any(c.isdigit() for c in label) or len(label) != len(brand):
        return True
    return sum(a != b for a, b in zip(label, brand, strict=True)) >= 2  # noqa: PLR2004


def _spans_tokens(tokens: list[str], brand: str) -> bool:
    """Whether consecutive hyphen-separated tokens spell the brand exactly."""
    for start in range(len(tokens)):
        joined = ""
        for token in tokens[start:]:
            joined += token
            if joined == brand:
                return True
            if not brand.startswith(joined):
                break
    return False


def _rest_is_generic(glued: str, brand: str) -> bool:
    """Whether, with the brand taken out once, what is left is generic words or digits."""
    start = glued.find(brand)
    while start != -1:
        before, after = glued[:start], glued[start + len(brand) :]
        if _segments(before) and _segments(after):
            return True
        start = glued.find(brand, start + 1)
    return False


@functools.lru_cache(maxsize=4096)
def _segments(text: str) -> bool:
    """Whether `text` splits into generic words and digit runs (empty text does)."""
    if not text:
        return True
    words = any(
        text[:size] in _GENERIC and _segments(text[size:])
        for size in range(1, min(_MAX_WORD, len(text)) + 1)
    )
    return words or (text[0].isdigit() and _segments(text.lstrip("0123456789")))


def _one_edit(a: str, b: str) -> bool:
    """Damerau distance exactly 1: one insertion, deletion, substitution or transposition."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]  # noqa: PLR2004
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
