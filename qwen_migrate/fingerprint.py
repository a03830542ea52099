"""Fingerprints that identify a finding across edits: its code, its file, and the offending call's source.

Line numbers are left out, and the source is normalised (no comments, no whitespace, no trailing
commas), so moving code, adding lines above it or reformatting it keeps the fingerprint; two
identical calls share one, and baselines count them. The file is named relative to its repository's
root, so the fingerprint is the same whichever folder a run starts in.
"""
from __future__ import annotations

import hashlib
import io
import re
import tokenize
from functools import lru_cache
from pathlib import Path
from typing import Optional

_SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
_TRAILING_COMMA = re.compile(r",(?=[)\]}])")


def normalised_source(code: str) -> str:
    """The code's tokens without comments and layout: the same for any formatting of it."""
    try:
        tokens = [t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in _SKIPPED]
    except (tokenize.TokenError, SyntaxError, IndentationError):  # a fragment tokenize cannot read
        tokens = code.split()
    return _TRAILING_COMMA.sub("", "".join(tokens)).rstrip(",")  # an argument carries its comma


@lru_cache(maxsize=None)
def repository_root(folder: Path) -> Optional[Path]:
    """The folder holding `.git` at or above `folder` (a resolved path), if any."""
    return next((f for f in (folder, *folder.parents) if (f / ".git").exists()), None)


def anchored_path(path: str) -> str:
    """The path (as displayed: relative to the working directory, or absolute) relative to the root
    of the repository that holds it; as given outside a repository."""
    absolute = Path(path).absolute()
    root = repository_root(absolute.parent.resolve())
    if root is None:
        return path
    try:
        return (absolute.parent.resolve() / absolute.name).relative_to(root).as_posix()
    except ValueError:
        return path


def fingerprint(code: str, path: str, source: str) -> str:
    digest = hashlib.sha256("\0".join((code, anchored_path(path), normalised_source(source))).encode("utf-8"))
    return digest.hexdigest()[:20]
