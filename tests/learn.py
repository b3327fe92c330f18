"""Train the models learned from labelled tickets (``supportscope/core/learned.py``): the
tie-breaker among close first answers and the level model.

``python -m tests.learn`` (``make learned``) trains both on every ticket file except the
holdouts and writes ``supportscope/core/learned.tsv`` and ``levels.tsv``; ``--check`` only
says whether the shipped files are what training gives now (``tests/test_learned.py`` runs
it). Run it after adding or relabelling tickets.

For the tie-breaker, each ticket is labelled with the first answers from which its expected
verdict can be reached (``tests.accuracy.reaches``); a ticket reached from more than
``MOST_ANSWERS`` of them (one that says little about which) is left out. For the level
model, each ticket is labelled with its expected level.
"""

from __future__ import annotations

import sys
from collections import Counter

from supportscope.core.engine import Tree
from supportscope.core.learned import LEVELS_SHIPPED, SHIPPED, Learned, LevelModel, words
from supportscope.core.tickettext import normalize_ticket
from tests.accuracy import FILES, HOLDOUTS, load, reachable, right, shipped_tree

QUESTION = "component"  # the first step's question (the one ``topic`` groups)
MOST_ANSWERS = 5


def ticket_words(text: str) -> Counter[str]:
    """A ticket's words as the suggester counts them for its tie-breaker."""
    return words(normalize_ticket(text).haystack)


# A ticket as loaded, with its words as the reader has them (``ticket_words``).
Counted = list[tuple[dict[str, str], Counter[str]]]


def counted(names: tuple[str, ...]) -> Counted:
    """Each ticket of ``names`` with its words, counted once for both models."""
    return [(ticket, ticket_words(ticket["text"])) for name in names for ticket in load(name)]


def labelled(tree: Tree, tickets: Counted) -> list[tuple[str, Counter[str], tuple[str, ...]]]:
    """(text, its words, the answers that reach its verdict) for each of ``tickets`` that
    some answers, but not too many, reach."""
    question = tree.questions[QUESTION]
    # the verdicts each answer reaches, found once for every ticket
    results = {value: tuple(reachable(tree, {QUESTION: value})) for value in question.values}
    out = []
    for ticket, found in tickets:
        answers = tuple(
            value
            for value in question.values
            if any(right(result, ticket) for result in results[value])
        )
        if 0 < len(answers) <= MOST_ANSWERS:
            out.append((ticket["text"], found, answers))
    return out


def levelled(tickets: Counted) -> list[tuple[Counter[str], str]]:
    """(words, expected level) for each of ``tickets``: what the level model learns from."""
    return [(found, ticket["verdict"]) for ticket, found in tickets]


def training_files() -> tuple[str, ...]:
    return tuple(name for name in FILES if name not in HOLDOUTS)


def trained(tickets: Counted) -> Learned:
    usable = labelled(shipped_tree(), tickets)
    return Learned.train(QUESTION, [(found, answers) for _text, found, answers in usable])


def main(argv: list[str]) -> int:
    tickets = counted(training_files())
    files = (
        (SHIPPED, trained(tickets).to_text()),
        (LEVELS_SHIPPED, LevelModel.train(levelled(tickets)).to_text()),
    )
    if "--check" in argv:
        stale = [
            path
            for path, text in files
            if (path.read_text(encoding="utf-8") if path.exists() else "") != text
        ]
        for path in stale:
            print(f"{path} is out of date: run python -m tests.learn", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
