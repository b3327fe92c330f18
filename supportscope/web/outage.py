"""Answers while the policy database is down.

Pages and the API keep serving the last compiled policy (see ``policy.snapshot``);
this middleware tells clients so with the ``SupportScope-Policy-Stale`` header. Views
that need the database itself (the admin) get a clear 503 page instead of a 500,
and so does every page of a worker that has no compiled policy yet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from supportscope.policy.snapshot import (
    PolicyUnavailable,
    drop_broken_connection,
    served_snapshot,
)

logger = logging.getLogger("supportscope.outage")

STALE_HEADER = "SupportScope-Policy-Stale"
RETRY_AFTER_SECONDS = 30


class OutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        snapshot = served_snapshot()
        if snapshot is not None and snapshot.stale:
            response[STALE_HEADER] = str(snapshot.revision)
            # Caches must not keep a stale answer after the database is back.
            response["Cache-Control"] = "no-store"
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PolicyUnavailable):
            return unavailable(
                request,
                _("The policy is not available yet"),
                _(
                    "SupportScope cannot reach its policy database and has no copy of the "
                    "policy in memory yet. It answers by itself as soon as the database is "
                    "back; try again in a minute."
                ),
            )
        if isinstance(exception, DatabaseError):
            logger.error(
                "database error on %s %s: %s; answering 503",
                request.method,
                request.path,
                str(exception).strip() or type(exception).__name__,
            )
            drop_broken_connection()
            lost = request.method not in {"GET", "HEAD", "OPTIONS"}
            return unavailable(
                request,
                _("The policy database cannot be reached"),
                _(
                    "The administration needs the database, which cannot be reached right "
                    "now. Triage, the API and the policy pages keep answering from the last "
                    "known policy. Try again in a minute."
                ),
                _(
                    "What you submitted was NOT saved. Keep a copy of your text and submit "
                    "it again once the database is back."
                )
                if lost
                else "",
            )
        return None


def unavailable(request: HttpRequest, title: str, message: str, warning: str = "") -> HttpResponse:
    """A 503 answer: JSON for the API, an HTML page for everything else."""
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"error": "unavailable", "message": f"{title}. {message}"}, status=503
        )
    else:
        response = render(
            request,
            "unavailable.html",
            {"title": title, "message": message, "warning": warning},
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
