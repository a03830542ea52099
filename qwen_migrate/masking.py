"""Secrets in what qwen-migrate prints: what an API key or a credential looks like, and its mask.

Code and configuration that is being migrated often holds a literal key (`OpenAI(api_key="sk-...")`)
or a URL with credentials (`https://svc:sk-...@proxy/v1`). Every text that leaves the process (the
reports, code frames, diffs, TODO comments, baselines, errors) goes through `mask`, which replaces
the secret with `****`, after the prefix that tells what kind of key it was (`sk-proj-****`):

- OpenAI and DashScope keys wherever they stand: `sk-`, `sk-proj-`, `sk-svcacct-`, `sk-admin-`
  followed by a long token;
- the password of a URL (`https://svc:****@proxy.example/v1`), a user without a password
  (`https://****@host`), and query values named like a key (`?key=****`, `&access_token=****`);
- a quoted value given to a key-like name (`api_key="..."`, `"OPENAI_API_KEY": "..."`,
  `password = '...'`);
- the token after `Bearer`.

Model names, URLs without credentials and code that reads a key (`os.getenv("OPENAI_API_KEY")`)
are left as they are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "****"

# The part of a key that says what kind it is, kept in front of the mask.
_KEY_KIND = re.compile(r"sk-(?:(?:proj|svcacct|admin)-)?")
# A key in any text: long, and with a digit (a real key has some; `sk-learn-tutorials` does not).
_KEY = re.compile(r"(?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin)-)?(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{20,}")
_SECRET_NAME = re.compile(r"(api[_-]?key|secret(?:[_-]?key)?|password|passwd|access[_-]?token|auth[_-]?token)$", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@\"'?#]*:(?P<secret>[^\s/@\"'?#]+)@")
# An HTTP URL's user without a password is a token too (`https://ghp_...@host`); so are query values
# named like one (`?key=`, `?api-key=`, `&access_token=`, `&sig=`).
_URL_USER = re.compile(r"https?://(?P<secret>[^\s:/@\"'?#]+)@", re.IGNORECASE)  # ssh://git@ names a user
_QUERY_VALUE = re.compile(r"[?&](?P<name>[A-Za-z0-9_.-]+)=(?P<secret>[^&#\s\"',)]+)")  # up to a URL's end in a sentence
_QUERY_SECRET_NAME = re.compile(r"(key|token|secret|sig|signature|password|passwd|auth|credential)s?$", re.IGNORECASE)
# `name = "value"`, `"name": "value"`, `environ["NAME"] = "value"`, also in JSON-escaped text (a notebook).
_ASSIGNED = re.compile(
    r"(?<![A-Za-z0-9_.-])(?P<name>[A-Za-z0-9_.-]+)(?:\\?[\"'])?\]?\s*[:=]\s*(?P<quote>\\?[\"'])(?P<secret>[^\"'\\\s]+)(?=(?P=quote))"
)
_BEARER = re.compile(r"\bBearer\s+(?P<secret>[A-Za-z0-9._~+/=-]{8,})")


def is_secret_name(name: str) -> bool:
    """Whether a setting or parameter of this name holds a secret (`OPENAI_API_KEY`, `api_key`)."""
    return _SECRET_NAME.search(name) is not None


def masked_value(value: str) -> str:
    """What is shown of a secret: the kind of key it is, if it tells (`sk-proj-****`), then the mask."""
    kind = _KEY_KIND.match(value)
    return (kind.group() if kind else "") + MASK


@dataclass(frozen=True)
class Masked:
    """A text with its secrets masked, and where its characters went."""

    text: str
    # each secret replaced: (start, end) in the original text, (start, end) of its mask in `text`
    spans: tuple[tuple[int, int, int, int], ...]

    def position(self, index: int) -> int:
        """Where the original text's `index` is in the masked text (past the mask, inside a secret)."""
        shift = 0
        for start, end, new_start, new_end in self.spans:
            if index <= start:
                break
            if index < end:
                return new_end
            shift = new_end - end
        return index + shift


def _secrets(text: str) -> list[tuple[int, int]]:
    """Where the secrets are in the text, in order, without overlaps."""
    found = [match.span() for match in _KEY.finditer(text)]
    found += [match.span("secret") for pattern in (_URL_PASSWORD, _URL_USER, _BEARER) for match in pattern.finditer(text)]
    found += [match.span("secret") for match in _QUERY_VALUE.finditer(text) if _QUERY_SECRET_NAME.search(match.group("name"))]
    found += [match.span("secret") for match in _ASSIGNED.finditer(text) if is_secret_name(match.group("name"))]
    spans: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if not spans or start >= spans[-1][1]:
            spans.append((start, end))
    return spans


def masked(text: str) -> Masked:
    """The text with every key and credential it holds masked, and where its characters went."""
    shown, spans, taken = "", [], 0
    for start, end in _secrets(text):
        shown += text[taken:start]
        value = masked_value(text[start:end])
        spans.append((start, end, len(shown), len(shown) + len(value)))
        shown += value
        taken = end
    return Masked(shown + text[taken:], tuple(spans))


def mask(text: str) -> str:
    """The text with every key and credential it holds masked."""
    return masked(text).text
