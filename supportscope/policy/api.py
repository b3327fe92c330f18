"""The JSON API that ticket forms call: ``GET /api/v1/verdict?<answers>``."""

from __future__ import annotations

import itertools
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from supportscope.engine import InvalidAnswer, Outcome, resolve
from supportscope.policy.openapi import openapi_document
from supportscope.policy.presenters import answers_from_query, current_lang, outcome_payload
from supportscope.policy.snapshot import Snapshot, get_snapshot

LANGS = ("en", "ko")


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


@require_safe
def verdict(request: HttpRequest) -> HttpResponse:
    lang = request.GET.get("lang")
    if lang is not None and lang not in LANGS:
        return error_response("lang", lang, LANGS)
    snapshot = get_snapshot()
    try:
        answers = answers_from_query(request.GET, snapshot.tree)
        outcome = resolve(snapshot.tree, answers)
    except InvalidAnswer as error:
        return error_response(error.key, error.value, error.allowed)
    response = HttpResponse(
        rendered_outcome(snapshot, answers, outcome, lang or current_lang()),
        content_type="application/json",
    )
    response["Vary"] = "Accept-Language"
    return response


# The JSON of each answer, rendered once per compiled policy and language: building the
# payload and encoding it cost more than the rest of a warm request. Keyed by the
# validated answers (unknown keys are dropped, bad values refused), and bounded.
_rendered: dict[tuple[int, str, tuple[tuple[str, str], ...]], bytes] = {}
RENDERED_MAX = 1024


def rendered_outcome(
    snapshot: Snapshot, answers: dict[str, str], outcome: Outcome, lang: str
) -> bytes:
    key = (snapshot.generation, lang, tuple(sorted(answers.items())))
    body = _rendered.get(key)
    if body is None:
        with translation.override(lang):
            payload: dict[str, Any] = outcome_payload(snapshot, outcome, lang)
        body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
        if len(_rendered) >= RENDERED_MAX or any(
            old[0] != snapshot.generation for old in itertools.islice(_rendered, 1)
        ):
            _rendered.clear()
        _rendered[key] = body
    return body


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    snapshot = get_snapshot()
    return JsonResponse(openapi_document(snapshot.tree), json_dumps_params={"ensure_ascii": False})
