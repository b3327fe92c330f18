"""The OpenAPI 3 description of the verdict API, generated from the live tree."""

from __future__ import annotations

from typing import Any

from supportscope.engine import Tree, pick
from supportscope.languages import CODES

_CITATION = {
    "type": "object",
    "required": ["section", "clause", "title", "url"],
    "properties": {
        "section": {"type": "string", "description": "Section slug (official page anchor)."},
        "clause": {"type": "string", "description": "Clause anchor on /policy/."},
        "title": {"type": "string"},
        "url": {"type": "string", "description": "Link to the clause on /policy/."},
        "official_url": {"type": "string"},
        "quote": {"type": "string", "description": "The clause's text (Markdown)."},
    },
}
_VERDICT_FIELDS = {
    "verdict": {"type": "string", "enum": ["supported", "best_effort", "unsupported"]},
    "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
    "rationale": {"type": "string"},
    "make_supported": {"type": "string", "nullable": True},
}


def openapi_document(tree: Tree) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "name": question.key,
            "in": "query",
            "required": False,
            "description": pick(question.text, "en"),
            "schema": {"type": "string", "enum": list(question.allowed)},
        }
        for question in tree.questions.values()
    ]
    parameters.append(
        {
            "name": "lang",
            "in": "query",
            "required": False,
            "description": "Language of the texts; defaults to Accept-Language.",
            "schema": {"type": "string", "enum": list(CODES)},
        }
    )
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "SupportScope verdict API",
            "version": "1",
            "description": (
                "Is an AKS scenario supported by Microsoft? Send the answers you know; "
                "get the next question, or a verdict with citations of the policy."
            ),
        },
        "paths": {
            "/api/v1/verdict": {
                "get": {
                    "operationId": "verdict",
                    "summary": "The next question or the verdict for a set of answers",
                    "parameters": parameters,
                    "responses": {
                        "200": {
                            "description": "The next question, or the verdict",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Outcome"}
                                }
                            },
                        },
                        "400": {
                            "description": "A parameter carries a value that is not allowed",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Citation": _CITATION,
                "Outcome": {
                    "type": "object",
                    "required": ["complete", "verdict", "answers", "policy_revision"],
                    "properties": {
                        "complete": {"type": "boolean"},
                        **_VERDICT_FIELDS,
                        "verdict": {**_VERDICT_FIELDS["verdict"], "nullable": True},
                        "answers": {"type": "object", "additionalProperties": {"type": "string"}},
                        "policy_revision": {"type": "integer"},
                        "triage_url": {"type": "string"},
                        "next_question": {
                            "type": "object",
                            "properties": {
                                "key": {"type": "string"},
                                "text": {"type": "string"},
                                "choices": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "value": {"type": "string"},
                                            "label": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        },
                        "depends_on": {
                            "type": "object",
                            "description": "When an answer was 'unknown': the verdict per value.",
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "field", "value", "allowed", "message"],
                    "properties": {
                        "error": {"type": "string"},
                        "field": {"type": "string"},
                        "value": {"type": "string"},
                        "allowed": {"type": "array", "items": {"type": "string"}},
                        "message": {"type": "string"},
                    },
                },
            }
        },
    }
