"""The tie-breaker: where the words leave a choice open, the tickets a ticket reads like
decide. Pure: no Django imports.

``pick`` chooses among the first question's close candidates, the one the classifier
trained on labelled tickets (``core/learned.py``) finds clearly most likely; ``unasked``
gives the answers the engine never asks (``advice``) from the same classifier; ``likelier``
names a runner-up the ticket reads more like than the answer the words settled, and
``unlikely`` the level the level model finds likelier than the verdict's, and ``unlike``
the choice a ticket reads likeliest to be about when it reads little like the answer, which
the doubts (``core/doubts.py``) use to hold a verdict open; ``likeliest`` the choice an open first
question's list should not leave out. The holds for what the customer installed
or changed still apply to what the first two give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from supportscope.core.engine import Level, Question
from supportscope.core.learned import chances
from supportscope.core.ranking import Note, Ranked
from supportscope.core.reading import Reading, customer_installed, joins, reachable_levels

# The tie-breaker (``core/learned.py``) picks among this many of the first candidates, and
# only when the one it finds most likely is at least LEARNED_RATIO times as likely as the
# next of them. ``likelier`` names a runner-up only when the ticket reads at least
# READS_LIKE_RATIO times as much like past tickets about it as like those about the answer.
# Both set for the logistic regression (tenth session) on the working real files out of
# fold (``python -m tests.retrieval``), as the pair that adds the most right answers less
# three times the wrong ones: 12 and 3 give those files 45 right answers more than the
# naive Bayes model did at 1.5 and 1.15, with no wrong answer more and none more at the
# wrong level; 20 and 2 would give 5 more and 6 wrong fewer. The model's odds are far
# sharper than the naive Bayes model's: at 1.5 and 1.15 it added 103 right answers and 25
# wrong ones (docs/accuracy.md).
LEARNED_REACH = 3
LEARNED_RATIO = 12.0
READS_LIKE_RATIO = 3.0
# ``unlikely`` doubts a supported verdict that the level model gives less than this chance,
# and a verdict of another level less than LEVEL_FLOOR. Measured on every file, on tickets
# over 400 characters (docs/accuracy.md): a supported verdict below 0.3 on the real
# holdouts 7 wrong "supported" and 2 right answers; another level below 0.1, 5 wrong at the
# wrong level and 2 right. Below 0.3 for every level, 14 right answers for 19 wrong.
SUPPORTED_FLOOR = 0.3
LEVEL_FLOOR = 0.1
# Where the first question stays open, the choice the ticket reads likeliest to be about is
# listed after this many of the words' candidates when it is not among them. Measured on
# the open questions of the real files (docs/accuracy.md): the expected verdict under one of
# the first three listed went from 207 to 227 of 270 on the holdouts (words' first three
# and the classifier's pick fourth: 240, against 224 for the words' first four).
LIKELY_AFTER = 2
# ``unlike`` names the choice a ticket reads likeliest to be about when it gives the answer
# the words settled less than this chance over all the question's choices. With the doubts'
# narrow lead (``doubts.NARROW_LEAD``), set in the twelfth session as the pair that adds
# the most right answers less three times the wrong ones, out of fold on the working real
# files (``python -m tests.retrieval``): there 48 right and 34 wrong answers left open
# (0.1: 42 and 29), none of the wrong ones at the wrong level (docs/accuracy.md).
UNLIKE_CHANCE = 0.12


def pick(
    reading: Reading, answers: dict[str, str], question: Question, ranked: tuple[Ranked, ...]
) -> Ranked | None:
    """Of the close first candidates the rules leave open, the one the ticket reads most
    like, by the classifier trained on labelled tickets, if it is clearly so; with a note
    saying the words alone did not settle it (its ``detail``: the candidates it was
    weighed against, comma-separated)."""
    model = reading.learned
    if model is None or question.key != model.question:
        return None
    first = [item for item in ranked[:LEARNED_REACH] if item.score > 0]
    likely = chances(reading.learned_scores, [item.value for item in first])
    if len(likely) < 2:
        return None
    best, runner_up = sorted(likely.values(), reverse=True)[:2]
    if best < LEARNED_RATIO * runner_up:
        return None
    chosen = next(item for item in first if likely.get(item.value) == best)
    if (
        customer_installed(chosen, used=True)
        and chosen.value not in reading.installed_choices
        and Level.SUPPORTED
        in reachable_levels(reading.tree, {**answers, question.key: chosen.value})
    ):
        # its words name what the customer installed or runs ("our own KEDA, installed
        # with Helm"): a close call between their copy and the part AKS manages is the
        # engineer's, not a classifier's
        return None
    weighed = ",".join(value for value in likely if value != chosen.value)
    return replace(chosen, notes=(*chosen.notes, Note("learned", detail=weighed)))


def unasked(reading: Reading, answers: Mapping[str, str]) -> dict[str, Ranked]:
    """The answers to the modifiers of the verdict ``answers`` reach that the engine never
    asks (none of their overlays could lower it), each as the chosen item with a note: an
    answer is read as given when the ticket reads at least as much like past tickets about
    the first-step choice that stands for it (``how-to`` for ``advice=yes``) as like
    tickets about the choice made. Such an answer only adds a clause to cite, so the
    tie-breaker alone may give it."""
    model = reading.learned
    if model is None or not reading.stands_for or model.question not in answers:
        return {}
    made = answers[model.question]
    found: dict[str, Ranked] = {}
    for (key, value), (question, choice) in reading.stands_for.items():
        if question != model.question or choice == made:
            continue
        if not joins(reading.tree, answers, key, value):
            continue
        likely = chances(reading.learned_scores, [made, choice])
        if likely and likely[choice] >= likely[made]:
            found[key] = Ranked(value, 0.0, (), (Note("reads-like", detail=choice),))
    return found


def likelier(reading: Reading, key: str, chosen: Ranked, others: tuple[Ranked, ...]) -> str | None:
    """The candidate among the words' runners-up ``others`` (those with a score) that the
    ticket reads most like, by the classifier trained on labelled tickets, if it reads
    at least ``READS_LIKE_RATIO`` times as much like it as like ``chosen``, the answer the
    words settled; ``None`` when the classifier reads ``chosen`` likeliest, or does not
    know the question or these choices."""
    model = reading.learned
    if model is None or key != model.question:
        return None
    pool = [chosen.value, *(item.value for item in others if item.score > 0)]
    likely = chances(reading.learned_scores, pool)
    if chosen.value not in likely:
        return None
    best = max(likely, key=lambda value: likely[value])
    if best == chosen.value or likely[best] < READS_LIKE_RATIO * likely[chosen.value]:
        return None
    return best


def unlikely(reading: Reading, level: Level) -> Level | None:
    """The level tickets worded like this one most likely have, by the level model
    learned from labelled tickets, when it gives ``level`` less than its floor
    (``SUPPORTED_FLOOR``, ``LEVEL_FLOOR``); ``None`` otherwise, or without a model."""
    model = reading.levels
    if model is None:
        return None
    likely = model.probabilities(reading.word_counts)
    floor = SUPPORTED_FLOOR if level is Level.SUPPORTED else LEVEL_FLOOR
    if likely.get(level.value, 1.0) >= floor:
        return None
    return Level(max(likely, key=lambda value: likely[value]))


def unlike(reading: Reading, key: str, chosen: Ranked, *, below: float | None = None) -> str | None:
    """The choice of question ``key`` the ticket reads likeliest to be about, by the
    classifier trained on labelled tickets, when the ticket reads less than ``below``
    (``UNLIKE_CHANCE`` unless given; 1 asks only that another choice be likelier) like past
    tickets about ``chosen``, its chance over all the question's choices; ``None``
    otherwise, when ``chosen`` is itself the likeliest, or without a model for the
    question."""
    question = reading.tree.questions.get(key)
    likely = _over_all(reading, question) if question is not None else {}
    if likely.get(chosen.value, 1.0) >= (UNLIKE_CHANCE if below is None else below):
        return None
    best = max(likely, key=lambda value: likely[value])
    return None if best == chosen.value else best


def likeliest(reading: Reading, question: Question, listed: Sequence[Ranked]) -> str | None:
    """The choice of ``question`` the ticket reads likeliest to be about, by the classifier
    trained on labelled tickets, over all its choices, when it is not among the first
    ``LIKELY_AFTER`` of ``listed`` (the candidates an engineer is shown, best first);
    ``None`` otherwise, or without a model for the question."""
    likely = _over_all(reading, question)
    if not likely:
        return None
    best = max(likely, key=lambda value: likely[value])
    if best in (item.value for item in listed[:LIKELY_AFTER]):
        return None
    return best


def _over_all(reading: Reading, question: Question) -> dict[str, float]:
    """How likely each choice of ``question`` is for the ticket, over all the choices the
    classifier knows; empty without a model for the question."""
    model = reading.learned
    if model is None or question.key != model.question:
        return {}
    return chances(reading.learned_scores, question.values)
