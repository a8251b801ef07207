"""E-mail address checks: strict, because addresses arrive from a public form
and end up in SMTP envelopes and headers."""

from __future__ import annotations

import re

# Dot-atom local part and a dotted DNS name (RFC 5321 subset): no quoted local
# parts, no IP literals, no whitespace or CR/LF that could inject headers.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"^{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+$")
MAX_ADDRESS_LENGTH = 254


def is_valid_address(value: str) -> bool:
    if not value or len(value) > MAX_ADDRESS_LENGTH or not _ADDRESS.match(value):
        return False
    local, _, domain = value.rpartition("@")
    return len(local) <= 64 and not domain.rsplit(".", 1)[-1].isdigit()
