"""One structured log line per request.

The record on the ``supportscope.request`` logger carries, as ``extra``, a ``request``
object, which the JSON formatter (logformat.py) writes into the line::

    {"level": "INFO", "logger": "supportscope.request", "message": "GET /triage/ 200",
     "request": {"method": "GET", "path": "/triage/", "query": "component=ingress",
     "status": 200, "duration_ms": 2.41, "revision": 7, "stale": false},
     "time": "2026-11-30T12:00:00.123456+00:00"}

It carries the method, the path, the query string (answers live there, and they are
not secret; values of keys that look like credentials are masked), the status, the
time spent inside Django, and the policy revision the answer came from (``null`` when
the request did not use the policy, such as the admin or a static file). Headers,
cookies, session data and request bodies are never logged. Successful probe requests
are not logged: the kubelet asks every few seconds and would drown everything else.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from django.http import HttpRequest, HttpResponse

from supportscope.policy.snapshot import served_snapshot
from supportscope.web.health import PROBES

logger = logging.getLogger("supportscope.request")

# A query key is masked when one of its words (split at "_", "-" and ".") is one of these.
SECRET_WORDS = frozenset(
    {
        "password", "passwd", "pass", "pwd", "secret", "token", "key", "apikey", "auth",
        "authorization", "session", "sessionid", "csrf", "csrftoken", "csrfmiddlewaretoken",
        "sig", "signature", "code", "credential", "credentials", "cookie",
    }
)  # fmt: skip
MAX_QUERY = 1000
MASK = "***"


def looks_secret(key: str) -> bool:
    return any(word in SECRET_WORDS for word in re.split(r"[_.\-]", key.lower()))


def safe_query(raw: str) -> str:
    """The query string with credential-like values masked, cut to ``MAX_QUERY`` characters."""
    lowered = raw.lower()
    if not any(word in lowered for word in SECRET_WORDS):  # the usual case: nothing to parse
        return raw[:MAX_QUERY]
    pairs = parse_qsl(raw, keep_blank_values=True)
    if not any(looks_secret(key) for key, _value in pairs):
        return raw[:MAX_QUERY]
    masked = [(key, MASK if looks_secret(key) else value) for key, value in pairs]
    return urlencode(masked)[:MAX_QUERY]


class RequestLogMiddleware:
    """Outermost but the snapshot scope: times the whole request and logs how it ended."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        snapshot = served_snapshot()
        if request.path_info in PROBES and response.status_code == 200:
            return response
        if logger.isEnabledFor(logging.INFO):
            fields = {
                "method": request.method,
                "path": request.path,
                "query": safe_query(request.META.get("QUERY_STRING", "")),
                "status": response.status_code,
                "duration_ms": round(duration_ms, 2),
                "revision": snapshot.revision if snapshot else None,
                "stale": bool(snapshot and snapshot.stale),
            }
            # The formatter (logformat.py) writes the fields as the line's "request" object.
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"request": fields},
            )
        return response
