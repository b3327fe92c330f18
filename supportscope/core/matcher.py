"""Walking the tree with a ticket's text. Pure: no Django imports.

``suggest`` reads a ticket (``core/tickettext.py``, ``core/layout.py``,
``core/installed.py``, ``core/changed.py``) and walks the tree from the start
(``core/walk.py``), answering every question whose choices ``core/ranking.py`` ranks
clearly enough and stopping at the first one it does not. A question is settled when its
best choice leads the next one by ``walk.MARGIN`` and by a factor of ``walk.RATIO`` (wider
on a long ticket); where two choices lead to a verdict of the same level, the ambiguity
does not matter (``walk._agreeing``); where the first question's best candidates stay
close, a classifier trained on labelled tickets may break the tie (``core/tiebreak.py``).
A "supported" verdict needs more: ``doubts.doubt`` (``core/doubts.py``) holds it open
when the customer installed or changed what it rests on, a close rival would not be
supported, or (on a long ticket) the words chose it narrowly and the ticket reads little
like past tickets about it; and a verdict of any level on a long ticket, when the ticket
reads like past tickets about a rival that would not reach its level, or is worded like
tickets of another level. Otherwise the ranked choices are returned for the engineer to
pick from. Where the text asks how to set up a part of AKS it also names,
``_part_asked_about`` answers the part instead, with the advice given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from supportscope.core import tiebreak
from supportscope.core.doubts import doubt, software_rival
from supportscope.core.engine import Tree, resolve
from supportscope.core.learned import Learned, LevelModel
from supportscope.core.ranking import Note, tree_words
from supportscope.core.reading import Reading, joins
from supportscope.core.textindex import TextIndex
from supportscope.core.tickettext import normalize_ticket
from supportscope.core.walk import NAMED_SOFTWARE, Held, Suggestion, levels_after, settled, walk


def suggest(
    tree: Tree,
    text: str,
    *,
    priority_groups: Iterable[str] = (),
    defaults: Mapping[str, str] | None = None,
    upgrade: Callable[[dict[str, str]], dict[str, str]] | None = None,
    installed_choices: Iterable[str] = (),
    software_choices: Iterable[str] = (),
    fallbacks: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    mechanisms: Mapping[str, re.Pattern[str]] | None = None,
    learned: Learned | None = None,
    stands_for: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    levels: LevelModel | None = None,
    owned_defaults: Mapping[str, Mapping[str, str]] | None = None,
    defaults_not_weighed: Iterable[str] = (),
    shared_projects: Mapping[str, tuple[frozenset[str], re.Pattern[str]]] | None = None,
    own_copies: Mapping[str, Mapping[str, tuple[str, re.Pattern[str]]]] | None = None,
) -> Suggestion:
    """Answer every question the text settles, from the start of the tree.

    Modifier questions (the release status) are read from the whole text up front,
    since the text may settle them before the path reaches them. ``defaults`` answers
    a question that the text does not mention at all (generally available is the
    usual release status); such answers are listed in ``assumed``. Of them,
    ``owned_defaults`` say the part that fails is AKS's own, and are not assumed where the
    text named the customer's software on a question already answered: the question is
    held open (``Held`` ``named-software``), the answer that names that software first.
    ``defaults_not_weighed`` are assumed for the ticket's own answers but not while
    weighing whether close contenders reach the same level (below). ``shared_projects``
    name, for a choice, the projects it stands for that customers also install on their
    own, with the words that say it is the managed one (``doubts._shared_project``);
    ``own_copies``, per question, a managed choice whose project customers also put up
    themselves, with the choice for their copy (``reading.with_own_copies``).
    ``upgrade`` applies the rewriting that old links get, so that the same facts give the
    same verdict whichever way they arrive.

    Where two choices match about equally, the text is ambiguous; but if following
    each of them (with the rest of the text) reaches a verdict of the same level, the
    ambiguity does not change the answer, and the best-ranked one is proposed with
    the others listed as alternatives.
    """
    read = normalize_ticket(text)
    reading = Reading(
        tree,
        read,
        tuple(priority_groups),
        defaults or {},
        upgrade,
        TextIndex.of(read),
        tuple(installed_choices),
        tree_words(tree),
        tuple(software_choices),
        fallbacks or {},
        mechanisms or {},
        learned,
        stands_for or {},
        levels,
        owned_defaults=owned_defaults or {},
        defaults_not_weighed=frozenset(defaults_not_weighed),
        shared_projects=shared_projects or {},
        own_copies=own_copies or {},
    )
    answers: dict[str, str] = {}
    evidence: dict[str, list[str]] = {}
    for key in tree.modifiers:
        ranked = reading.rank(tree.questions[key])
        if settled(ranked, long=reading.long):
            answers[key] = ranked[0].value
            evidence[key] = list(ranked[0].matched)
    found = walk(reading, answers, evidence, lookahead=True)
    held = doubt(reading, found, answers)
    if held is None:
        found = _part_asked_about(reading, answers, evidence, found)
        given = tiebreak.unasked(reading, found.answers)
        if not given:
            return _with_leads(reading, _with_likely(reading, found))
        return replace(
            found,
            answers={**found.answers, **{key: item.value for key, item in given.items()}},
            evidence={**found.evidence, **{key: [] for key in given}},  # no word gave it
            chosen={**found.chosen, **given},
        )
    kept = _rival_second(walk(reading, answers, evidence, lookahead=True, hold=held.question), held)
    if held.reason == "deployed":
        # The rival may have matched no word: it carries what the customer deployed.
        note = Note("installed", held.named, "daemonset")
        kept = replace(
            kept,
            candidates=tuple(
                replace(item, notes=(*item.notes, note)) if item.value == held.rival else item
                for item in kept.candidates
            ),
        )
    if held.reason == "installed":
        kept = _theirs_listed(reading, kept, held)
    return _with_leads(reading, _with_likely(reading, replace(kept, held=held)))


def _theirs_listed(reading: Reading, found: Suggestion, held: Held) -> Suggestion:
    """``found``, held open because the text says the customer installed the rival
    themselves ("## What version of Dapr? 1.13.2"), with the question's first choice for
    software of their own (open source first: ``Reading.software_choices``) listed right
    after the rival, with a note naming what they installed, where no word listed it: the
    engineer then sees both readings, AKS's add-on and their own copy."""
    question = found.open_question
    if question is None:
        return found
    target = software_rival(reading, question)
    if target is None or target in {item.value for item in found.listed()}:
        return found
    rival = next((item for item in found.candidates if item.value == held.rival), None)
    word = next(
        (note.word for note in (rival.notes if rival else ()) if note.kind == "installed"), ""
    )
    return _listed_after(found, target, Note("theirs", word), held.rival)


