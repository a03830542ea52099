"""What a request sent over HTTP asks for: the SDK method that sent it, and its parameters as the other
view of that call (qwen_migrate.request.BodyArguments), so that the rules judge it as they judge code.

The parameters are the JSON body of a request that has one, the form fields of a multipart upload
(`purpose`; never the file, which is not read), and the query of any other request (`files.list`'s
`purpose` and `order`). Only the headers a rule reads are kept: never a key.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlsplit

from qwen_migrate.facts.dashscope import COMPATIBLE_PATH, DASHSCOPE, OPENAI, RESPONSES_PATH, SESSION_CACHE_HEADER, with_path
from qwen_migrate.facts.openai_sdk import OPENAI_BASE_PATH, ROUTE_RESOURCES, ROUTES
from qwen_migrate.request import BodyArguments
from qwen_migrate.settings import Settings

# The headers rules read (QW304), by their lower-case names.
_HEADERS_RULES_READ = (SESSION_CACHE_HEADER[0],)


@dataclass(frozen=True)
class SentRequest:
    method: str  # the SDK method that sends it: "chat.completions.create"
    arguments: BodyArguments


class RequestReader:
    """Reads requests for one set of settings: which base URLs are DashScope's or OpenAI's endpoints
    is worked out once a base."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._serves_api: dict[str, bool] = {}

    def read(self, request: Any) -> Optional[SentRequest]:
        """An `httpx` (or `httpx2`) request as an SDK call, when it goes to a DashScope or OpenAI
        endpoint; None for any other host (another provider, a local server), which no rule is about."""
        route = self._route(str(request.url))
        if route is None:
            return None
        headers = {name: request.headers[name] for name in _HEADERS_RULES_READ if name in request.headers}
        return SentRequest(sdk_method(request.method, route), BodyArguments(_parameters(request), headers))

    def _route(self, url: str) -> Optional[str]:
        """The path of `url` below the base URL of a DashScope or OpenAI endpoint (`chat/completions`)."""
        parts = urlsplit(url)
        plain = f"{parts.scheme}://{parts.netloc}{parts.path}"
        candidates = [self.settings.responses_url, self.settings.compatible_url, with_path(url, RESPONSES_PATH), with_path(url, COMPATIBLE_PATH)]
        openai_base = OPENAI_BASE_PATH.match(parts.path)
        if openai_base:
            candidates.append(with_path(url, openai_base.group()))
        for base in candidates:
            prefix = base.rstrip("/") + "/"
            if plain.lower().startswith(prefix.lower()) and self._is_api_base(base):
                return plain[len(prefix):].strip("/")
        return None

    def _is_api_base(self, base: str) -> bool:
        if base not in self._serves_api:
            self._serves_api[base] = self.settings.provider(base) in (DASHSCOPE, OPENAI)
        return self._serves_api[base]


def _compile(path: str) -> re.Pattern:
    return re.compile("/".join("[^/]+" if part == "{id}" else re.escape(part) for part in path.split("/")) + "$")


_ROUTES = tuple((verb, _compile(path), method) for verb, path, method in ROUTES)


def sdk_method(verb: str, route: str) -> str:
    """The SDK method that sends `verb route`; for a route the facts do not list, its resource."""
    for route_verb, pattern, method in _ROUTES:
        if route_verb == verb and pattern.match(route):
            return method
    first = route.split("/", 1)[0]
    return ROUTE_RESOURCES.get(first, first)


def _parameters(request: Any) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        return _form_fields(request.stream)
    if request.method in ("GET", "DELETE"):
        return dict(request.url.params)
    try:
        body = json.loads(request.content)
    except Exception:  # no body, a body not read yet (a stream), or not JSON: nothing to judge
        return {}
    return body if isinstance(body, dict) else {}


def _form_fields(stream: Any) -> dict[str, str]:
    """The form fields of a multipart body (`purpose`), from the fields httpx (and httpx2) build it of:
    the body itself is not read, so no byte of a file that cannot be read twice is taken. A body of
    another kind is not judged."""
    fields = {}
    for part in getattr(stream, "fields", ()):
        if type(part).__name__ == "DataField" and isinstance(part.name, str):  # httpx's _multipart.DataField; a file is a FileField
            value = part.value
            fields[part.name] = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return fields
