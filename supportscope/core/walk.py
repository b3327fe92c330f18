"""The walk: answering every question a ticket's text settles, from the start of the
tree (for ``suggest``, ``core/matcher.py``). Pure: no Django imports.

The walk answers every question whose choices ``core/ranking.py`` ranks clearly enough and
stops at the first one it does not. A question is settled when its best choice leads the
next one by ``MARGIN`` and by a factor of ``RATIO`` (``LONG_MARGIN``, ``LONG_RATIO`` on a
long ticket); where two choices lead to a verdict of the same level, the ambiguity does not
matter (``_agreeing``); an open question may take the choice that stands for a settled
modifier's case (``_fallback``); where the first question's best candidates stay close, a
classifier trained on labelled tickets may break the tie (``core/tiebreak.py``).
``Suggestion`` is what it finds; ``Held``, why a question the text settles was left open
(``core/doubts.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from supportscope.core import tiebreak
from supportscope.core.engine import Level, Question, resolve
from supportscope.core.ranking import Ranked
from supportscope.core.reading import Reading, customer_installed, reachable_levels

MARGIN = 0.5
# The best choice must also outscore the runner-up by this factor: two choices with
# 2.5 and 2 points are a coin flip, whatever the margin says.
RATIO = 1.25


# The reason of a hold where a usual answer (AKS's own) is not assumed: ``_theirs_named``.
NAMED_SOFTWARE = "named-software"


@dataclass(frozen=True, slots=True)
class Held:
    """A question left open although the text settles it, because the supported verdict
    it leads to (or may lead to, with a later question open) is in doubt, or a verdict of
    any level the ticket reads unlike (``reads-like``, ``level``; ``doubts.doubt``):
    ``rival`` is the choice that raised the doubt (the answer itself, for ``installed``),
    ``reason`` one of ``installed``, ``rival-installed``, ``changed``, ``close``,
    ``deployed``, ``reads-like``, ``level``, ``unlike``, ``thin``, or ``named-software`` (a
    usual answer not assumed: ``walk._theirs_named``); ``named`` what the customer
    installed, deployed or named, as written, where no candidate's note says it."""

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
    # per candidate of the open question the words matched (and a held rival), the levels
    # of the verdicts it leads to, the text read on from there (``matcher.suggest``)
    leads: dict[str, frozenset[Level]] = field(default_factory=dict)

    def listed(self) -> tuple[Ranked, ...]:
        """The open question's candidates an engineer is shown, best first: those the words
        matched, the held rival, the choice the ticket reads likeliest to be about
        (``likely``) and the choice for the customer's own software where the text says they
        installed the rival (``theirs``), which may have matched none."""
        rival = self.held.rival if self.held is not None else None
        return tuple(
            item
            for item in self.candidates
            if item.score > 0
            or item.value == rival
            or any(note.kind in LISTED_NOTES for note in item.notes)
        )


# Notes that list a candidate no word matched (``Suggestion.listed``).
LISTED_NOTES = frozenset({"likely", "theirs"})


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


