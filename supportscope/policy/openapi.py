"""The OpenAPI 3 description of the verdict API, generated from the live tree."""

from __future__ import annotations

from typing import Any

from supportscope.core.engine import Tree, pick
from supportscope.core.languages import CODES

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
_VERDICT_FIELDS: dict[str, dict[str, Any]] = {
    "verdict": {"type": "string", "enum": ["supported", "best_effort", "unsupported"]},
    "citations": {"type": "array", "items": {"$ref": "#/components/schemas/Citation"}},
    "rationale": {"type": "string"},
    "make_supported": {"type": "string", "nullable": True},
}


def _not_allowed(allowed: str) -> dict[str, Any]:
    """The 405 every operation answers to any other method, known or not."""
    return {
        "description": f"Another method than {allowed}: error 'method_not_allowed'",
        "headers": {"Allow": {"description": "The methods allowed", "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
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
                        "405": _not_allowed("GET or HEAD"),
                    },
                }
            },
            "/api/v1/suggest": {
                "post": {
                    "operationId": "suggest",
                    "summary": "The answers that a ticket's text settles, and why",
                    "description": (
                        "Send the ticket text in the body (never in the URL). Nothing is "
                        "stored or logged; no CSRF token is needed and no cookie is set."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}},
                            "application/x-www-form-urlencoded": {
                                "schema": {"$ref": "#/components/schemas/Ticket"}
                            },
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Proposed answers, evidence, candidates and outcome",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Suggestion"}
                                }
                            },
                        },
                        "400": {
                            "description": "Empty or too long text, bad lang, or not JSON",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Error"}
                                }
                            },
                        },
                        "405": _not_allowed("POST"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document, generated from the live tree",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        "405": _not_allowed("GET or HEAD"),
                    },
                }
            },
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
                        "notices": {
                            "type": "array",
                            "description": (
                                "On /api/v1/verdict: values read differently from what was"
                                " sent. renamed: an old value read under its new name (now);"
                                " retired: an answer no longer offered, dropped, so that its"
                                " question is asked again (both with the value sent);"
                                " asked-since: a link made before the first step was"
                                " reshaped stops at a question (key) its path did not ask"
                                " then."
                            ),
                            "items": {
                                "type": "object",
                                "required": ["kind", "key"],
                                "properties": {
                                    "kind": {
                                        "type": "string",
                                        "enum": ["renamed", "retired", "asked-since"],
                                    },
                                    "key": {"type": "string"},
                                    "value": {"type": "string"},
                                    "now": {"type": "string"},
                                    "label": {"type": "string"},
                                },
                            },
                        },
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
                "Ticket": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {
                        "text": {"type": "string", "minLength": 1, "maxLength": 20000},
                        "lang": {"type": "string", "enum": list(CODES)},
                    },
                },
                "Suggestion": {
                    "type": "object",
                    "required": [
                        "answers",
                        "evidence",
                        "why",
                        "assumed",
                        "alternatives",
                        "candidates",
                        "held",
                        "outcome",
                        "triage_url",
                    ],
                    "properties": {
                        "answers": {
                            "type": "object",
                            "description": "Only the answers that the text settles.",
                            "additionalProperties": {"type": "string"},
                        },
                        "evidence": {
                            "type": "object",
                            "description": "Per answer, the words that led to it "
                            "(empty: assumed, the usual answer).",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                        "why": {
                            "type": "object",
                            "description": "Per answer, what the reader noted about its words "
                            "(e.g. 'kube-router: installed by the customer (DaemonSet)').",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                        "assumed": {
                            "type": "object",
                            "description": "Per answer the text says nothing about, why its "
                            "usual answer was taken (e.g. for the CNI: every CNI that AKS "
                            "manages leads to the same verdict), in the request's language.",
                            "additionalProperties": {"type": "string"},
                        },
                        "alternatives": {
                            "type": "object",
                            "description": "Per settled answer, the other choices the text "
                            "matched, each with why it lost.",
                            "additionalProperties": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/RankedChoice"},
                            },
                        },
                        "candidates": {
                            "type": "array",
                            "description": "The choices of the first question still open, ranked; "
                            "`why` says what counted less in each and why it is not first; "
                            "`leads_to`, for a choice the words matched (or the held rival), "
                            "the levels of the verdicts it leads to as far as the text settles "
                            "the questions after it (one level: the choice decides it; empty "
                            "for a choice no word matched, unless no word matched any choice "
                            "of a question with at most 8: then every choice has its levels).",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "key": {"type": "string"},
                                    "value": {"type": "string"},
                                    "label": {"type": "string"},
                                    "score": {"type": "number"},
                                    "matched": {"type": "array", "items": {"type": "string"}},
                                    "why": {"type": "array", "items": {"type": "string"}},
                                    "leads_to": {
                                        "type": "array",
                                        "items": {
                                            "type": "string",
                                            "enum": ["supported", "best_effort", "unsupported"],
                                        },
                                    },
                                },
                            },
                        },
                        "held": {
                            "description": "Set when the text settles the open question but "
                            "the supported verdict it leads to is in doubt, so it was left "
                            "open: `rival` is the choice that raised the doubt, `reason` one of "
                            "installed (the answer names what the customer installed), "
                            "rival-installed (a runner-up that may not be supported is the "
                            "customer's own software), changed (the customer changed resources AKS "
                            "manages), close (a near runner-up would not be supported), "
                            "deployed (the customer deployed a DaemonSet or node networking "
                            "of their own), "
                            "reads-like (on a long ticket, a verdict of any level: the ticket "
                            "reads more like past tickets about a runner-up that would not "
                            "reach its level), level (on a long ticket, a verdict of any "
                            "level: tickets worded like it rarely have that level, and the "
                            "rival would not reach it), unlike (on a long ticket, a supported "
                            "verdict: the words lead only narrowly and the ticket reads little "
                            "like past tickets about the answer; the rival is the choice it "
                            "reads most like), thin (on a long ticket, the answer rests on one "
                            "plain word, said once or twice, while the ticket reads likelier to "
                            "be about the rival), "
                            "named-software (the text names software the customer may have "
                            "installed themselves, or a project AKS also offers as an add-on "
                            "without saying it is the add-on, so AKS's own is not assumed), "
                            "release (a supported verdict that does not ask the release "
                            "status, while the text clearly says a preview is involved; the "
                            "rival is the preview feature choice).",
                            "oneOf": [
                                {"type": "null"},
                                {
                                    "type": "object",
                                    "required": ["key", "rival", "reason", "message"],
                                    "properties": {
                                        "key": {"type": "string"},
                                        "rival": {"type": "string"},
                                        "reason": {
                                            "type": "string",
                                            "enum": [
                                                "installed",
                                                "rival-installed",
                                                "changed",
                                                "close",
                                                "deployed",
                                                "reads-like",
                                                "level",
                                                "unlike",
                                                "thin",
                                                "named-software",
                                                "release",
                                            ],
                                        },
                                        "message": {"type": "string"},
                                    },
                                },
                            ],
                        },
                        "outcome": {"$ref": "#/components/schemas/Outcome"},
                        "triage_url": {"type": "string"},
                    },
                },
                "RankedChoice": {
                    "type": "object",
                    "required": ["value", "label", "score", "matched", "why"],
                    "properties": {
                        "value": {"type": "string"},
                        "label": {"type": "string"},
                        "score": {"type": "number"},
                        "matched": {"type": "array", "items": {"type": "string"}},
                        "why": {"type": "array", "items": {"type": "string"}},
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
