"""Pages: home and the policy document. Views stay thin; the work is elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from supportscope.policy.document import document_html
from supportscope.policy.presenters import current_lang
from supportscope.policy.snapshot import get_snapshot

OFFICIAL_PAGE = "https://learn.microsoft.com/azure/aks/support-policies"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    snapshot = get_snapshot()
    return render(request, "home.html", {"snapshot": snapshot})


@require_safe
def policy(request: HttpRequest) -> HttpResponse:
    snapshot = get_snapshot()
    lang = current_lang()
    return render(
        request,
        "policy/policy.html",
        {
            "snapshot": snapshot,
            "sections": [(section, section.title[lang]) for section in snapshot.sections],
            "document": document_html(snapshot, lang),
            "official_page": OFFICIAL_PAGE,
        },
    )
