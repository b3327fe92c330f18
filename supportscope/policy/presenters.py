"""Turning engine outcomes into plain data for the API, the pages and the receipts."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supportscope.core.engine import (
    UNKNOWN,
    InvalidAnswer,
    Level,
    Outcome,
    Question,
    Result,
    Tree,
    pick,
)
from supportscope.core.languages import CODES, DEFAULT
from supportscope.core.vocabulary import Change, renamed, upgrade
from supportscope.policy.snapshot import Snapshot


def current_lang() -> str:
    lang = (get_language() or DEFAULT)[:2]
    return lang if lang in CODES else DEFAULT


def answers_from_query(query: Mapping[str, Any], tree: Tree) -> dict[str, str]:
    """The answers in a query string: known question keys only, each given once."""
    answers: dict[str, str] = {}
    getlist = getattr(query, "getlist", None)
    for key, question in tree.questions.items():
        if key not in query:
            continue
        values = list(dict.fromkeys(getlist(key))) if getlist else [query[key]]
        if len(values) > 1:
            raise InvalidAnswer(key, ",".join(values), question.allowed)
        answers[key] = values[0]
    return answers


@dataclass(frozen=True)
class LevelView:
    """A verdict level as the pages show it: text, an icon shape, and ``value`` for the colour."""

    value: str
    label: str
    icon: str


def level_view(level: Level) -> LevelView:
    labels = {
        Level.SUPPORTED: (_("Supported"), "✓"),
        Level.BEST_EFFORT: (_("Best effort"), "~"),
        Level.UNSUPPORTED: (_("Unsupported"), "✕"),
    }
    label, icon = labels[level]
    return LevelView(level.value, label, icon)


def _by_rank(levels: frozenset[Level]) -> list[Level]:
    return sorted(levels, key=lambda level: -level.rank)


def levels_text(levels: frozenset[Level]) -> str:
    """``Supported``, or for a verdict that depends on an answer ``Supported / Unsupported``."""
    return " / ".join(level_view(level).label for level in _by_rank(levels))


def levels_param(levels: frozenset[Level]) -> str:
    return ",".join(level.value for level in _by_rank(levels))


RESULT_SIZE = 8


def result_hash(outcome: Outcome) -> str:
    """A short hash of what a verdict says: its levels and cited clauses."""
    cited = sorted({c for result in results_of(outcome) for c in result.citations})
    data = ",".join(sorted(level.value for level in outcome.levels)) + "|" + ",".join(cited)
    return hashlib.sha256(data.encode()).hexdigest()[:RESULT_SIZE]


def results_of(outcome: Outcome) -> list[Result]:
    """The verdicts an outcome shows: its own, or those of every branch it depends on."""
    if outcome.result is not None:
        return [outcome.result]
    return [r for _value, branch in outcome.branches for r in results_of(branch)]


def verdict_stamp(snapshot: Snapshot, outcome: Outcome) -> dict[str, str]:
    """What a verdict's link carries besides its answers, so that opening it later can
    say whether the policy or the verdict changed since: the revision, the levels, the
    content fingerprint (valid across instances) and a hash of the verdict."""
    return {
        "rev": str(snapshot.revision),
        "was": levels_param(outcome.levels),
        "fp": snapshot.fingerprint,
        "res": result_hash(outcome),
    }


@dataclass(frozen=True)
class ReadAnswers:
    answers: dict[str, str]
    changes: tuple[Change, ...]  # old values read as today's (vocabulary.py)
    retired: tuple[tuple[str, str, str], ...]  # (key, value, label) no longer offered


def read_answers(query: QueryDict, snapshot: Snapshot, lang: str) -> ReadAnswers:
    """The answers of a query as the triage page and the API both read them, or
    ``InvalidAnswer``. Renamed values are read as today's before retired ones are
    dropped: an old value that has a new name keeps its answer (see vocabulary.py)."""
    query, renames = renamed_query(query, snapshot.tree)
    query, retired = drop_retired(query, snapshot, lang)
    answers, changes = upgrade(snapshot.tree, answers_from_query(query, snapshot.tree))
    return ReadAnswers(answers, renames + changes, retired)


def renamed_query(query: QueryDict, tree: Tree) -> tuple[QueryDict, tuple[Change, ...]]:
    """The query with every renamed old value replaced by its new name (vocabulary.py)."""
    changes = []
    kept = query
    for key in query:
        values = query.getlist(key)
        new = [renamed(tree, key, value) or value for value in values]
        if new != values:
            if kept is query:
                kept = query.copy()
            kept.setlist(key, new)
            changes += [Change(key, old, n) for old, n in zip(values, new, strict=True) if old != n]
    return kept, tuple(changes)


def drop_retired(
    query: QueryDict, snapshot: Snapshot, lang: str
) -> tuple[QueryDict, tuple[tuple[str, str, str], ...]]:
    """Answers that were valid once and were retired: dropped, so the question is asked
    again with a notice, never refused."""
    if not snapshot.retired:
        return query, ()
    dropped = []
    kept = query.copy()
    for key in query:
        question = snapshot.tree.questions.get(key)
        for value in query.getlist(key):
            label = snapshot.retired.get((key, value))
            if label is not None and (question is None or value not in question.values):
                dropped.append((key, value, label.get(lang) or label.get("en", value)))
                remaining = [v for v in kept.getlist(key) if v != value]
                if remaining:
                    kept.setlist(key, remaining)
                else:
                    del kept[key]
    return kept, tuple(dropped)


def query_string(answers: Mapping[str, str], **extra: str) -> str:
    return urlencode({**answers, **{k: v for k, v in extra.items() if v}})


def choice_label(question: Question, value: str, lang: str) -> str:
    if value == UNKNOWN:
        with translation.override(lang):
            return _("Don't know")
    choice = question.choice(value)
    return pick(choice.label, lang) if choice else value


LEAD_IN_OF = {"item": ("para",), "subitem": ("item", "para")}


def lead_in(snapshot: Snapshot, anchor: str, lang: str) -> str | None:
    """The clause that introduces a list item ("… include:"), when the item needs it to be
    understood on its own; None for clauses that stand alone.

    Whether a clause leads into a list is a fact of the policy's structure, not of one
    language: Korean ends such a clause with "다음과 같습니다." where English has a colon,
    so a clause that ends with a colon in any language leads in, in every language."""
    clause = snapshot.clauses[anchor]
    kinds = LEAD_IN_OF.get(clause.kind)
    if not kinds:
        return None
    clauses = snapshot.section(clause.section).clauses
    index = next(i for i, c in enumerate(clauses) if c.anchor == anchor)
    for previous in reversed(clauses[:index]):
        if previous.kind in kinds:
            texts = [text.rstrip() for text in previous.text.values()]
            return previous.anchor if any(t.endswith((":", "：")) for t in texts) else None
    return None


def quoted(snapshot: Snapshot, anchors: tuple[str, ...], lang: str) -> list[tuple[str, str | None]]:
    """Each cited clause with the lead-in to quote before it, so that every quote stands on
    its own. A cited lead-in whose item is cited too is quoted once, with that item."""
    pairs = [(anchor, lead_in(snapshot, anchor, lang)) for anchor in anchors]
    introduced = {lead for _anchor, lead in pairs if lead}
    return [(anchor, lead) for anchor, lead in pairs if anchor not in introduced]


def citations(snapshot: Snapshot, result: Result, lang: str) -> list[dict[str, str]]:
    policy_url = reverse("policy")
    out = []
    for anchor in result.citations:
        clause = snapshot.clauses[anchor]
        section = snapshot.section(clause.section)
        out.append(
            {
                "section": section.slug,
                "clause": anchor,
                "title": pick(section.title, lang),
                "url": f"{policy_url}#{anchor}",
                "official_url": section.official_url,
                "quote": pick(clause.text, lang),
            }
        )
    return out


def rationale(result: Result, lang: str) -> list[str]:
    """The rationale as it reads next to the badge: an overlay that lowers the level leads,
    and the base verdict's text follows, introduced as what holds apart from that."""
    parts = [pick(part.rationale, lang) for part in result.reading_order]
    lowering = sum(1 for o in result.overlays if o.level.rank < result.base.level.rank)
    if lowering and len(parts) > lowering and parts[lowering]:
        with translation.override(lang):
            parts[lowering] = _("Apart from that: %(text)s") % {"text": parts[lowering]}
    return [text for text in parts if text]


