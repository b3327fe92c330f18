"""A ranked retrieval score (BM25) for the first question, measured against the rules.

``python -m tests.retrieval`` prints, per corpus file, right / wrong / wrong level for:

* ``rules``: the suggester without its tie-breaker (``tie_breaker=False``);
* ``bm25``: the component with the best BM25 score over each choice's labels, help and
  terms (both languages), the rest of the path walked by the rules;
* ``veto-3``: the rules' answer, left open when their component is not among BM25's top 3
  (``>400``: on tickets over 400 characters only; ``-sup``: for supported verdicts only);
* ``tiebreak``: where the rules leave the component open, BM25's best if it is one of the
  rules' two best candidates;
* ``learned-fill-R``: where the rules leave the component open, the best of their first
  three candidates by a classifier trained on labelled tickets (``Learned``), when it is at
  least R times as probable as the next of them;
* ``learned-veto``: the rules' answer, left open on tickets over 400 characters when the
  classifier finds another component at least 3 times as probable as theirs;
* ``shipped``: the suggester as shipped (``learned-fill-1.5`` inside the walk, where the
  holds on a supported answer still apply, and the level model's doubt), read with the
  same out-of-fold models.

``python -m tests.retrieval --unlike`` prints instead, for each pair of the "unlike" hold's
settings (``tiebreak.UNLIKE_CHANCE``, ``doubts.NARROW_LEAD``), the right and wrong answers
it would leave open, read with the same models without the hold: on the working real files
(out of fold), then on the real holdouts.

The classifier is trained on every file but the holdouts, each ticket labelled with the
components from which its expected verdict can be reached, and the level model with each
ticket's level; a working ticket is scored by models trained without its fold (five folds
by position), a holdout ticket by ones trained on all the working files.

It is a measurement, not a part of the suggester: docs/accuracy.md gives the figures, why
no BM25 combination was adopted, and why the tie-breaker was. The scorers are plain Python
(43 short documents and about 1,100 tickets need no numpy); Korean is cut into syllable
pairs, which needs no dictionary.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Callable

from supportscope.core import tiebreak
from supportscope.core.doubts import CAUTIOUS_TEXT
from supportscope.core.engine import Level, Question, Tree, resolve
from supportscope.core.learned import Learned, LevelModel, chances, tokens
from supportscope.core.tickettext import normalize, normalize_ticket
from supportscope.core.vocabulary import read_ticket, suggest_answers
from supportscope.core.walk import Suggestion
from tests.accuracy import FILES, HOLDOUTS, load, shipped_tree
from tests.learn import QUESTION, labelled, levelled, ticket_words

K1, B = 1.2, 0.75


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


FOLDS = 5


# A ticket's text -> the tie-breaker and the level model to read it with.
Models = dict[str, tuple[Learned, LevelModel]]


def fold_models(tree: Tree, tickets: dict[str, list[dict[str, str]]]) -> Models:
    """Each ticket's text -> the tie-breaker and the level model to read it with: for a
    working ticket, ones trained without its fold (five folds by position among the working
    tickets); for a holdout ticket, ones trained on all the working files (as shipped)."""
    working = [name for name in tickets if name not in HOLDOUTS]
    rows = [(ticket, ticket_words(ticket["text"])) for name in working for ticket in tickets[name]]
    texts = [ticket["text"] for ticket, _found in rows]
    usable = {text: (found, answers) for text, found, answers in labelled(tree, rows)}
    levels_of = levelled(rows)
    found: Models = {}
    for fold in range(FOLDS):
        model = Learned.train(
            QUESTION,
            [usable[text] for i, text in enumerate(texts) if i % FOLDS != fold and text in usable],
        )
        levels = LevelModel.train(pair for i, pair in enumerate(levels_of) if i % FOLDS != fold)
        found.update((text, (model, levels)) for i, text in enumerate(texts) if i % FOLDS == fold)
    whole = (Learned.train(QUESTION, usable.values()), LevelModel.train(levels_of))
    for name in tickets:
        if name in HOLDOUTS:
            found.update((ticket["text"], whole) for ticket in tickets[name])
    return found


def _suggest(
    tree: Tree,
    text: str,
    learned: Learned | None = None,
    levels: LevelModel | None = None,
    **given: str,
) -> Suggestion:
    return read_ticket(tree, text, learned=learned, levels=levels, given=given)


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
    return _suggest(tree, text, component=value).answers


def strategies(
    tree: Tree, bm25: BM25, models: Models
) -> dict[str, Callable[[str, Suggestion], dict | None]]:
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

    def learned_fill(ratio: float) -> Callable[[str, Suggestion], dict | None]:
        def check(text: str, found: Suggestion) -> dict | None:
            question = found.open_question
            if question is None or question.key != "component" or found.held is not None:
                return found.answers
            first = [item.value for item in found.candidates[:3] if item.score > 0]
            likely = models[text][0].probabilities(ticket_words(text), first)
            probable = sorted(likely, key=lambda value: -likely[value])
            if len(probable) < 2 or likely[probable[0]] < ratio * likely[probable[1]]:
                return found.answers
            return _with_component(tree, text, probable[0])

        return check

    def learned_veto(text: str, found: Suggestion) -> dict | None:
        component = found.answers.get("component")
        if not component or len(normalize(text)) <= 400:
            return found.answers
        probable = models[text][0].probabilities(
            ticket_words(text), tree.questions[QUESTION].values
        )
        best = max(probable, key=lambda value: probable[value])
        vetoed = best != component and probable[best] >= 3 * probable.get(component, 0.0)
        return {} if vetoed else found.answers

    return {
        "rules": lambda text, found: found.answers,
        "bm25": bm25_only,
        "veto-3": veto(3),
        "veto-3>400": veto(3, longer_than=400),
        "veto-3-sup": veto(3, supported_only=True),
        "tiebreak": tiebreak,
        "learned-fill-1.25": learned_fill(1.25),
        "learned-fill-1.5": learned_fill(1.5),
        "learned-fill-2": learned_fill(2.0),
        "learned-fill-3": learned_fill(3.0),
        "learned-veto": learned_veto,
        "shipped": lambda text, found: _suggest(tree, text, *models[text]).answers,
    }


# The settings ``--unlike`` sweeps: the tie-breaker's chance of the answer below which, and
# the ratio of the answer's score plus one to the runner-up's plus one under which, a long
# ticket's supported answer is left open.
UNLIKE_CHANCES = (0.05, 0.1, 0.12, 0.15, 0.2)
NARROW_LEADS = (1.4, 1.6, 1.8, 2.0, 2.5)


def unlike_sweep(tree: Tree, tickets: dict[str, list[dict[str, str]]], models: Models) -> None:
    """Print, per (chance, lead) pair, the right / wrong answers the "unlike" hold would
    leave open: the real files' suggestions read with the out-of-fold models and without
    the hold, each answer it could apply to (supported, on a long ticket, not the
    tie-breaker's pick) with the tie-breaker's chance of it and its lead."""
    held: dict[bool, list[tuple[bool, float, float]]] = {False: [], True: []}
    saved, tiebreak.UNLIKE_CHANCE = tiebreak.UNLIKE_CHANCE, 0.0
    try:
        for name, rows in tickets.items():
            if not name.startswith("real-"):
                continue
            for ticket in rows:
                text = ticket["text"]
                learned, levels = models[text]
                found = _suggest(tree, text, learned, levels)
                grade, _level = _grade(tree, ticket, found.answers)
                chosen = found.chosen.get(QUESTION)
                result = resolve(tree, found.answers).result
                if (
                    grade == "open"
                    or chosen is None
                    or result is None
                    or result.level is not Level.SUPPORTED
                    or len(normalize_ticket(text).haystack) <= CAUTIOUS_TEXT
                    or any(note.kind == "learned" for note in chosen.notes)
                ):
                    continue
                runner_up = max((item.score for item in found.alternatives[QUESTION]), default=0)
                likely = chances(
                    learned.scores(ticket_words(text)), tree.questions[QUESTION].values
                )
                lead = (1 + chosen.score) / (1 + runner_up)
                held[name in HOLDOUTS].append(
                    (grade == "right", likely.get(chosen.value, 1.0), lead)
                )
    finally:
        tiebreak.UNLIKE_CHANCE = saved
    for holdout, label in ((False, "working real, out of fold"), (True, "real holdouts")):
        print(f"{label}: right / wrong left open, by the chance below and the lead under")
        print("chance  " + "".join(f"{lead:>10}" for lead in NARROW_LEADS))
        for chance in UNLIKE_CHANCES:
            cells = []
            for most in NARROW_LEADS:
                caught = [right for right, p, lead in held[holdout] if p < chance and lead < most]
                cells.append(f"{sum(caught)} / {len(caught) - sum(caught)}")
            print(f"{chance:<8}" + "".join(f"{cell:>10}" for cell in cells))


def main(argv: list[str]) -> int:
    tree = shipped_tree()
    bm25 = BM25(tree.questions["component"])
    tickets = {name: load(name) for name in FILES}
    if "--unlike" in argv:
        unlike_sweep(tree, tickets, fold_models(tree, tickets))
        return 0
    found = {
        name: [suggest_answers(tree, ticket["text"], tie_breaker=False) for ticket in rows]
        for name, rows in tickets.items()
    }
    models = fold_models(tree, tickets)
    for label, strategy in strategies(tree, bm25, models).items():
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
        print(f"{label:<16} " + "  ".join(cells))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
