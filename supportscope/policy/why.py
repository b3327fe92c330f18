"""Why a choice that a ticket's text matched was not proposed, in the page's language.

The reader (``supportscope.core.matcher``) says what it discounted and why, as ``Note``s; this
turns them into sentences for the API and the proposals page, e.g. "kube-router: installed
by the customer (DaemonSet)".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.utils.translation import gettext as _

from supportscope.core.engine import Level
from supportscope.core.ranking import Note, Ranked
from supportscope.core.vocabulary import CNI_KEY, RELEASE_KEY
from supportscope.core.walk import LISTED_NOTES, NAMED_SOFTWARE, Held, Suggestion
from supportscope.policy.presenters import level_view


def _way(way: str) -> str:
    ways = {
        "helm": "Helm",
        "daemonset": "DaemonSet",
        "manifest": "kubectl apply",
        "operator": _("an operator"),
        "agent": _("an agent"),
    }
    return ways.get(way, "")


def note_text(note: Note) -> str:
    word = note.word
    if note.kind == "installed":
        way = _way(note.detail)
        if way:
            return _("%(word)s: installed by the customer (%(way)s)") % {"word": word, "way": way}
        return _("%(word)s: installed by the customer") % {"word": word}
    if note.kind == "runs":
        way = _way(note.detail)
        if way:
            return _("%(word)s: run by the customer (%(way)s)") % {"word": word, "way": way}
        return _("%(word)s: run by the customer") % {"word": word}
    if note.kind == "changed":
        return _("%(word)s: the customer says they changed it themselves (AKS manages it)") % {
            "word": word
        }
    if note.kind == "pasted":
        return _("%(word)s: named only in pasted output (logs, tables)") % {"word": word}
    if note.kind == "identifier":
        return _("%(word)s: only inside a URL, an image or a resource name") % {"word": word}
    if note.kind == "denied":
        return _("%(word)s: the text says it was not used or not done") % {"word": word}
    if note.kind == "asked":
        return _("%(word)s: the text asks whether to do it, not that it was done") % {"word": word}
    if note.kind == "looked":
        return _("%(word)s: the customer only looked; the text says nothing was changed") % {
            "word": word
        }
    if note.kind == "time":
        return _("the time the text states does not meet this choice's condition")
    if note.kind == "learned":
        return _(
            "the words alone match other choices about as well; the ticket reads most like "
            "past tickets about this one"
        )
    if note.kind == "stands-for":
        return _(
            "its words ask how to set up or tune it: read as a request for advice on the "
            "part proposed"
        )
    if note.kind == "likely":
        return _("the ticket as a whole reads most like past tickets about this one")
    if note.kind == "theirs":
        if word:
            return _("%(word)s: the customer says they installed it; their own copy is this") % {
                "word": word
            }
        return _("the customer says they installed it; their own copy is this")
    if note.kind == "reads-like":
        return _(
            "no word settles it: the ticket reads more like past tickets that ask for this "
            "than like tickets about the part it names"
        )
    return word


class Rivals:
    """Why each other choice ranked below ``lead`` (the proposed or best choice): what was
    discounted in its words, and, where it simply matched less, that it did (or, where the
    tie-breaker weighed the two, that the ticket reads more like past tickets about
    ``lead``; or, where the question was ``held`` open because the ticket reads more like
    the rival, or is worded like tickets at its level, or reads unlike ``lead`` and most
    like the rival, or names ``lead`` only in passing and reads likelier to be about the
    rival, that).

    The lines that name ``lead`` are translated once, when first needed, and shared by
    every rival: an open first question lists some forty of them. Make one per request
    (the active language is read when a line is first needed)."""

    def __init__(self, lead: Ranked | None, lead_label: str, held: Held | None = None) -> None:
        self.lead = lead
        self.label = {"label": lead_label}
        self.held = held
        self.weighed = frozenset(
            value
            for note in (lead.notes if lead is not None else ())
            if note.kind == "learned"
            for value in note.detail.split(",")
        )

    @cached_property
    def _unnamed(self) -> str:
        return _("no word names it")

    @cached_property
    def _closer(self) -> str:
        return (
            _(
                "about as close in words as %(label)s; the ticket reads more like past "
                "tickets about %(label)s"
            )
            % self.label
        )

    @cached_property
    def _fewer(self) -> str:
        return _("fewer or weaker words than %(label)s") % self.label

    @cached_property
    def _as_strong(self) -> str:
        return _("as strong as %(label)s: the engineer decides") % self.label

    def why(self, item: Ranked) -> list[str]:
        out = [note_text(note) for note in item.notes]
        if any(note.kind == "stands-for" for note in item.notes):
            return out  # it was not outranked: its words became the advice asked for
        if not item.score and any(note.kind in LISTED_NOTES for note in item.notes):
            return [self._unnamed, *out]  # listed for what the ticket reads like or says
        lead = self.lead
        if lead is not None and item.value != lead.value:
            held = self.held
            held_line = (
                _held_rival_line(held.reason, named=bool(item.score))
                if held is not None and held.rival == item.value
                else None
            )
            if held_line is not None:
                out.append(held_line % self.label)
            elif item.value in self.weighed:
                out.append(self._closer)
            elif item.score < lead.score:
                out.append(self._fewer)
            else:
                out.append(self._as_strong)
        return out


def _held_rival_line(reason: str, *, named: bool) -> str | None:
    """The line of a held question's rival that says why it was held for it (``reason``),
    with ``%(label)s`` for the words' lead; ``named``: some word of the text matched the
    rival. ``None`` for a reason whose rival is not listed for how the ticket reads."""
    if reason == "reads-like":
        return _(
            "fewer or weaker words than %(label)s, but the ticket as a whole reads "
            "more like past tickets about this one"
        )
    if reason == "unlike":
        return (
            _(
                "fewer or weaker words than %(label)s, but the ticket reads most like "
                "past tickets about this one, and little like those about %(label)s"
            )
            if named
            else _(
                "no word names it, but the ticket reads most like past tickets about "
                "this one, and little like those about %(label)s"
            )
        )
    if reason == "thin":
        return (
            _(
                "fewer or weaker words than %(label)s, but the ticket as a whole "
                "reads likelier to be about this one"
            )
            if named
            else _(
                "no word names it, but the ticket as a whole reads likelier to be "
                "about this one than about %(label)s"
            )
        )
    if reason == "level":
        return _(
            "fewer or weaker words than %(label)s, but tickets worded like this one "
            "more often get its level of support"
        )
    if reason == "release":
        return _(
            "fewer or weaker words than %(label)s, but the text says a preview is "
            "involved, which that answer never asks about"
        )
    if reason == NAMED_SOFTWARE:
        return _("the project the text names may be the customer's own copy rather than %(label)s")
    return None


def shared_level(found: Suggestion) -> Level | None:
    """The one level of support that both the words' lead and the rival of the held
    question lead to, the text read on (``Suggestion.leads``), where they do: the question
    was then held for the clause to cite, not for the level. ``None`` without a hold,
    where the rival is the lead itself, or where either may lead to more than one level."""
    if found.held is None or not found.candidates:
        return None
    lead = found.candidates[0].value
    if lead == found.held.rival:
        return None
    levels = found.leads.get(lead, frozenset())
    if len(levels) != 1 or found.leads.get(found.held.rival) != levels:
        return None
    return next(iter(levels))


def held_text(
    held: Held,
    rival_label: str,
    candidates: Iterable[Ranked] = (),
    lead_label: str = "",
    same_level: Level | None = None,
) -> str:
    """Why a question the text settles was left open: the supported verdict it led to is
    in doubt (``doubts.doubt``). ``rival_label`` is the label of ``held.rival``,
    ``lead_label`` that of the answer the words settled (the first candidate);
    ``candidates`` (the open question's, ranked) let it name what the customer installed
    or runs ("linkerd 2.14") rather than only the choice it points to; ``same_level``,
    the level both lead to where it is one (``shared_level``), is said at the end."""
    why = _held_reason(held, rival_label, candidates, lead_label)
    if same_level is None:
        return why
    both = _("Either answer leads to “%(level)s”; only the clause cited differs.") % {
        "level": level_view(same_level).label
    }
    return f"{why} {both}"


def _held_reason(
    held: Held, rival_label: str, candidates: Iterable[Ranked], lead_label: str
) -> str:
    label = {"label": rival_label}
    named = held.named or next(
        (
            note.word
            for item in candidates
            if item.value == held.rival
            for note in item.notes
            if note.kind in ("installed", "runs")
        ),
        "",
    )
    if held.reason == "rival-installed" and named:
        return _(
            "Left open: the customer says they installed or run %(named)s themselves "
            "(“%(label)s”), and that may not be supported. Pick what the ticket is "
            "really about."
        ) % {"named": named, **label}
    if held.reason == "deployed":
        return _(
            "Left open: the customer says they installed %(named)s, which runs on every "
            "node as a DaemonSet of their own and may be what fails (“%(label)s”). Pick "
            "what the ticket is really about."
        ) % {"named": held.named, **label}
    if held.reason == "installed":
        return (
            _(
                "Left open: the text points to “%(label)s”, but says the customer installed it "
                "themselves. Microsoft supports what AKS manages; check which one this is."
            )
            % label
        )
    if held.reason == "rival-installed":
        return (
            _(
                "Left open: the customer says they installed or run “%(label)s” themselves, "
                "and that may not be supported. Pick what the ticket is really about."
            )
            % label
        )
    if held.reason == "reads-like":
        return _(
            "Left open: the words point to “%(lead)s”, but the ticket as a whole reads more "
            "like past tickets about “%(label)s”, which the policy puts at another level of "
            "support. Pick what the ticket is really about."
        ) % {"lead": lead_label, **label}
    if held.reason == "unlike":
        return _(
            "Left open: the words point to “%(lead)s”, but only narrowly, and the ticket "
            "reads little like past tickets about it; it reads most like tickets about "
            "“%(label)s”. Pick what the ticket is really about."
        ) % {"lead": lead_label, **label}
    if held.reason == "thin":
        return _(
            "Left open: this long ticket names “%(lead)s” only in passing (one or two plain "
            "words, or words in pasted logs or commands), too little to decide on; the "
            "ticket as a whole reads likelier to be about “%(label)s”. Pick what the ticket "
            "is really about."
        ) % {"lead": lead_label, **label}
    if held.reason == "level":
        return _(
            "Left open: the words point to “%(lead)s”, but tickets worded like this one "
            "rarely get that level of support under the policy, and “%(label)s”, which the "
            "words also name, would get another. Pick what the ticket is really about."
        ) % {"lead": lead_label, **label}
    if held.reason == "named-software":
        return _(
            "Left open: the text names %(named)s, which the customer may have installed "
            "themselves (“%(label)s”), so the part that fails is not assumed to be AKS's "
            "own. Check who installed it."
        ) % {"named": held.named, **label}
    if held.reason == "release":
        return _(
            "Left open: the words point to “%(lead)s”, which the policy supports whatever "
            "the release status, but the text says a preview is involved; a preview "
            "feature gets best-effort support only (“%(label)s”). Check what is in preview."
        ) % {"lead": lead_label, **label}
    if held.reason == "changed":
        return (
            _(
                "Left open: the customer says they changed resources that AKS manages "
                "(“%(label)s”). Check whether the ticket is about that change."
            )
            % label
        )
    return (
        _(
            "Left open: “%(label)s” matches almost as well and would not be supported. "
            "Pick what the ticket is really about."
        )
        % label
    )


def assumed_text(key: str, label: str) -> str:
    """Why the usual answer ``label`` was taken for question ``key``, which the text never
    mentions."""
    if key == RELEASE_KEY:
        return _(
            "Assumed: the text names no preview, feature flag, beta or alpha feature, and "
            "generally available is the usual case."
        )
    if key == CNI_KEY:
        return _(
            "Assumed: the text names no CNI of the customer's own (BYOCNI, flannel, Calico, "
            "Cilium they installed), and every CNI that AKS manages leads to the same verdict "
            "as “%(choice)s”."
        ) % {"choice": label}
    return _("Assumed: the text says nothing about it, and “%(choice)s” is the usual case.") % {
        "choice": label
    }
