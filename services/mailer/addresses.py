"""E-mail address checks: strict, because addresses arrive from a public form
and end up in SMTP envelopes and headers.

Internationalised local parts (RFC 6531, e.g. "amina.traoré@example.test") are
accepted when made of letters: they are sent with SMTPUTF8, which the relay
must advertise (the dev sink does). Everything else stays the strict ASCII
subset: no quoted local parts, no IP literals, no whitespace, no control
characters, and an ASCII domain (an internationalised domain is written in its
"xn--" form).
"""

from __future__ import annotations

import re
import unicodedata

# Dot-atom local part and a dotted DNS name (RFC 5321 subset): no quoted local
# parts, no IP literals, no whitespace or CR/LF that could inject headers.
# \w below is narrowed to letters and marks by _international_ok.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\w]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
MAX_ADDRESS_LENGTH = 254


def _international_ok(local: str) -> bool:
    """Non-ASCII characters of a local part must be letters (or their combining marks)."""
    return all(ch.isascii() or unicodedata.category(ch)[0] in "LM" for ch in local)


def is_valid_address(value: str) -> bool:
    if not value or len(value) > MAX_ADDRESS_LENGTH or not _ADDRESS.match(value):
        return False
    local, _, domain = value.rpartition("@")
    if not domain.isascii() or not _international_ok(local):
        return False
    # Local part: 64 octets (RFC 5321) in UTF-8.
    return len(local.encode("utf-8")) <= 64 and not domain.rsplit(".", 1)[-1].isdigit()


def needs_smtputf8(value: str) -> bool:
    return not value.isascii()
