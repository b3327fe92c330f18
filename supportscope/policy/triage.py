"""The triage flow (placeholder until the triage page lands)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def triage(request: HttpRequest) -> HttpResponse:
    return HttpResponse("triage")


@require_safe
def tree_map(request: HttpRequest) -> HttpResponse:
    return HttpResponse("map")
