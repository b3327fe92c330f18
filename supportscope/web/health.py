"""Health probes for Kubernetes and load balancers.

* ``/healthz`` (liveness): 200 whenever this process can answer HTTP at all. It never
  touches the database, so an outage does not get healthy pods restarted.
* ``/readyz`` (readiness): 200 only when the database answers and a policy tree is
  compiled; otherwise 503 with a short JSON reason.

``ProbeMiddleware`` sits before ``SecurityMiddleware`` in ``MIDDLEWARE`` (only the
snapshot scope and the request log run first) and answers both paths before the rest. A
probe therefore needs no allowed ``Host`` (the kubelet sends the pod IP), is never
redirected to HTTPS (the kubelet speaks plain HTTP to the container), and sets no
cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from supportscope.core.engine import TreeError
from supportscope.policy.snapshot import PolicyUnavailable, get_snapshot

BROKEN_TREE = "the policy tree in the database does not compile"


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive"})


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        # Readiness reports the database as it is now, not as it was at the last attempt.
        snapshot = get_snapshot(check_now=True)
    except PolicyUnavailable as error:
        if isinstance(error.__cause__, TreeError):
            return _not_ready(BROKEN_TREE)
        return _not_ready("database unreachable and no policy compiled yet")
    except TreeError:
        return _not_ready(BROKEN_TREE)
    if snapshot.stale:
        return _not_ready(
            f"database unreachable; serving policy revision {snapshot.revision} from memory",
            revision=snapshot.revision,
        )
    return JsonResponse({"status": "ready", "revision": snapshot.revision})


def _not_ready(reason: str, revision: int | None = None) -> JsonResponse:
    # The reason is short and generic on purpose: probes are unauthenticated, and the
    # log has the database's own error message.
    return JsonResponse({"status": "not_ready", "reason": reason, "revision": revision}, status=503)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
}


class ProbeMiddleware:
    """Answer ``/healthz`` and ``/readyz`` before host validation and the HTTPS redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return self.get_response(request)