# Where the words match none of an open question's choices, each choice's verdicts are
# worked out if the question has at most this many (the CNI mode, the release status: "supported
# unless the cluster brings its own CNI"); the first question's 41 would cost about 3 ms.
EACH_CHOICE_MOST = 8


def _rival_second(found: Suggestion, held: Held) -> Suggestion:
    """``found``, the question ``held`` open, with the rival that raised the doubt listed
    right after the words' lead, where the ranking put it lower (a change choice raised by
    what the customer changed, a rival no word matched): the message names the two."""
    shown = [item.value for item in found.candidates]
    if held.rival not in shown or held.rival in shown[:2]:
        return found
    rival = next(item for item in found.candidates if item.value == held.rival)
    rest = [item for item in found.candidates if item.value != held.rival]
    return replace(found, candidates=(*rest[:1], rival, *rest[1:]))


def _with_likely(reading: Reading, found: Suggestion) -> Suggestion:
    """``found`` with the choice its ticket reads likeliest to be about, by the classifier
    (``tiebreak.likeliest``), listed among the open question's candidates after the words'
    first ``tiebreak.LIKELY_AFTER``, with a note, where it was not already there; not where
    the words matched no choice at all (the classifier's pick would then be a guess)."""
    question = found.open_question
    if question is None:
        return found
    shown = found.listed()
    value = tiebreak.likeliest(reading, question, shown) if shown else None
    if value is None:
        return found
    after = [other.value for other in shown if other.value != value][: tiebreak.LIKELY_AFTER]
    return _listed_after(found, value, Note("likely"), after[-1] if after else None)


