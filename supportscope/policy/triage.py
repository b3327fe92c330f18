"""The triage page: one question per step, every step a bookmarkable GET.

A request from htmx gets only the ``#triage`` fragment; any other request gets the whole
page, from the same template. The query string is read in ``querystring``, the step is
built in ``steps``; everything a page needs comes from the compiled snapshot, with no
query beyond the snapshot's own freshness check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from supportscope.core.engine import (
    Level,
    pick,
    resolve,
)
from supportscope.core.vocabulary import MAX_TICKET_CHARS
from supportscope.policy import embed_messages
from supportscope.policy.embedding import mark_embeddable
from supportscope.policy.presenters import (
    current_lang,
    level_view,
)
from supportscope.policy.querystring import (
    LANGS,
    BadParameter,
    read_carry,
    read_params,
    suggest_url,
    triage_url,
)
from supportscope.policy.snapshot import Snapshot, get_snapshot
from supportscope.policy.steps import build_step, embed_event
from supportscope.policy.treemap import build_map


def _layout(request: HttpRequest, embed: bool) -> str:
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return "triage/fragment.html"
    return "triage/embed.html" if embed else "base.html"


def respond(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    carry: Mapping[str, str],
    status: int = 200,
) -> HttpResponse:
    embed = carry.get("embed") == "1"
    layout = _layout(request, embed)
    context = {
        **context,
        "layout": layout,
        "fragment": layout == "triage/fragment.html",
        "embed": embed,
    }
    if embed_messages.listening(carry):
        context["channel"] = embed_messages.channel(
            context["snapshot"], carry, current_lang(), suggest_url(carry)
        )
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    if embed:
        mark_embeddable(response)
    return response


def bad_request(request: HttpRequest, snapshot: Snapshot, error: BadParameter) -> HttpResponse:
    """A 400 page naming the bad value, offering every allowed value as a link."""
    query = request.GET.copy()
    carry = read_carry(query, strict=False)
    links = []
    for value, label in error.allowed:
        fixed = query.copy()
        fixed[error.key] = value
        links.append((value, label, reverse("triage") + "?" + fixed.urlencode(safe=",")))
    question = snapshot.tree.questions.get(error.key)
    context = {
        "snapshot": snapshot,
        "nav": "triage",
        "key": error.key,
        "value": error.value,
        "question": pick(question.text, current_lang()) if question else "",
        "links": links,
        "start_url": triage_url({}, carry),
    }
    return respond(request, "triage/bad_request.html", context, carry, status=400)


@require_safe
def triage(request: HttpRequest) -> HttpResponse:
    snapshot = get_snapshot()
    try:
        params = read_params(request.GET, snapshot, current_lang())
    except BadParameter as error:
        return bad_request(request, snapshot, error)
    outcome = resolve(snapshot.tree, params.answers)  # read_params checked every value
    step = build_step(request, snapshot, params, outcome)
    context = {
        "snapshot": snapshot,
        "nav": "triage",
        "s": step,
        "start_url": triage_url({}, params.carry),
        "full_url": triage_url(
            params.answers, {k: v for k, v in params.carry.items() if k == "lang"}
        ),
        "all_choices_url": triage_url(params.answers, params.carry),
        "paste_url": suggest_url(params.carry),
        "show_paste": not params.answers and not params.query,
        "max_chars": MAX_TICKET_CHARS,
    }
    if embed_messages.listening(params.carry):
        # On #triage itself, as JSON in a data attribute: htmx swaps it with the step.
        context["embed_event"] = json.dumps(embed_event(step, outcome, snapshot.revision))
    return respond(request, "triage/triage.html", context, params.carry)


@require_safe
def tree_map(request: HttpRequest) -> HttpResponse:
    snapshot = get_snapshot()
    lang = current_lang()
    carry = {"lang": request.GET["lang"]} if request.GET.get("lang") in LANGS else {}
    tree = build_map(snapshot, lang, lambda answers: triage_url(answers, carry))
    levels = {level.value: level_view(level) for level in Level}
    context = {"snapshot": snapshot, "nav": "map", "map": tree, "levels": levels}
    return render(request, "triage/map.html", context)
