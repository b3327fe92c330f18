"""A ranked retrieval score (BM25) for the first question, measured against the rules.

``python -m tests.retrieval`` prints, per corpus file, right / wrong / wrong level for:

* ``rules``: the suggester as shipped (``make accuracy``'s figures);
* ``bm25``: the component with the best BM25 score over each choice's labels, help and
  terms (both languages), the rest of the path walked by the rules;
* ``veto-3``: the rules' answer, left open when their component is not among BM25's top 3
  (``>400``: on tickets over 400 characters only; ``-sup``: for supported verdicts only);
* ``tiebreak``: where the rules leave the component open, BM25's best if it is one of the
  rules' two best candidates.

It is a measurement, not a part of the suggester: docs/accuracy.md gives the figures and
why none of the combinations was adopted. The scorer is plain Python (43 short documents
need no numpy); Korean is cut into syllable pairs, which needs no dictionary.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Callable

from supportscope.core.engine import Level, Question, Tree, resolve
from supportscope.core.matcher import Suggestion, suggest
from supportscope.core.tickettext import normalize
from supportscope.core.vocabulary import (
    DEFAULTS,
    INSTALLED_CHOICES,
    REQUEST_GROUPS,
    suggest_answers,
    upgrade,
)
from tests.accuracy import FILES, load, shipped_tree

HANGUL = re.compile(r"[가-힣]+")
PUNCTUATION = ".,:;()[]{}\"'"
K1, B = 1.2, 0.75


def tokens(text: str) -> list[str]:
    """Latin words as they are; Hangul as overlapping syllable pairs ("설치했" → 설치, 치했)."""
    out: list[str] = []
    for word in normalize(text).split():
        for run in HANGUL.findall(word):
            out += [run[i : i + 2] for i in range(max(1, len(run) - 1))]
        out += [part.strip(PUNCTUATION) for part in HANGUL.sub(" ", word).split()]
    return [token for token in out if token]


class BM25:
    def __init__(self, question: Question) -> None:
        self.docs: dict[str, Counter[str]] = {}
        for choice in question.choices:
            parts = [*dict(choice.label).values(), *dict(choice.description).values()]
            parts += [
                term.lstrip("~@") for _lang, terms in dict(choice.terms).items() for term in terms
            ]
            self.docs[choice.value] = Counter(tokens(" ".join(parts)))
        self.lengths = {key: sum(doc.values()) for key, doc in self.docs.items()}
        self.average = sum(self.lengths.values()) / len(self.docs)
        self.df = Counter(token for doc in self.docs.values() for token in doc)

    def rank(self, text: str) -> list[str]:
        query = Counter(tokens(text))
        count = len(self.docs)
        scores = {}
        for key, doc in self.docs.items():
            norm = K1 * (1 - B + B * self.lengths[key] / self.average)
            score = 0.0
            for token, times in query.items():
                if token in doc:
                    idf = math.log(1 + (count - self.df[token] + 0.5) / (self.df[token] + 0.5))
                    score += idf * doc[token] * (K1 + 1) / (doc[token] + norm) * min(times, 3)
            scores[key] = score
        return sorted(scores, key=lambda key: -scores[key])


def _grade(tree: Tree, ticket: dict[str, str], answers: dict[str, str]) -> tuple[str, bool]:
    result = resolve(tree, answers).result
    if result is None:
        return "open", False
    cited = set(result.citations)
    level = result.level.value == ticket["verdict"]
    right = (
        level
        and any(anchor.split("--")[0] == ticket["section"] for anchor in cited)
        and ("clause" not in ticket or ticket["clause"] in cited)
    )
    return ("right" if right else "wrong"), level


def _with_component(tree: Tree, text: str, value: str) -> dict[str, str]:
    """The rules' answers for the text with ``component`` fixed to ``value``: the walk
    reads every other question from the text as usual."""

    def fixed(answers: dict[str, str]) -> dict[str, str]:
        return {**upgrade(tree, answers)[0], "component": value}

    found = suggest(
        tree,
        text,
        priority_groups=REQUEST_GROUPS,
        defaults=DEFAULTS,
        upgrade=fixed,
        installed_choices=INSTALLED_CHOICES,
    )
    return found.answers


def strategies(tree: Tree, bm25: BM25) -> dict[str, Callable[[str, Suggestion], dict | None]]:
    def bm25_only(text: str, found: Suggestion) -> dict | None:
        return _with_component(tree, text, bm25.rank(text)[0])

    def veto(
        k: int, *, longer_than: int = 0, supported_only: bool = False
    ) -> Callable[[str, Suggestion], dict | None]:
        def check(text: str, found: Suggestion) -> dict | None:
            component = found.answers.get("component")
            if not component or len(normalize(text)) <= longer_than:
                return found.answers
            result = resolve(tree, found.answers).result
            if supported_only and (result is None or result.level is not Level.SUPPORTED):
                return found.answers
            return {} if component not in bm25.rank(text)[:k] else found.answers

        return check

    def tiebreak(text: str, found: Suggestion) -> dict | None:
        question = found.open_question
        if question is None or question.key != "component":
            return found.answers
        best = bm25.rank(text)[0]
        if best in [item.value for item in found.candidates[:2] if item.score > 0]:
            return _with_component(tree, text, best)
        return found.answers

    return {
        "rules": lambda text, found: found.answers,
        "bm25": bm25_only,
        "veto-3": veto(3),
        "veto-3>400": veto(3, longer_than=400),
        "veto-3-sup": veto(3, supported_only=True),
        "tiebreak": tiebreak,
    }


def main() -> int:
    tree = shipped_tree()
    bm25 = BM25(tree.questions["component"])
    tickets = {name: load(name) for name in FILES}
    found = {
        name: [suggest_answers(tree, ticket["text"]) for ticket in rows]
        for name, rows in tickets.items()
    }
    for label, strategy in strategies(tree, bm25).items():
        cells = []
        for name, rows in tickets.items():
            counts: Counter[str] = Counter()
            for ticket, suggestion in zip(rows, found[name], strict=True):
                answers = strategy(ticket["text"], suggestion) or {}
                grade, level = _grade(tree, ticket, answers)
                counts[grade] += 1
                counts["wrong level"] += grade == "wrong" and not level
            cells.append(
                f"{name.removesuffix('.toml')} {counts['right']}/{counts['wrong']}"
                f"/{counts['wrong level']}"
            )
        print(f"{label:<11} " + "  ".join(cells))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
