"""From a ticket's text to proposed answers: the page that the paste box on /triage/ posts to.

The text is read once, in the POST body, and goes no further: not into the database, a
log line or a link. The engineer confirms or changes the proposals, and the form leads by
GET to the usual triage steps with the answers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from supportscope.core.engine import Tree, pick, resolve
from supportscope.core.ranking import Ranked
from supportscope.core.vocabulary import MAX_TICKET_CHARS, suggest_answers
from supportscope.core.walk import NAMED_SOFTWARE, Suggestion
from supportscope.policy.presenters import LevelView, choice_label, current_lang, level_view
from supportscope.policy.querystring import read_carry, triage_url
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.steps import ChoiceView, choice_view, shown_words
from supportscope.policy.triage import respond
from supportscope.policy.why import Rivals, assumed_text, held_text, note_text, shared_level


@dataclass(frozen=True)
class ReasonedChoice(ChoiceView):
    """A choice the text matched, with why it was not proposed (or what its words show),
    and the level it leads to where the text settles that (``Suggestion.leads``)."""

    why: tuple[str, ...] = ()
    leads: LevelView | None = None


@dataclass(frozen=True)
class Proposal:
    """One question the text settles: the proposed choice, why, and the other choices."""

    key: str
    question: str
    value: str
    label: str
    matched: list[str]
    assumed: str  # where the text says nothing and the usual answer was taken: why
    options: list[ChoiceView]  # the proposed choice first, then those the text also matched
    also: list[ReasonedChoice]  # the other choices that the text matched, best first
    why: tuple[str, ...] = ()  # what the reader noted about the proposal's words


@dataclass(frozen=True)
class OpenQuestion:
    key: str
    question: str
    candidates: list[ReasonedChoice]  # ranked; only those the text matched (and the rival)
    held: str = ""  # why a question the text settles was left open (why.held_text)
    # where the text matched no choice: every choice, with the level it leads to where the
    # rest of the text settles that (``Suggestion.leads``), in the question's order
    each: list[ReasonedChoice] = field(default_factory=list)


def proposal_rows(tree: Tree, found: Suggestion, lang: str) -> list[Proposal]:
    rows = []
    for key, value in found.answers.items():
        question = tree.questions[key]
        matched_first = [value] + [item.value for item in found.alternatives.get(key, ())]
        order = matched_first + [v for v in question.values if v not in matched_first]
        words = {item.value: item.matched for item in found.alternatives.get(key, ())}
        words[value] = tuple(found.evidence.get(key, ()))
        options = [
            ChoiceView(v, choice_label(question, v, lang), "", words.get(v, ())) for v in order
        ]
        chosen = found.chosen.get(key)
        ranked = {item.value: item for item in found.alternatives.get(key, ())}
        label = choice_label(question, value, lang)
        rivals = Rivals(chosen, label)
        rows.append(
            Proposal(
                key=key,
                question=pick(question.text, lang),
                value=value,
                label=label,
                matched=list(shown_words(tuple(found.evidence.get(key, ())), lang)),
                assumed=assumed_text(key, label) if key in found.assumed else "",
                options=options,
                also=[
                    ReasonedChoice(
                        o.value,
                        o.label,
                        "",
                        shown_words(o.matched, lang),
                        tuple(rivals.why(ranked[o.value])) if o.value in ranked else (),
                    )
                    for o in options[1:]
                    if o.matched
                ],
                why=tuple(note_text(note) for note in chosen.notes) if chosen else (),
            )
        )
    return rows


def open_question(found: Suggestion, lang: str) -> OpenQuestion | None:
    question = found.open_question
    if question is None:
        return None
    lead = found.candidates[0] if found.candidates else None
    lead_label = choice_label(question, lead.value, lang) if lead is not None else ""
    held = found.held if found.held is not None and found.held.question == question.key else None
    rivals = Rivals(lead, lead_label, held)
    candidates = []
    for item in found.listed():
        view = choice_view(question, item, lang)
        why = [note_text(note) for note in item.notes] if item is lead else rivals.why(item)
        candidates.append(ReasonedChoice(**vars(view), why=tuple(why), leads=_single(found, item)))
    each = []
    if (
        held is not None
        and held.reason == NAMED_SOFTWARE
        and not any(item.matched for item in found.candidates)
    ):
        candidates = []  # no word matched any: every answer, the one held for first
    if not candidates and found.leads:
        each = [
            ReasonedChoice(**vars(choice_view(question, item, lang)), leads=_single(found, item))
            for item in found.candidates
        ]
    return OpenQuestion(
        key=question.key,
        question=pick(question.text, lang),
        candidates=candidates,
        each=each,
        held=held_text(
            held,
            choice_label(question, held.rival, lang),
            found.candidates,
            lead_label,
            shared_level(found),
        )
        if held
        else "",
    )


def _single(found: Suggestion, item: Ranked) -> LevelView | None:
    """The level ``item`` leads to, where the text settles it to one."""
    leads = found.leads.get(item.value, frozenset())
    return level_view(next(iter(leads))) if len(leads) == 1 else None


@csrf_exempt  # reading a text changes nothing; no token means no cookie and no session
@require_POST
def proposals(request: HttpRequest) -> HttpResponse:
    """Read a pasted ticket (POST body only) and propose answers for the engineer to check.

    The text is neither stored nor logged, nor put in any link: the page carries only
    the proposed answers, in a GET form that leads to the usual triage steps.
    """
    snapshot = get_snapshot()
    lang = current_lang()
    carry = read_carry(request.GET, strict=False)
    try:
        text = request.POST.get("text", "")
        too_big = False
    except RequestDataTooBig:
        text, too_big = "", True
    context: dict[str, Any] = {
        "snapshot": snapshot,
        "nav": "triage",
        "carry": carry,
        "start_url": triage_url({}, carry),
        "max_chars": MAX_TICKET_CHARS,
        # The page answers a POST and keeps no text: switching language leads to the
        # proposed answers (or the first step) as a GET page instead.
        "lang_switch_url": triage_url({}, carry),
    }
    error = ""
    if too_big:
        error = _("The text is far too long to read: at most %(max)s characters are read.") % {
            "max": MAX_TICKET_CHARS
        }
    elif not text.strip():
        error = _("Paste the text of the ticket first.")
    elif len(text) > MAX_TICKET_CHARS:
        error = _(
            "The text has %(count)s characters; at most %(max)s are read. "
            "Paste the part that describes the problem."
        ) % {"count": len(text), "max": MAX_TICKET_CHARS}
    if error:
        context["error"] = error
        response = respond(request, "triage/proposals.html", context, carry, 400)
    else:
        found = suggest_answers(snapshot.tree, text)
        outcome = resolve(snapshot.tree, found.answers)
        context.update(
            proposals=proposal_rows(snapshot.tree, found, lang),
            open=open_question(found, lang),
            complete=outcome.complete,
            confirm_url=triage_url(found.answers, carry),
            lang_switch_url=triage_url(found.answers, carry),
        )
        response = respond(request, "triage/proposals.html", context, carry)
    response["Cache-Control"] = "no-store"
    return response