def verdict_payload(snapshot: Snapshot, result: Result, lang: str) -> dict[str, Any]:
    make = result.make_supported(lang)
    return {
        "verdict": result.level.value,
        "citations": citations(snapshot, result, lang),
        "rationale": " ".join(rationale(result, lang)),
        "make_supported": " ".join(make) if make else None,
    }


def question_payload(question: Question, lang: str) -> dict[str, Any]:
    choices = [{"value": c.value, "label": pick(c.label, lang)} for c in question.choices]
    if question.allow_unknown:
        choices.append({"value": UNKNOWN, "label": choice_label(question, UNKNOWN, lang)})
    return {"key": question.key, "text": pick(question.text, lang), "choices": choices}


def outcome_payload(snapshot: Snapshot, outcome: Outcome, lang: str) -> dict[str, Any]:
    """The API's answer for an outcome (see docs/api.md)."""
    answers = dict(outcome.answers)
    payload: dict[str, Any] = {
        "complete": outcome.complete,
        "answers": answers,
        "policy_revision": snapshot.revision,
        "triage_url": reverse("triage")
        + "?"
        + query_string(answers, **(verdict_stamp(snapshot, outcome) if outcome.complete else {})),
    }
    if outcome.question is not None:
        payload.update(verdict=None, next_question=question_payload(outcome.question, lang))
    elif outcome.result is not None:
        payload.update(verdict_payload(snapshot, outcome.result, lang))
    else:
        payload.update(verdict=None, depends_on=_depends_payload(snapshot, outcome, lang))
    return payload


def _depends_payload(snapshot: Snapshot, outcome: Outcome, lang: str) -> dict[str, Any]:
    question = outcome.depends_on
    assert question is not None  # noqa: S101 - an outcome without result has branches
    branches = []
    for value, branch in outcome.branches:
        item: dict[str, Any] = {"value": value, "label": choice_label(question, value, lang)}
        if branch.result is not None:
            item.update(verdict_payload(snapshot, branch.result, lang))
        else:
            item.update(verdict=None, depends_on=_depends_payload(snapshot, branch, lang))
        branches.append(item)
    return {"key": question.key, "text": pick(question.text, lang), "branches": branches}
