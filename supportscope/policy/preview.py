"""Drafts in the request cycle: scheduled publication, and staff previews of the site.

``publish_if_due`` publishes a scheduled draft at the first request after its time that
uses the policy. The time is read with the revision (one row holds both) whenever a
worker checks the policy, and kept in memory between checks; scheduling a draft moves
that row, which every worker's watcher hears of (``freshness``). So noticing a schedule
costs no query: a request compares two numbers. The app's ``ready()`` hands this
function to the snapshot cache. ``manage.py publish_scheduled`` does the same from cron.

``DraftPreviewMiddleware`` serves the public pages (triage, tree map, policy page, API)
under a draft to a staff member who chose "Preview the site" on the draft: the choice is
a cookie holding the draft id, honoured only for a signed-in user who may view drafts.
Such responses are private and never kept by the page cache (``Snapshot.draft``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from supportscope.policy.editing.drafts import publish_due
from supportscope.policy.snapshot import previewing

logger = logging.getLogger("supportscope.drafts")
PREVIEW_COOKIE = "supportscope_preview"


def publish_if_due(due_at: int) -> bool:
    """Publish the scheduled drafts whose time has come, if ``due_at`` (read with the
    revision, see ``store.current_state``) has passed. Returns whether it published."""
    now = timezone.now()
    if now.timestamp() < due_at:
        return False
    for done in publish_due(now):
        if done.published:
            logger.warning("published scheduled draft %s as revision %s", done.draft, done.revision)
        else:
            logger.error(
                "scheduled draft %s not published: %s", done.draft, "; ".join(done.problems)
            )
    return True


def preview_draft(request: HttpRequest) -> int | None:
    """The draft this request previews, if it asks for one and may see it."""
    raw = request.COOKIES.get(PREVIEW_COOKIE, "")
    if not raw.isascii() or not raw.isdigit():
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return None
    if not user.has_perm("policy.view_draft"):
        return None
    return int(raw)


def _admin_prefix() -> str:
    try:
        return reverse("admin:index")
    except NoReverseMatch:  # a URL configuration without the admin
        return "/admin/"


class DraftPreviewMiddleware:
    """After authentication: the public pages under a draft, for its staff previewer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if PREVIEW_COOKIE not in request.COOKIES or request.path.startswith(_admin_prefix()):
            return self.get_response(request)
        draft = preview_draft(request)
        if draft is None:
            return self.get_response(request)
        with previewing(draft):
            response = self.get_response(request)
        add_never_cache_headers(response)
        response["Cache-Control"] += ", private"
        patch_vary_headers(response, ["Cookie"])
        return response
