"""The JSON API that ticket forms call: ``GET /api/v1/verdict?<answers>``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from supportscope.engine import InvalidAnswer, resolve
from supportscope.policy.openapi import openapi_document
from supportscope.policy.presenters import answers_from_query, current_lang, outcome_payload
from supportscope.policy.snapshot import get_snapshot

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
def verdict(request: HttpRequest) -> JsonResponse:
    lang = request.GET.get("lang")
    if lang is not None and lang not in LANGS:
        return error_response("lang", lang, LANGS)
    snapshot = get_snapshot()
    try:
        answers = answers_from_query(request.GET, snapshot.tree)
        outcome = resolve(snapshot.tree, answers)
    except InvalidAnswer as error:
        return error_response(error.key, error.value, error.allowed)
    with translation.override(lang or current_lang()):
        payload: dict[str, Any] = outcome_payload(snapshot, outcome, current_lang())
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Accept-Language"
    return response


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    snapshot = get_snapshot()
    return JsonResponse(openapi_document(snapshot.tree), json_dumps_params={"ensure_ascii": False})
