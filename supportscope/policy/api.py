"""The JSON API that ticket forms call.

``GET /api/v1/verdict?<answers>`` resolves answers; ``POST /api/v1/suggest`` reads a
ticket's text and proposes the answers it settles. The text is read from the body,
used, and dropped: it is never stored, logged or put in a URL.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from supportscope.core.engine import InvalidAnswer, Question, pick, resolve
from supportscope.core.languages import CODES
from supportscope.core.ranking import Ranked
from supportscope.core.vocabulary import MAX_TICKET_CHARS, asked_since, suggest_answers
from supportscope.policy.openapi import openapi_document
from supportscope.policy.presenters import (
    ReadAnswers,
    choice_label,
    current_lang,
    outcome_payload,
    query_string,
    read_answers,
)
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.why import Rivals, assumed_text, held_text, note_text, shared_level

LANGS = CODES


def error_response(field: str, value: str, allowed: list[str] | tuple[str, ...]) -> JsonResponse:
    return JsonResponse(
        {
            "error": "invalid_value",
            "field": field,
            "value": value,
            "allowed": list(allowed),
            "message": f"{value!r} is not a valid value for {field!r}. "
            f"Allowed values: {', '.join(allowed)}.",
        },
        status=400,
    )


View = Callable[..., JsonResponse]


def method_not_allowed(method: str, allowed: tuple[str, ...]) -> JsonResponse:
    response = JsonResponse(
        {
            "error": "method_not_allowed",
            "field": "method",
            "value": method,
            "allowed": list(allowed),
            "message": f"{method!r} is not allowed here. Allowed methods: {', '.join(allowed)}.",
        },
        status=405,
    )
    response["Allow"] = ", ".join(allowed)
    return response


def methods(*allowed: str) -> Callable[[View], View]:
    """Answer any other method, known or not, with 405 in the API's error shape and
    ``Allow``. The API changes nothing and reads no cookie, so it is exempt from CSRF:
    without that, Django's HTML CSRF page would answer an unsafe method first."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            if request.method not in allowed:
                return method_not_allowed(str(request.method), allowed)
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate


SAFE = ("GET", "HEAD")


@methods(*SAFE)
def verdict(request: HttpRequest) -> JsonResponse:
    lang = request.GET.get("lang")
    if lang is not None and lang not in LANGS:
        return error_response("lang", lang, LANGS)
    snapshot = get_snapshot()
    with translation.override(lang or current_lang()):
        lang = current_lang()
        try:
            read = read_answers(request.GET, snapshot, lang)
            outcome = resolve(snapshot.tree, read.answers)
        except InvalidAnswer as error:
            return error_response(error.key, error.value, error.allowed)
        payload: dict[str, Any] = outcome_payload(snapshot, outcome, lang)
    payload["notices"] = notices_payload(read)
    if outcome.question is not None and asked_since(read.answers, outcome.question.key):
        payload["notices"].append({"kind": "asked-since", "key": outcome.question.key})
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Accept-Language"
    return response


def notices_payload(read: ReadAnswers) -> list[dict[str, str]]:
    """What the API read differently from what was sent: old values under today's names,
    and retired answers dropped (their question is asked again), never refused."""
    renamed = [
        {"kind": "renamed", "key": change.key, "value": change.old, "now": change.new}
        for change in read.changes
    ]
    retired = [
        {"kind": "retired", "key": key, "value": value, "label": label}
        for key, value, label in read.retired
    ]
    return renamed + retired


@methods(*SAFE)
def openapi(request: HttpRequest) -> JsonResponse:
    snapshot = get_snapshot()
    return JsonResponse(openapi_document(snapshot.tree), json_dumps_params={"ensure_ascii": False})


class BadBody(ValueError):
    def __init__(self, field: str, value: str, allowed: list[str]) -> None:
        super().__init__(field)
        self.field = field
        self.value = value
        self.allowed = allowed


TEXT_ALLOWED = [f"a string of 1 to {MAX_TICKET_CHARS} characters"]
BODY_ALLOWED = [
    'a JSON object {"text": "...", "lang": "en"}',
    "a form-encoded body with text=",
]


def read_ticket(request: HttpRequest) -> tuple[str, str | None]:
    """The ticket text and the language of a suggest request, or ``BadBody``.

    The text itself never appears in an error: only its length does.
    """
    try:
        return _read_ticket(request)
    except RequestDataTooBig:
        raise BadBody("text", "a body too large to read", TEXT_ALLOWED) from None


