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

from qwen_migrate.facts.dashscope import COMPATIBLE_PATH, DASHSCOPE, OPENAI, RESPONSES_PATH, SESSION_CACHE_HEADER
from qwen_migrate.facts.openai_sdk import ROUTE_RESOURCES, ROUTES
from qwen_migrate.request import BodyArguments
from qwen_migrate.settings import Settings

# The path below which OpenAI's hosts serve the API: `/v1` (the SDK's default base URL), and Azure
# OpenAI's v1 API or a deployment's path.
_OPENAI_BASE_PATH = re.compile(r"^(?:/openai/deployments/[^/]+|/openai/v1|/openai|/v1)(?=/|$)")
# The headers rules read (QW304), by their lower-case names.
_HEADERS_RULES_READ = (SESSION_CACHE_HEADER[0],)
# How much of a multipart body is read for its form fields before the first file: the SDK writes the
# fields first, and a field is a few bytes (`purpose=batch`).
_FORM_FIELDS_LIMIT = 64 * 1024


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
        origin = f"{parts.scheme}://{parts.netloc}"
        candidates = [self.settings.responses_url, self.settings.compatible_url, origin + RESPONSES_PATH, origin + COMPATIBLE_PATH]
        openai_base = _OPENAI_BASE_PATH.match(parts.path)
        if openai_base:
            candidates.append(origin + openai_base.group())
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
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return _form_fields(request.stream, content_type)
    if request.method in ("GET", "DELETE"):
        return dict(request.url.params)
    try:
        body = json.loads(request.content)
    except Exception:  # no body, a body not read yet (a stream), or not JSON: nothing to judge
        return {}
    return body if isinstance(body, dict) else {}


_BOUNDARY = re.compile(r'boundary="?([^";]+)"?')
_FIELD_NAME = re.compile(rb'^content-disposition:[^\r\n]*;\s*name="([^"]*)"', re.IGNORECASE | re.MULTILINE)


def _form_fields(stream: Any, content_type: str) -> dict[str, str]:
    """The form fields of a multipart body written before its first file. The stream is read from its
    start up to that file's headers only: httpx streams a multipart body anew each time it is read, so
    the request sent is the same, and the file is never read here."""
    boundary = _BOUNDARY.search(content_type)
    if boundary is None:
        return {}
    read = b""
    try:
        for chunk in stream:
            read += chunk
            if b"filename=" in read or len(read) > _FORM_FIELDS_LIMIT:
                break
    except TypeError:  # a stream that can only be read asynchronously: not read here
        return {}
    fields = {}
    for part in read.split(b"--" + boundary.group(1).encode("ascii")):
        head, separator, value = part.partition(b"\r\n\r\n")
        name = _FIELD_NAME.search(head)
        if separator and name and b"filename=" not in head and value.endswith(b"\r\n"):
            fields[name.group(1).decode("utf-8", "replace")] = value[:-2].decode("utf-8", "replace")
    return fields
