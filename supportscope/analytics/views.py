"""The two requests that exist only to be counted; both send the engineer on at once.

* ``POST /triage/feedback/``: "did this answer the ticket?" — ``helped=yes|no`` with the
  verdict's answers. One click, no free text, no JavaScript needed. It answers 303 to the
  verdict page with ``feedback=sent``, which shows a thank-you instead of the question
  (post/redirect/get: a reload sends nothing again).
* ``GET /triage/proposed/``: the confirmation form of the ticket-text proposals goes
  through here, with ``proposed=key:value,…`` beside the answers; it counts each proposal
  as taken or changed and answers 303 to ``/triage/`` with everything but ``proposed``.

The feedback POST is guarded against cross-site forgery without a token or cookie: the
verdict page it sits on is the same for everyone and served from the page cache, so it
cannot carry a per-visitor token. The browser's own ``Sec-Fetch-Site``, ``Origin`` or, if
neither is sent, ``Referer`` must name this site (or a trusted origin); anything else is
refused with 403. No cookie is read or set.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from supportscope.analytics import tally
from supportscope.analytics.counting import HELPED, feedback_event, proposal_events
from supportscope.core.languages import CODES
from supportscope.policy.querystring import triage_url
from supportscope.policy.snapshot import get_snapshot


def same_origin(request: HttpRequest) -> bool:
    """Whether a POST comes from a page of this site, by the headers browsers set."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site is not None and site != "same-origin":
        return False
    here = f"{request.scheme}://{request.get_host()}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin == here or origin in settings.CSRF_TRUSTED_ORIGINS
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" == here


def _carry(data: dict[str, str]) -> dict[str, str]:
    carry = {}
    if data.get("lang") in CODES:
        carry["lang"] = data["lang"]
    if data.get("embed") == "1":
        carry["embed"] = "1"
    return carry


def _bad(message: str) -> HttpResponse:
    response = HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # guarded by same_origin: the page it is posted from is cached for everyone
@require_POST
def feedback(request: HttpRequest) -> HttpResponse:
    if not same_origin(request):
        return HttpResponseForbidden(
            _("This form can only be sent from a SupportScope page."),
            content_type="text/plain; charset=utf-8",
        )
    snapshot = get_snapshot()
    event = feedback_event(snapshot, request.POST)
    if event is None:
        helped = request.POST.get("helped", "")
        if helped not in HELPED:
            return _bad(
                _("%(value)r is not allowed for 'helped'; allowed: %(allowed)s.")
                % {"value": helped, "allowed": ", ".join(HELPED)}
            )
        return _bad(_("These answers do not reach a verdict; nothing was counted."))
    tally.record(snapshot.revision, [event])
    answers = {key: request.POST[key] for key in snapshot.tree.questions if key in request.POST}
    carry = {**_carry(request.POST.dict()), "feedback": "sent"}
    # The fragment brings the thank-you into view where the question was.
    response = HttpResponseRedirect(triage_url(answers, carry) + "#feedback", status=303)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def proposed(request: HttpRequest) -> HttpResponse:
    snapshot = get_snapshot()
    if settings.SUPPORTSCOPE_ANALYTICS:
        tally.record(snapshot.revision, proposal_events(snapshot, request.GET))
    query = request.GET.copy()
    query.pop("proposed", None)
    target = reverse("triage") + ("?" + query.urlencode(safe=",") if query else "")
    response = HttpResponseRedirect(target, status=303)
    response["Cache-Control"] = "no-store"
    return response