def _listed_after(found: Suggestion, value: str, note: Note, after: str | None) -> Suggestion:
    """``found`` with the open question's candidate ``value`` given ``note`` and moved right
    after the candidate ``after`` (first, for none)."""
    item = next(item for item in found.candidates if item.value == value)
    item = replace(item, notes=(*item.notes, note))
    rest = [other for other in found.candidates if other.value != value]
    at = next((i + 1 for i, other in enumerate(rest) if other.value == after), 0)
    return replace(found, candidates=(*rest[:at], item, *rest[at:]))


def _with_leads(reading: Reading, found: Suggestion) -> Suggestion:
    """``found`` with, for each candidate of its open question an engineer is shown
    (``Suggestion.listed``), the levels of the verdicts it leads to; and
    for every choice, where the words matched none and the choices are few
    (``EACH_CHOICE_MOST``): what each answer would mean is then all the text can tell
    (so too where a usual answer was not assumed, ``NAMED_SOFTWARE``)."""
    question = found.open_question
    if question is None:
        return found
    shown = found.listed()
    # a usual answer not assumed: every answer, the one for the software named first
    named = found.held is not None and found.held.reason == NAMED_SOFTWARE
    every = (not shown or named) and len(found.candidates) <= EACH_CHOICE_MOST
    leads = {
        item.value: levels_after(reading, found.answers, question.key, item.value)
        for item in (found.candidates if every else shown)
    }
    return replace(found, leads=leads)


# The part must score at least this share of the question's words to stand in for it.
# Swept on every file: 0 to 0.5 give the same figures, 0.6 loses right answers; at 0.5 a part
# named by one weak word ("kubectl", beside "should we" and "statefulset") does not.
PART_SHARE = 0.5


def _part_asked_about(
    reading: Reading, answers: dict[str, str], evidence: dict[str, list[str]], found: Suggestion
) -> Suggestion:
    """A question about how to set up or tune a part of AKS that the text also names: where
    a question settles on the choice that stands for an answer the engine never asks
    (``how-to`` for ``advice=yes``), with a verdict of that answer's level and in no doubt,
    the best runner-up whose path reaches such a verdict listing the modifier is answered
    instead, with the modifier given (its words: those of the choice it replaces). The
    verdict then cites both the part and the advice; nothing is answered that would be
    in doubt (``found`` itself is not: ``suggest`` asks first)."""
    tree = reading.tree
    outcome = resolve(tree, found.answers)
    if outcome.result is None:
        return found
    for (key, value), (question, choice) in reading.stands_for.items():
        stood = found.chosen.get(question)
        if stood is None or stood.value != choice:
            continue
        for item in found.alternatives.get(question, ()):
            if item.score < PART_SHARE * stood.score:
                continue
            walked = walk(
                reading,
                {**answers, question: item.value},
                {**evidence, question: list(item.matched)},
                lookahead=True,
            )
            result = resolve(tree, walked.answers).result
            if result is None or result.level is not outcome.result.level:
                continue  # the part would change the level the question had
            if not joins(tree, walked.answers, key, value):
                continue  # its verdict does not take the answer (or the tree lacks it)
            asked = replace(stood, notes=(*stood.notes, Note("stands-for", detail=key)))
            others = (asked, *(a for a in found.alternatives[question] if a.value != item.value))
            part = replace(
                walked,
                answers={**walked.answers, key: value},
                evidence={**walked.evidence, key: list(stood.matched)},
                chosen={**walked.chosen, question: item, key: replace(stood, value=value)},
                alternatives={**walked.alternatives, question: others},
            )
            if doubt(reading, part, answers) is None:
                return part
    return found