def _read_ticket(request: HttpRequest) -> tuple[str, str | None]:
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except (UnicodeDecodeError, ValueError):
            raise BadBody("body", "not JSON", BODY_ALLOWED) from None
        if not isinstance(body, dict):
            raise BadBody("body", type(body).__name__, BODY_ALLOWED)
        text, lang = body.get("text"), body.get("lang")
        if "lang" in body and not isinstance(lang, str):  # null is not a language
            raise BadBody("lang", json.dumps(lang), list(LANGS))
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        text, lang = request.POST.get("text"), request.POST.get("lang")
    else:
        raise BadBody("body", request.content_type or "no content type", BODY_ALLOWED)
    if lang is not None and lang not in LANGS:
        raise BadBody("lang", str(lang), list(LANGS))
    if not isinstance(text, str) or not text.strip():
        shown = "empty" if isinstance(text, str) or text is None else type(text).__name__
        raise BadBody("text", shown, TEXT_ALLOWED)
    if len(text) > MAX_TICKET_CHARS:
        raise BadBody("text", f"{len(text)} characters", TEXT_ALLOWED)
    return text, lang


@methods("POST")  # it changes nothing, and sets no cookie: there is nothing to forge
def suggest(request: HttpRequest) -> JsonResponse:
    try:
        text, lang = read_ticket(request)
    except BadBody as error:
        return error_response(error.field, error.value, error.allowed)
    snapshot = get_snapshot()
    tree = snapshot.tree
    found = suggest_answers(tree, text)
    lang = lang or current_lang()
    open_key = found.open_question.key if found.open_question else None
    with translation.override(lang):
        outcome = outcome_payload(snapshot, resolve(tree, found.answers), lang)
        choices = {c.value: c for c in found.open_question.choices} if found.open_question else {}
        lead = found.candidates[0] if found.candidates else None
        lead_label = pick(choices[lead.value].label, lang) if lead is not None else ""
        rivals = Rivals(lead, lead_label, found.held)
        candidates = [
            {
                "key": open_key,
                "value": item.value,
                "label": pick(choices[item.value].label, lang),
                "score": round(item.score, 2),
                "matched": list(item.matched),
                "why": [note_text(note) for note in item.notes]
                if item is lead
                else rivals.why(item),
                "leads_to": [
                    level.value
                    for level in sorted(found.leads.get(item.value, ()), key=lambda x: -x.rank)
                ],
            }
            for item in found.candidates
            if found.open_question is not None
        ]
        alternatives = {
            key: _alternatives(tree.questions[key], found.chosen.get(key), items, lang)
            for key, items in found.alternatives.items()
            if items and key in found.answers
        }
        why = {
            key: [note_text(note) for note in item.notes]
            for key, item in found.chosen.items()
            if item.notes
        }
        assumed = {
            key: assumed_text(key, choice_label(tree.questions[key], found.answers[key], lang))
            for key in found.assumed
            if key in found.answers
        }
        held = None
        if found.held is not None and found.held.rival in choices:
            held = {
                "key": found.held.question,
                "rival": found.held.rival,
                "reason": found.held.reason,
                "message": held_text(
                    found.held,
                    pick(choices[found.held.rival].label, lang),
                    found.candidates,
                    lead_label,
                    shared_level(found),
                ),
            }
    query = dict(found.answers) | ({"lang": lang} if lang != "en" else {})
    payload: dict[str, Any] = {
        "answers": found.answers,
        "evidence": found.evidence,
        "why": why,
        "assumed": assumed,
        "alternatives": alternatives,
        "candidates": candidates,
        "held": held,
        "outcome": outcome,
        "triage_url": reverse("triage") + ("?" + query_string(query) if query else ""),
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _alternatives(
    question: Question, chosen: Ranked | None, items: tuple[Ranked, ...], lang: str
) -> list[dict[str, Any]]:
    """The other choices of a settled question that the text matched, and why they lost."""
    lead_label = choice_label(question, chosen.value, lang) if chosen is not None else ""
    rivals = Rivals(chosen, lead_label)
    return [
        {
            "value": item.value,
            "label": choice_label(question, item.value, lang),
            "score": round(item.score, 2),
            "matched": list(item.matched),
            "why": rivals.why(item),
        }
        for item in items
    ]
