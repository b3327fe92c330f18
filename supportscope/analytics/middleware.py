"""Counting triage page views, including the pages the page cache answers from memory.

It sits outside ``PageCacheMiddleware``: a view is only run for the first request of a
page in a worker, so a hook in the view would miss nearly every request. After the
response is made, a 200 to a GET of ``/triage/`` is counted under the snapshot that
served it (never a staff preview of a draft). The events of a page depend only on the
snapshot, the query string and the triage page it came from, so they are worked out
once per worker and kept (``MAX_MEMO`` entries of at most ``MAX_KEY_CHARS``, dropped
when the policy changes); a
warm request then costs a dictionary lookup and the tally's update, and no query.
Any failure is logged and the page is served as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import NoReverseMatch, reverse

from supportscope.analytics import tally
from supportscope.analytics.counting import Event, page_events
from supportscope.policy.snapshot import served_snapshot

logger = logging.getLogger("supportscope.analytics")

MAX_MEMO = 4096  # pages' events kept per worker
MAX_KEY_CHARS = 1024  # longer query strings are worked out each time, never kept
FROM_ELSEWHERE = None


class AnalyticsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: tuple[str, str] | None = None
        self._memo: dict[tuple[int, str, str | None], tuple[Event, ...]] = {}
        self._generation = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 200
            and request.method == "GET"
            and settings.SUPPORTSCOPE_ANALYTICS
            and "HTTP_HX_HISTORY_RESTORE_REQUEST" not in request.META
        ):
            try:
                if request.path_info == self.paths[0]:
                    self.count(request)
            except Exception:  # counting must never break a page
                logger.exception("a triage page was not counted")
        return response

    @property
    def paths(self) -> tuple[str, str]:
        """The triage page and the proposals page (resolved once the URLs are loaded)."""
        if self._paths is None:
            try:
                self._paths = (reverse("triage"), reverse("triage-suggest"))
            except NoReverseMatch:  # a URL configuration without triage (some tests)
                return ("", "")
        return self._paths

    def came_from(self, request: HttpRequest) -> str | None:
        """The query string of the triage page before this one; "" for the proposals page;
        None when the engineer came from elsewhere."""
        referer = request.META.get("HTTP_REFERER")
        if not referer:
            return FROM_ELSEWHERE
        parts = urlsplit(str(referer))
        host = request.META.get("HTTP_HOST") or request.get_host()
        if parts.netloc != host:
            return FROM_ELSEWHERE
        if parts.path == self.paths[0]:
            return parts.query
        if parts.path == self.paths[1]:
            return ""
        return FROM_ELSEWHERE

    def count(self, request: HttpRequest) -> None:
        snapshot = served_snapshot()
        if snapshot is None or snapshot.draft is not None:
            return
        previous = self.came_from(request)
        query = request.META.get("QUERY_STRING", "")
        key = (snapshot.generation, query, previous)
        events = self._memo.get(key)
        if events is None:
            before = QueryDict(previous) if previous is not None else None
            events = page_events(snapshot, QueryDict(query), before)
            if len(query) + len(previous or "") <= MAX_KEY_CHARS:  # memory stays bounded
                if snapshot.generation != self._generation or len(self._memo) >= MAX_MEMO:
                    self._memo.clear()
                    self._generation = snapshot.generation
                self._memo[key] = events
        if events:
            tally.record(snapshot.revision, events)
