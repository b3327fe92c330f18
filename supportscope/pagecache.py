"""Pages rendered once per policy revision, then served from memory.

A page of the policy (``/policy/``, a triage step) depends only on the compiled
policy, the language and the URL: rendering it again for every request costs far
more than the request itself. ``rendered_once`` wraps such a view. The first request
for a URL renders it; later ones, in the same worker, for the same policy snapshot
(its generation and whether it is stale), language, path, query string and htmx
headers, get the same bytes back after one cheap query (the revision check).

A response is kept only when it is safe to give to anyone: a 200 to GET or HEAD,
not streamed, that sets no cookie and touched neither the session nor the CSRF
token. Everything else passes through untouched. Middleware still runs on every
request, so per-request headers (CSP, the stale marker, language cookie, Vary) are
added as usual. The memory is bounded: when the pages held pass ``MAX_BYTES``, or
the policy changes, they are dropped and rendered again on demand.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from supportscope.policy.snapshot import get_snapshot

MAX_BYTES = 8 * 1024 * 1024  # per worker process
_PLAIN_ATTRIBUTES = frozenset(vars(HttpResponse()))

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class _Page:
    content: bytes
    status: int
    headers: tuple[tuple[str, str], ...]
    attributes: tuple[tuple[str, Any], ...]  # e.g. the embed marks that middleware reads

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        for name, value in self.attributes:
            setattr(response, name, value)
        return response


class PageCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: dict[tuple[Any, ...], _Page] = {}
        self._bytes = 0
        self._generation: int | None = None
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> _Page | None:
        return self._pages.get(key)

    def put(self, key: tuple[Any, ...], generation: int, page: _Page) -> None:
        with self._lock:
            if generation != self._generation or self._bytes + len(page.content) > self.max_bytes:
                self._pages.clear()
                self._bytes = 0
                self._generation = generation
            if len(page.content) <= self.max_bytes:
                self._pages[key] = page
                self._bytes += len(page.content)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0
            self._generation = None

    def __len__(self) -> int:
        return len(self._pages)


pages = PageCache()


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and getattr(response, "is_rendered", True)
        and not (session is not None and session.accessed)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def rendered_once(view: View) -> View:
    """Serve ``view``'s pages from memory once rendered (see the module docstring)."""
    name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        snapshot = get_snapshot()
        key = (
            name,
            snapshot.generation,
            snapshot.stale,
            get_language(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            tuple(sorted((k, v) for k, v in request.META.items() if k.startswith("HTTP_HX_"))),
            tuple(sorted(kwargs.items())),
        )
        page = pages.get(key)
        if page is not None:
            return page.response()
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            pages.put(
                key,
                snapshot.generation,
                _Page(
                    content=response.content,
                    status=response.status_code,
                    headers=tuple(response.items()),
                    attributes=tuple(
                        (attr, value)
                        for attr, value in vars(response).items()
                        if attr not in _PLAIN_ATTRIBUTES and not attr.startswith("_")
                    ),
                ),
            )
        return response

    return wrapper
