"""Answers rendered once per policy revision, then served from memory.

The policy pages, the triage steps and the verdict API depend only on the compiled
policy, the language and the URL. Rendering them again for every request costs far
more than Django itself. ``rendered_once`` marks such a view in ``urls.py``;
``PageCacheMiddleware`` keeps the finished response of a marked view (after every
middleware inside it has added its headers) and gives the same bytes back to the
next request for the same page, before that inner middleware runs again. A warm
request then costs the outer middleware and no query (see ``policy.freshness``).

The key is everything such an answer can depend on: the policy snapshot (its
generation, and whether it is stale), the path and query string, the inputs of the
language choice (``lang`` is in the query; the language cookie; Accept-Language),
the htmx headers, the host and the forwarded scheme.

A response is kept only when it is safe to give to anyone: a 200 to GET or HEAD,
not streamed, that sets no cookie, did not touch the session or the CSRF token, and
is not marked private or no-store (stale answers are no-store). Requests that carry
a session cookie (staff) always go through. Memory is bounded: when the pages held
pass ``MAX_BYTES``, or the policy changes, they are dropped and rendered again.

A kept page of ``GZIP_MIN_BYTES`` or more is also compressed once, when it is kept,
and that copy goes to every client whose Accept-Encoding takes gzip (every browser
does): /policy/ is 56 KB as text and 13 KB compressed. Compressing here, once, costs
nothing per request, unlike a per-response GZipMiddleware. BREACH needs a secret in
the compressed body; a kept page has none by construction (no CSRF token, no session,
no cookie), so these are the only responses compressed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from supportscope.policy.snapshot import (
    PolicyUnavailable,
    Snapshot,
    get_snapshot,
    served_snapshot,
)

MAX_BYTES = 8 * 1024 * 1024  # per worker process
GZIP_MIN_BYTES = 1024  # below this the saving is lost in the headers
MARK = "supportscope_rendered_once"

View = Callable[..., HttpResponse]


def rendered_once(view: View) -> View:
    """Mark ``view``'s answers as the same for everyone (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, MARK, True)
        # Kept copies may be compressed (see Page.of): every answer says so, kept or not.
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    return wrapper


@dataclass(frozen=True)
class Page:
    content: bytes
    status: int
    # The headers as Django's ResponseHeaders holds them ({lower name: (name, value)}),
    # checked and encoded once when the page was kept: a hit copies them in one step
    # instead of validating a dozen headers again on every request.
    headers: dict[str, tuple[str, str]]
    # The same page compressed, with its own headers, or None when it is not worth it.
    gzipped: tuple[bytes, dict[str, tuple[str, str]]] | None = None

    @classmethod
    def of(cls, response: HttpResponse) -> Page:
        content = response.content
        gzipped = None
        if len(content) >= GZIP_MIN_BYTES and not response.has_header("Content-Encoding"):
            compressed = compress_string(content)
            if len(compressed) < len(content):
                headers = dict(response.headers._store)
                headers["content-encoding"] = ("Content-Encoding", "gzip")
                headers["content-length"] = ("Content-Length", str(len(compressed)))
                gzipped = (compressed, headers)
        return cls(content, response.status_code, dict(response.headers._store), gzipped)

    def response(self, gzip_ok: bool = False) -> HttpResponse:
        content, headers = (
            self.gzipped if gzip_ok and self.gzipped else (self.content, self.headers)
        )
        response = HttpResponse(content, status=self.status)
        response.headers._store = headers.copy()
        return response


@functools.lru_cache(maxsize=64)  # a handful of distinct headers, read on every hit
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip: named with q above 0, or through ``*``.

    ``gzip;q=0`` refuses it even beside ``*``; a malformed quality counts as refused.
    """
    qualities: dict[str, float] = {}
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.partition(";")
        quality = 1.0
        name, _, value = params.partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        qualities[coding.strip()] = quality
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0


class PageCache:
    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pages: dict[tuple[Any, ...], Page] = {}
        self._bytes = 0
        self._generation: int | None = None
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Page | None:
        return self._pages.get(key)

    def put(self, key: tuple[Any, ...], generation: int, page: Page) -> None:
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


def keepable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    cache_control = response.get("Cache-Control", "")
    return (
        getattr(response, MARK, False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.accessed)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class PageCacheMiddleware:
    """Serve the answers of ``rendered_once`` views from memory once rendered.

    It sits after the security and static-file middleware and before everything that
    shapes a page (CSP, sessions, language, htmx), whose work it stores with the page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.paths: set[str] = set()  # paths that answered with a page to keep

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method in {"GET", "HEAD"}
            and request.path in self.paths
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            try:
                page = pages.get(page_key(request, get_snapshot()))
            except PolicyUnavailable:
                page = None  # the inner middleware answers 503
            if page is not None:
                return page.response(accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        response = self.get_response(request)
        snapshot = served_snapshot()
        if snapshot is not None and snapshot.draft is None and keepable(request, response):
            self.paths.add(request.path)
            page = Page.of(response)
            pages.put(page_key(request, snapshot), snapshot.generation, page)
            return page.response(accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        return response


def page_key(request: HttpRequest, snapshot: Snapshot) -> tuple[Any, ...]:
    """Everything a page of a ``rendered_once`` view can depend on."""
    return (
        snapshot.generation,
        snapshot.stale,
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
        request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        request.META.get("HTTP_HOST", ""),
        request.META.get("HTTP_X_FORWARDED_PROTO", ""),
        tuple(sorted((k, v) for k, v in request.META.items() if k.startswith("HTTP_HX_"))),
    )
