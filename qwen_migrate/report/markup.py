"""Text for the XML and HTML reports: characters that XML 1.0 cannot carry (and that HTML treats as
parse errors), such as control characters a message may quote from the code, written as `\\xNN`."""
from __future__ import annotations

import re

_NOT_CARRIED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def carried(text: str) -> str:
    return _NOT_CARRIED.sub(lambda match: f"\\x{ord(match[0]):02x}", text)
