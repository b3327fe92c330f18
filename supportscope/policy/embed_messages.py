"""The messages between the embedded triage and the ticket form that frames it.

A ticket form frames ``/triage/?embed=1&parent_origin=<its origin>``; the origin must be
one of ``SUPPORTSCOPE_EMBED_ORIGINS`` (``querystring.read_carry``), the same list that CSP's
``frame-ancestors`` allows. The page then carries, as JSON (CSP allows no inline code):

* the channel (``channel``, a ``json_script`` element): the host's origin, the policy
  revision and language, and what ``static/js/embed-protocol.js`` needs to check the
  messages that come in;
* on a triage step, the event for the host (``step_event``, ``verdict_event``), in a
  data attribute of ``#triage``, which htmx swaps with each step.

``static/js/embed.js`` posts the events to that origin only (never to ``"*"``) and takes
``ticket-text`` and ``prefill`` from the parent window on that origin only. docs/embedding.md
("Events for the host page") documents the protocol; this module and the JS module
hold its names, and the browser tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse

from supportscope.core.vocabulary import MAX_TICKET_CHARS
from supportscope.policy.snapshot import Snapshot

SOURCE = "supportscope"  # the envelope's "source" on messages to the host
HOST_SOURCE = "supportscope-host"  # and on messages from the host
VERSION = 1
OUT_TYPES = ("ready", "step", "verdict", "resize")
IN_TYPES = ("ticket-text", "prefill")


def listening(carry: Mapping[str, str]) -> bool:
    """A host page named its origin for an embedded triage: it gets the events."""
    return carry.get("embed") == "1" and "parent_origin" in carry


def channel(
    snapshot: Snapshot, carry: Mapping[str, str], lang: str, suggest_url: str
) -> dict[str, Any]:
    """What the embed's script needs: where to post, what to accept, where to go."""
    return {
        "parent_origin": carry["parent_origin"],
        "policy_revision": snapshot.revision,
        "lang": lang,
        "carry": dict(carry),
        "suggest_url": suggest_url,
        "triage_url": reverse("triage"),
        "max_chars": MAX_TICKET_CHARS,
        # prefill accepts these keys and values only
        "questions": {key: list(q.allowed) for key, q in snapshot.tree.questions.items()},
    }


def step_event(answers: Mapping[str, str], next_question: str) -> dict[str, Any]:
    return {"type": "step", "payload": {"answers": dict(answers), "next_question": next_question}}


def verdict_event(
    *,
    verdict: str | None,
    answers: Mapping[str, str],
    citations: list[str],
    revision: int,
    permalink: str,
    receipt: str,
    branches: list[tuple[dict[str, str], str, tuple[str, ...]]] | None = None,
) -> dict[str, Any]:
    """A verdict, or (``verdict`` None) one branch per combination of the answers that
    were "don't know": those answers, its verdict and its cited clauses."""
    payload: dict[str, Any] = {
        "verdict": verdict,
        "answers": dict(answers),
        "citations": citations,
        "policy_revision": revision,
        "permalink": permalink,
        "receipt": receipt,
    }
    if branches is not None:
        payload["branches"] = [
            {"answers": chosen, "verdict": level, "citations": list(cited)}
            for chosen, level, cited in branches
        ]
    return {"type": "verdict", "payload": payload}
