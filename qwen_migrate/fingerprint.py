"""Fingerprints that identify a finding across edits: its code, its file, and the offending call's source.

Line numbers are left out, and the source is normalised (no comments, no whitespace, no trailing
commas), so moving code, adding lines above it or reformatting it keeps the fingerprint; two
identical calls share one, and baselines count them.
"""
from __future__ import annotations

import hashlib
import io
import re
import tokenize

_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
_TRAILING_COMMA = re.compile(r",(?=[)\]}])")


def normalised_source(code: str) -> str:
    """The code's tokens without comments and layout: the same for any formatting of it."""
    try:
        tokens = [t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in _SKIPPED]
    except (tokenize.TokenError, SyntaxError, IndentationError):  # a fragment tokenize cannot read
        tokens = code.split()
    return _TRAILING_COMMA.sub("", "".join(tokens)).rstrip(",")  # an argument carries its comma


def fingerprint(code: str, path: str, source: str) -> str:
    digest = hashlib.sha256("\0".join((code, path, normalised_source(source))).encode("utf-8"))
    return digest.hexdigest()[:20]