def walk(
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
    unassumed: Held | None = None  # a usual answer not assumed (``_theirs_named``)
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
        # whose next question asks which), which support does not take. So is the question
        # that asks which of their software it is, once the first answer says it is theirs
        # (not inside an agreement check of the first question: there a later question is
        # read as strictly as before, or the first question would settle more easily).
        long = (
            reading.long
            and not _theirs_leads(reading, ranked)
            and not (lookahead and _which_of_theirs(reading, answers))
        )
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
        elif (
            ranked[0].score <= 0
            and question.key in reading.defaults
            and (lookahead or question.key not in reading.defaults_not_weighed)
        ):
            unassumed = _theirs_named(reading, question, chosen_items, alternatives)
            if unassumed is not None:
                rival = unassumed.rival  # first, the rest in their order (a stable sort)
                candidates = tuple(sorted(ranked, key=lambda item: item.value != rival))
                open_question = question
                break
            answers[question.key] = reading.defaults[question.key]
            evidence[question.key] = []
            assumed.append(question.key)
        else:
            open_question, candidates = question, ranked
            break
    evidence = {key: words for key, words in evidence.items() if key in answers}
    chosen_items = {key: item for key, item in chosen_items.items() if key in answers}
    return Suggestion(
        answers,
        evidence,
        open_question,
        candidates,
        tuple(assumed),
        alternatives,
        chosen_items,
        held=unassumed,
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


# The least score of a choice for the customer's software that keeps "AKS's own" from being
# assumed (``_theirs_named``): one plain term, a product's name.
THEIRS_NAMED = 1.0


def _theirs_named(
    reading: Reading,
    question: Question,
    chosen: Mapping[str, Ranked],
    alternatives: Mapping[str, tuple[Ranked, ...]],
) -> Held | None:
    """Why ``question``'s usual answer (AKS's own) is not assumed, if it is one of
    ``owned_defaults`` and a question already answered ranked a choice for the customer's
    software (one that entry maps to an answer of ``question``) on a word said in the
    customer's own lines ("our istio"), not only in pasted output or an identifier: who
    installed the part that fails is then for the engineer to say. The rival is the answer
    that names that software."""
    naming = reading.owned_defaults.get(question.key)
    if not naming:
        return None
    for key, item in chosen.items():
        for ranked in (item, *alternatives.get(key, ())):
            rival = naming.get(ranked.value)
            if rival is None or rival not in question.values or ranked.score < THEIRS_NAMED:
                continue
            discounted = {
                note.word for note in ranked.notes if note.kind in ("pasted", "identifier")
            }
            word = next((word for word in ranked.matched if word not in discounted), None)
            if word is not None:
                return Held(question.key, rival, NAMED_SOFTWARE, word)
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
# cost two right ones. Not asked of the question that follows the customer's own software
# (which open-source tool, which ingress controller: ``_which_of_theirs``): the first answer
# already says the text is about it, and the tools mostly share a verdict. Measured in the
# sixteenth session: the working real files 15 right answers more and one at the right
# level with another clause; the real holdouts 6 right and 2 such answers more; the raw
# reports 9 right more, 2 wrong "supported" fewer (docs/accuracy.md).
AGREE_EVIDENCE = 2.5


def _which_of_theirs(reading: Reading, answers: Mapping[str, str]) -> bool:
    """Whether the first question is answered with a choice for the customer's own
    software (open source, a vendor's, an ingress controller): the questions after it ask
    which one it is (and, for an ingress controller AKS manages, its release status)."""
    return answers.get(reading.tree.first_key) in reading.installed_choices


def _agreeing(
    reading: Reading,
    answers: dict[str, str],
    evidence: dict[str, list[str]],
    question: Question,
    ranked: tuple[Ranked, ...],
) -> Ranked | None:
    """The best choice, if every choice about as good leads to a verdict of one level
    and, on a long ticket, the best has ``AGREE_EVIDENCE`` (unless the question asks which
    of the customer's own software it is)."""
    best = ranked[0].score
    theirs = _which_of_theirs(reading, answers)
    if reading.long and best < AGREE_EVIDENCE and not theirs:
        return None
    contenders = [
        item
        for item in ranked
        if item.score > 0 and not clearly_ahead(best, item.score, long=reading.long)
    ]
    levels = set()
    for item in contenders:
        after = walk(reading, {**answers, question.key: item.value}, evidence, lookahead=False)
        outcome = resolve(reading.tree, after.answers)
        if outcome.result is None:
            return None
        levels.add(outcome.result.level)
    if len(levels) != 1:
        return None
    if theirs:
        # Which of their software: the one the text says they run or installed ("the
        # Strimzi operator … installed with its Helm chart" is Strimzi, not Helm).
        named = [item for item in contenders if customer_installed(item, used=True)]
        if len(named) == 1:
            return named[0]
    return ranked[0]


def levels_after(
    reading: Reading, answers: Mapping[str, str], key: str, value: str
) -> frozenset[Level]:
    """The levels of the verdicts reachable when ``key`` is answered ``value``, with the
    other ``answers`` and the text read on from there as the walk reads it (``lookahead``:
    close choices that agree on a level settle the question; without it, a customer's
    Crossplane read as open source of an unsettled project could still be the supported
    Azure integration, and a close supported answer was not doubted)."""
    before = {k: v for k, v in answers.items() if k != key}
    after = walk(reading, {**before, key: value}, {}, lookahead=True)
    return reachable_levels(reading.tree, after.answers)
