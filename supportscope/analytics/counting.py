"""What one request counts: plain functions over the compiled policy, no database.

An *event* is ``(kind, subject, value)``; the tally adds the day and the policy revision.
Every event is built from answers that the live compiled tree accepts (the same reading
as the triage page: ``read_params``), so a crafted URL can neither create a key nor
count an answer that the tree does not offer.

Page views are told apart by the page the engineer came from: the ``Referer`` of a
triage step is the triage step before it (the app sends ``Referrer-Policy: same-origin``),
so the answer given on that step is the one answer that differs. The header is read in
memory to pick the events and never kept. Without it (a link from a ticket form, a
bookmark, another site) the page is an entry: a *start*, and every answer it carries
counts once.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict

from supportscope.core.engine import resolve
from supportscope.policy.querystring import BadParameter, read_params
from supportscope.policy.snapshot import Snapshot
from supportscope.policy.steps import used_answers

Event = tuple[str, str, str]  # (kind, subject, value)

START = "start"  # the first step shown, or a triage page entered from elsewhere
ANSWER = "answer"  # subject: question key, value: the answer given (``unknown`` included)
SHOWN = "shown"  # a question page shown (subject: question key)
VERDICT = "verdict"  # subject: verdict name, value: its level (after overlays)
DEPENDS = "depends"  # an outcome that depends on a "don't know" (subject: that question)
CHANGE = "change"  # a "Change" of an answer (subject: question key)
PROPOSAL = "proposal"  # a ticket-text proposal: value ``accepted`` or ``changed``
FEEDBACK = "feedback"  # "did this answer the ticket?": subject verdict, value yes/no
KINDS = (START, ANSWER, SHOWN, VERDICT, DEPENDS, CHANGE, PROPOSAL, FEEDBACK)

ACCEPTED = "accepted"
CHANGED = "changed"
HELPED = ("yes", "no")
# Query keys of pages that show a step again rather than take one: not counted.
NOT_A_STEP = ("q", "feedback")


def _answers(query: QueryDict, snapshot: Snapshot) -> dict[str, str] | None:
    try:
        return read_params(query, snapshot, "en").answers
    except BadParameter:
        return None


def page_events(
    snapshot: Snapshot, query: QueryDict, previous: QueryDict | None
) -> tuple[Event, ...]:
    """The events of one triage page view.

    ``previous`` is the query of the triage page the engineer came from (an empty one
    for the proposals page), or None when they came from elsewhere.
    """
    if any(key in query for key in NOT_A_STEP):
        return ()
    answers = _answers(query, snapshot)
    if answers is None:
        return ()  # a 400 page
    before = _answers(previous, snapshot) if previous is not None else None
    if previous is not None and before is None:
        before = {}  # came from a 400 page: a step of the same triage
    outcome = resolve(snapshot.tree, answers)
    events: list[Event] = []
    if before is None or not answers:
        events.append((START, "", ""))
    seen = before or {}
    for key, value in used_answers(outcome):
        if answers.get(key) == value and seen.get(key) != value:
            events.append((ANSWER, key, value))
    if outcome.question is not None:
        key = outcome.question.key
        events.append((SHOWN, key, ""))
        if _removed(before, answers) == key:
            events.append((CHANGE, key, ""))
    elif outcome.result is not None:
        events.append((VERDICT, outcome.result.base.name, outcome.result.level.value))
    elif outcome.depends_on is not None:
        events.append((DEPENDS, outcome.depends_on.key, ""))
    return tuple(events)


def _removed(before: Mapping[str, str] | None, answers: Mapping[str, str]) -> str | None:
    """The one answer taken away since the page before (what a "Change" link does)."""
    if before is None or len(before) != len(answers) + 1:
        return None
    gone = [key for key in before if key not in answers]
    if len(gone) != 1 or any(before.get(key) != value for key, value in answers.items()):
        return None
    return gone[0]


def proposal_events(snapshot: Snapshot, query: QueryDict) -> tuple[Event, ...]:
    """Each proposal of the ticket-text page, taken as it was or changed.

    ``proposed`` lists the proposals as ``key:value`` pairs, comma-separated; the other
    keys are the answers the engineer confirmed. Pairs the tree does not know are ignored.
    """
    answers = _answers(query, snapshot)
    if answers is None:
        return ()
    events: dict[str, Event] = {}
    for part in query.get("proposed", "").split(",")[: len(snapshot.tree.questions)]:
        key, _sep, value = part.partition(":")
        question = snapshot.tree.questions.get(key)
        if question is None or value not in question.values or key in events:
            continue
        events[key] = (PROPOSAL, key, ACCEPTED if answers.get(key) == value else CHANGED)
    return tuple(events.values())


def feedback_event(snapshot: Snapshot, data: QueryDict) -> Event | None:
    """A yes or no for the verdict that ``data``'s answers reach, or None if they reach none."""
    helped = data.get("helped")
    answers = _answers(data, snapshot)
    if helped not in HELPED or answers is None:
        return None
    outcome = resolve(snapshot.tree, answers)
    if outcome.result is None:
        return None
    return (FEEDBACK, outcome.result.base.name, str(helped))
