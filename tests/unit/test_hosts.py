"""Hosts as the WHATWG URL host parser reads them: UTS #46 mapping before IPv4 numbers.

Most cases are entries of the URL standard's tests (web-platform-tests url/resources/
urltestdata.json), the others follow its algorithm step by step. Non-ASCII characters are
written as escapes: U+3002 ideographic full stop, U+FF0E fullwidth full stop, U+FF61 halfwidth
ideographic full stop, U+FF10.. fullwidth digits, U+FF21.. fullwidth letters.
"""

from __future__ import annotations

import pytest

from probes.errors import TargetRejected
from probes.target import parse_endpoint_url

FULLWIDTH_192_168_0_1 = "\uff10\uff38\uff43\uff10\uff0e\uff10\uff12\uff15\uff10\uff0e\uff10\uff11"
PERCENT_FULLWIDTH_192_168_0_1 = (
    "%ef%bc%90%ef%bc%b8%ef%bd%83%ef%bc%90%ef%bc%8e%ef%bc%90%ef%bc%92%ef%bc%95%ef%bc%90%ef%bc%8e"
    "%ef%bc%90%ef%bc%91"
)
# (host as written in the URL, the canonical host, or None where the parser fails)
CASES: list[tuple[str, str | None]] = [
    # IPv4 number forms
    ("192.0x00A80001", "192.168.0.1"),  # hex last part covering three bytes
    ("0Xc0.0250.01", "192.168.0.1"),  # hex, octal and decimal parts
    ("0300.0250.0000.0001", "192.168.0.1"),  # octal everywhere
    ("017700000001", "127.0.0.1"),  # one octal number
    ("2130706433", "127.0.0.1"),  # one decimal number
    ("0x7f000001", "127.0.0.1"),  # one hex number
    ("0x7f.1", "127.0.0.1"),  # two parts: the last takes three bytes
    ("192.168.257", "192.168.1.1"),  # three parts: the last takes two bytes
    ("192.11010305", "192.168.1.1"),
    ("4294967295", "255.255.255.255"),  # the largest address
    ("0x", "0.0.0.0"),  # an empty hex number is zero
    # trailing dot
    ("127.0.0.1.", "127.0.0.1"),
    ("0x7f.1.", "127.0.0.1"),
    # overflow and malformed numbers are refused, never read as names
    ("4294967296", None),
    ("0xffffffff1", None),
    ("10000000000", None),
    ("256.256.256.256", None),
    ("192.168.0.257", None),
    ("1.2.65536", None),
    ("1.2.3.4.5", None),  # more than four parts
    ("1.2.3.08", None),  # 8 is not an octal digit
    ("09.2.3.4", None),
    ("foo.09", None),  # ends in a number that is not one
    ("foo.0x4", None),
    ("foo.0x4g", "foo.0x4g"),  # not a number: a name
    ("0..0x300", None),  # an empty part
    # percent-encoding is decoded before anything else
    ("%30%78%63%30%2e%30%32%35%30.01", "192.168.0.1"),
    ("%30%78%63%30%2e%30%32%35%30.01%2e", "192.168.0.1"),
    ("%zz%66%a.com", None),
    ("%00", None),
    # UTS #46 mapping: fullwidth digits, letters and dots, ideographic full stops
    (FULLWIDTH_192_168_0_1, "192.168.0.1"),
    (PERCENT_FULLWIDTH_192_168_0_1, "192.168.0.1"),
    ("0x7f\u30021", "127.0.0.1"),
    ("127\uff0e0\uff0e0\uff0e1", "127.0.0.1"),
    ("127\uff610\uff610\uff611", "127.0.0.1"),
    ("\uff11\uff12\uff17.\uff10.\uff10.\uff11", "127.0.0.1"),
    ("\uff25\uff38\uff21\uff2d\uff30\uff2c\uff25.com", "example.com"),
    ("example\u3002com", "example.com"),
    ("\uff05\uff14\uff11.com", None),  # maps to "%41.com": % may not be in a host
]


@pytest.mark.parametrize(("host", "canonical"), CASES)
def test_hosts_parse_as_the_whatwg_host_parser_does(host: str, canonical: str | None) -> None:
    url = f"http://{host}/mcp"
    if canonical is None:
        with pytest.raises(TargetRejected):
            parse_endpoint_url(url)
        return
    endpoint = parse_endpoint_url(url)
    assert endpoint.host == canonical
    assert endpoint.url == f"http://{canonical}/mcp"
    assert endpoint.host_is_ip is canonical[-1].isdigit()


def test_one_endpoint_has_one_canonical_url_whatever_the_dots_and_digits() -> None:
    spellings = [
        "https://127.0.0.1/",
        "https://0x7f.1/",
        "https://0x7f\u30021/",
        "https://0x7f\uff0e1/",
        "https://\uff10\uff58\uff17\uff46\uff61\uff11/",
        "https://2130706433/",
    ]
    assert {parse_endpoint_url(s).url for s in spellings} == {"https://127.0.0.1/"}
