"""What a triage step shows: the question with its choices, or the verdict with its
citations, or the branches of a verdict that depends on an unknown answer.

Plain view models built from the compiled snapshot and the outcome of the engine; the
views in ``triage`` render them, the embed's events and the receipt are made from them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from supportscope.core.engine import (
    UNKNOWN,
    Level,
    Outcome,
    Question,
    Result,
    Tree,
    pick,
    resolve,
)
from supportscope.core.ranking import Ranked
from supportscope.core.rendering import render_markdown
from supportscope.core.stepfilter import filter_choices, filter_question
from supportscope.core.tickettext import HANGUL
from supportscope.core.vocabulary import Change, asked_since
from supportscope.policy import embed_messages, presenters
from supportscope.policy.presenters import (
    LevelView,
    choice_label,
    current_lang,
    level_view,
    levels_text,
    result_hash,
    results_of,
    verdict_stamp,
)
from supportscope.policy.querystring import Params, triage_url
from supportscope.policy.snapshot import Snapshot

FILTER_THRESHOLD = 8  # questions with more choices than this get a type-to-filter box


def max_remaining(tree: Tree, answers: Mapping[str, str]) -> int:
    """How many more questions the longest way from these answers to a verdict asks."""
    outcome = resolve(tree, answers)
    if outcome.question is None:
        return 0
    key = outcome.question.key
    return 1 + max(
        max_remaining(tree, {**answers, key: value}) for value in outcome.question.values
    )


@dataclass(frozen=True)
class ChoiceView:
    value: str
    label: str
    description: str
    matched: tuple[str, ...] = ()  # the words of a filter or a ticket that found it


@dataclass(frozen=True)
class GroupView:
    key: str
    label: str
    choices: list[ChoiceView]


@dataclass(frozen=True)
class QuestionView:
    key: str
    text: str
    help: str
    groups: list[GroupView]
    unknown: ChoiceView | None
    filterable: bool
    query: str = ""
    matches: list[ChoiceView] | None = None  # ranked, when a filter query was given
    match_key: str = ""  # the question the matches answer (the one the first groups)


@dataclass(frozen=True)
class AnswerRow:
    key: str
    question: str
    value: str
    label: str
    change_url: str
    # a question the engine never asks (``advice``): its link removes the answer
    removes: bool = False


@dataclass(frozen=True)
class CitationView:
    anchor: str
    title: str
    quote_html: SafeString
    quote_text: str
    policy_url: str
    official_url: str


@dataclass(frozen=True)
class VerdictView:
    level: LevelView
    rationale: list[str]  # Markdown, for the receipt
    make_supported: list[str]
    citations: list[CitationView]
    rationale_html: list[SafeString] = field(default_factory=list)
    make_supported_html: list[SafeString] = field(default_factory=list)
    exception: bool = False  # supported, on the strength of an exception to an exclusion


@dataclass(frozen=True)
class DependsRow:
    """One combination of the answers that were "don't know", and its verdict."""

    cells: list[str]  # one label per column; "" where this combination does not ask it
    values: list[tuple[str, str]]
    headers: list[str]  # the column headers again, to label each cell on a narrow screen
    choose_url: str
    level: LevelView
    reason: int  # the number of the reason (a distinct verdict) below the table


@dataclass(frozen=True)
class Reason:
    number: int
    verdict: VerdictView


@dataclass(frozen=True)
class DependsView:
    questions: list[str]  # the column headers: the questions answered "don't know"
    rows: list[DependsRow]
    reasons: list[Reason]


@dataclass(frozen=True)
class Notice:
    # "changed", "unchanged", "citations", "unknown", "incomplete", "retired", "renamed",
    # "asked-since"
    kind: str
    text: str


@dataclass
class Step:
    """Everything one triage page shows."""

    answers: list[AnswerRow]
    unused: list[AnswerRow]
    hidden: list[tuple[str, str]] = field(default_factory=list)
    question: QuestionView | None = None
    step: int = 0
    max_steps: int = 0
    verdict: VerdictView | None = None
    depends: DependsView | None = None
    permalink: str = ""
    receipt: str = ""
    notice: Notice | None = None

    @property
    def segments(self) -> list[str]:
        """One state per step for the progress bar: done, current, then to do."""
        return ["done"] * (self.step - 1) + ["current"] + ["todo"] * (self.max_steps - self.step)


def question_view(tree: Tree, question: Question, lang: str, query: str = "") -> QuestionView:
    labels = {group.key: pick(group.label, lang) for group in tree.groups}
    groups: dict[str | None, list[ChoiceView]] = {}
    for choice in question.choices:
        groups.setdefault(choice.group, []).append(
            ChoiceView(choice.value, pick(choice.label, lang), pick(choice.description, lang))
        )
    unknown = (
        ChoiceView(
            UNKNOWN, choice_label(question, UNKNOWN, lang), _("Show how the verdict depends on it.")
        )
        if question.allow_unknown
        else None
    )
    first = question.key == tree.nodes[tree.start].question
    filterable = first or len(question.choices) > FILTER_THRESHOLD
    matches = None
    searched = filter_question(tree) if first else question
    if first and query:
        matches = [
            choice_view(searched, item, lang)
            for item in filter_choices(tree, query)
            if item.score > 0
        ]
    return QuestionView(
        key=question.key,
        text=pick(question.text, lang),
        help=pick(question.help, lang),
        groups=[
            GroupView(key or "", labels.get(key or "", ""), items) for key, items in groups.items()
        ],
        unknown=unknown,
        filterable=filterable,
        query=query if filterable else "",
        matches=matches,
        match_key=searched.key,
    )


def shown_words(words: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """The matched words worth showing: once each, and on an English page no Korean
    label or term (a Korean page shows both, as Korean tickets use English names)."""
    out: dict[str, str] = {}
    for word in words:
        if lang != "ko" and HANGUL.search(word):
            continue
        out.setdefault(word.casefold(), word)
    return tuple(out.values()) or words[:1]


def choice_view(question: Question, item: Ranked, lang: str) -> ChoiceView:
    choice = question.choice(item.value)
    assert choice is not None  # noqa: S101 - ranked values are the question's own
    return ChoiceView(
        choice.value,
        pick(choice.label, lang),
        pick(choice.description, lang),
        shown_words(item.matched, lang),
    )


EXCLUSIONS_SECTION = "unsupported-scenarios"


@functools.lru_cache(maxsize=2048)
def markdown_html(text: str) -> SafeString:
    """Admin-written Markdown (`code`, emphasis, links) as sanitized HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 - render_markdown sanitizes


def verdict_view(snapshot: Snapshot, result: Result, lang: str) -> VerdictView:
    cited = []
    # The page quotes each cited list item with its lead-in ("… include:"), so that every
    # quote stands on its own; the API keeps the clauses as they are.
    leads = dict(presenters.quoted(snapshot, result.citations, lang))
    for item in presenters.citations(snapshot, result, lang):
        if item["clause"] not in leads:
            continue  # a lead-in, quoted with its item
        clause = snapshot.clauses[item["clause"]]
        html = clause.html.get(lang) or clause.html["en"]
        text = item["quote"]
        lead_anchor = leads[item["clause"]]
        if lead_anchor:
            lead = snapshot.clauses[lead_anchor]
            html = (lead.html.get(lang) or lead.html["en"]) + html
            text = f"{pick(lead.text, lang).rstrip()} … {text}"
        cited.append(
            CitationView(
                anchor=item["clause"],
                title=item["title"],
                quote_html=mark_safe(html),  # noqa: S308 - sanitized when the clause was saved
                quote_text=text,
                policy_url=item["url"],
                official_url=item["official_url"],
            )
        )
    rationale = presenters.rationale(result, lang)
    make_supported = result.make_supported(lang)
    sections = {anchor.split("--")[0] for anchor in result.citations}
    return VerdictView(
        level=level_view(result.level),
        rationale=rationale,
        make_supported=make_supported,
        citations=cited,
        rationale_html=[markdown_html(text) for text in rationale],
        make_supported_html=[markdown_html(text) for text in make_supported],
        # Supported on the strength of an exception to an exclusion: the page says so,
        # unless the rationale already opens by saying it.
        exception=result.level is Level.SUPPORTED
        and sections == {EXCLUSIONS_SECTION}
        and not any(word in (rationale or [""])[0][:80] for word in ("exception", "예외")),
    )


def _combinations(
    outcome: Outcome, path: tuple[tuple[str, str], ...]
) -> list[tuple[tuple[tuple[str, str], ...], Result]]:
    """Every way through the "don't know" answers: the values chosen, and the result."""
    if outcome.result is not None:
        return [(path, outcome.result)]
    question = outcome.depends_on
    assert question is not None  # noqa: S101 - complete outcomes have a result or branches
    out = []
    for value, branch in outcome.branches:
        out += _combinations(branch, (*path, (question.key, value)))
    return out


def depends_view(snapshot: Snapshot, outcome: Outcome, params: Params, lang: str) -> DependsView:
    tree = snapshot.tree
    combinations = _combinations(outcome, ())
    keys = list(dict.fromkeys(key for path, _result in combinations for key, _value in path))
    reasons: dict[tuple[str, ...], Reason] = {}
    headers = [pick(tree.questions[key].text, lang) for key in keys]
    rows = []
    for path, result in combinations:
        identity = tuple(part.name for part in result.parts)
        if identity not in reasons:
            reasons[identity] = Reason(len(reasons) + 1, verdict_view(snapshot, result, lang))
        chosen = dict(path)
        rows.append(
            DependsRow(
                cells=[
                    choice_label(tree.questions[key], chosen[key], lang) if key in chosen else ""
                    for key in keys
                ],
                values=list(path),
                headers=headers,
                choose_url=triage_url({**params.answers, **chosen}, params.carry),
                level=level_view(result.level),
                reason=reasons[identity].number,
            )
        )
    return DependsView(
        questions=headers,
        rows=rows,
        reasons=list(reasons.values()),
    )


def used_answers(outcome: Outcome) -> list[tuple[str, str]]:
    """The answers an outcome used, with those its "don't know" branches went on to use."""
    pairs = dict(outcome.answers)
    for _value, branch in outcome.branches:
        for key, value in used_answers(branch):
            pairs.setdefault(key, value)
    return list(pairs.items())


def answer_rows(
    tree: Tree, pairs: list[tuple[str, str]], params: Params, lang: str
) -> list[AnswerRow]:
    rows = []
    unasked = tree.unasked_modifiers()
    for key, value in pairs:
        question = tree.questions[key]
        # Changing a group (``topic``) also drops the answer that implies it.
        dropped = {key, tree.grouping.get(key, key)}
        given = {**params.answers, **dict(pairs)}  # with the answers a later one implied
        rest = {k: v for k, v in given.items() if k not in dropped}
        rows.append(
            AnswerRow(
                key=key,
                question=pick(question.text, lang),
                value=value,
                label=choice_label(question, value, lang),
                change_url=triage_url(rest, params.carry),
                removes=key in unasked,
            )
        )
    return rows


def rev_notice(snapshot: Snapshot, outcome: Outcome, params: Params) -> Notice | None:
    retired = " ".join(
        _("The answer “%(label)s” (%(key)s=%(value)s) is no longer offered; answer the "
          "question again.") % {"label": label, "key": key, "value": value}
        for key, value, label in params.retired
    )  # fmt: skip
    notice = _policy_notice(snapshot, outcome, params)
    if not retired:
        return notice
    return Notice("retired", retired + (" " + notice.text if notice else ""))


def _policy_notice(snapshot: Snapshot, outcome: Outcome, params: Params) -> Notice | None:
    if params.fp is not None:  # the content fingerprint travels between instances
        if params.fp == snapshot.fingerprint:
            return None
        changed = _("The policy has changed since this link was made.")
    elif params.rev is None or params.rev >= snapshot.revision:
        return None
    else:
        changed = _(
            "The policy has changed since this link was made (revision %(old)s; now %(new)s)."
        ) % {"old": params.rev, "new": snapshot.revision}
    if not outcome.complete:
        return Notice(
            "incomplete",
            changed
            + " "
            + _("These answers no longer reach a verdict: answer the question below."),
        )
    if params.was is None:
        return Notice(
            "unknown",
            changed
            + " "
            + _("The link does not say what the verdict was then; compare with the ticket."),
        )
    now = outcome.levels
    if now == params.was:
        if params.res is not None and params.res != result_hash(outcome):
            return Notice(
                "citations",
                changed
                + " "
                + _("The verdict is the same (%(level)s), but the clauses it cites changed.")
                % {"level": levels_text(now)},
            )
        return Notice(
            "unchanged",
            changed + " " + _("The verdict is the same: %(level)s.") % {"level": levels_text(now)},
        )
    return Notice(
        "changed",
        changed
        + " "
        + _("The verdict changed: it was %(old)s, it is now %(new)s.")
        % {"old": levels_text(params.was), "new": levels_text(now)},
    )


def asked_since_notice(tree: Tree, outcome: Outcome, params: Params, lang: str) -> Notice | None:
    """Say why an old link stops at a question: the tree asks one more fact there now."""
    question = outcome.question
    if question is None or not asked_since(params.answers, question.key):
        return None
    return Notice(
        "asked-since",
        _(
            "Since this link was made, the tree asks one more fact on this path before "
            "the verdict: “%(question)s” Answer it below."
        )
        % {"question": pick(question.text, lang)},
    )


def vocabulary_notice(changes: tuple[Change, ...]) -> Notice | None:
    """Say so when a link's old answers were read as today's (see vocabulary.py)."""
    if not changes:
        return None
    # A merged value brings the fact that told it apart: shown with it, joined by "&".
    items: list[str] = []
    for c in changes:
        if c.old or not items:
            items.append(f"{c.key}={c.old} \u2192 {c.key}={c.new}")
        else:
            items[-1] += f"&{c.key}={c.new}"
    parts = ", ".join(items)
    return Notice(
        "renamed",
        _(
            "This link uses older answers, read as today's: %(changes)s. "
            "The permalink below uses the new ones."
        )
        % {"changes": parts},
    )


def receipt_text(step: Step, levels: frozenset[Level], revision: int, absolute: Any) -> str:
    """The plain-text (Markdown) receipt to paste into a ticket, in the page's language."""
    labelled = "{}: {}".format
    if step.depends is not None:
        headline = _("SupportScope verdict: %(levels)s, depending on %(questions)s") % {
            "levels": levels_text(levels),
            "questions": "; ".join(step.depends.questions),
        }
    else:
        headline = labelled(_("SupportScope verdict"), levels_text(levels))
    lines = ["**" + headline + "**", ""]
    lines.append(_("Answers:"))
    lines += [f"- {row.question} {row.label} (`{row.key}={row.value}`)" for row in step.answers]
    lines.append("")
    if step.verdict is not None:
        lines.append(labelled(_("Why"), " ".join(step.verdict.rationale)))
        if step.verdict.make_supported:
            make = " ".join(step.verdict.make_supported)
            lines.append(labelled(_("What would make this supported"), make))
        citations = step.verdict.citations
    else:
        assert step.depends is not None  # noqa: S101 - a complete outcome has one or the other
        lines.append(_("The verdict depends on answers not known yet:"))
        for row in step.depends.rows:
            values = ", ".join(f"`{key}={value}`" for key, value in row.values)
            lines.append(f"- {values}: {row.level.label}")
        citations = list(
            {c.anchor: c for r in step.depends.reasons for c in r.verdict.citations}.values()
        )
    lines += ["", _("Citations:")]
    for citation in citations:
        quote = " ".join(citation.quote_text.split())
        lines.append(f"- {citation.title}: \u201c{quote}\u201d")
        lines.append(f"  {absolute(citation.policy_url)}")
        lines.append("  " + labelled(_("Official page"), citation.official_url))
    lines += [
        "",
        labelled(_("Permalink"), step.permalink),
        labelled(_("Policy revision"), revision),
    ]
    return "\n".join(lines)


def build_step(request: HttpRequest, snapshot: Snapshot, params: Params, outcome: Outcome) -> Step:
    tree = snapshot.tree
    lang = current_lang()
    used = used_answers(outcome)
    used_keys = {key for key, _value in used}
    unused = [(k, v) for k, v in params.answers.items() if k not in used_keys]
    step = Step(
        answers=answer_rows(tree, used, params, lang),
        unused=answer_rows(tree, unused, params, lang),
        notice=rev_notice(snapshot, outcome, params)
        or vocabulary_notice(params.changes)
        or asked_since_notice(tree, outcome, params, lang),
    )
    if outcome.question is not None:
        step.question = question_view(tree, outcome.question, lang, params.query)
        # The answers of the link, with those a later one implied (``topic``), so the
        # next step's address is the same whichever way this one was reached.
        given = {**dict(outcome.answers), **params.answers, **params.carry}
        step.hidden = [(k, v) for k, v in given.items() if k != outcome.question.key]
        step.step = len(used) + 1
        step.max_steps = len(used) + max_remaining(tree, params.answers)
        return step
    if outcome.result is not None:
        step.verdict = verdict_view(snapshot, outcome.result, lang)
    else:
        step.depends = depends_view(snapshot, outcome, params, lang)
    step.step = step.max_steps = len(used)
    permalink = triage_url(
        dict(used),
        {
            **({"lang": params.carry["lang"]} if "lang" in params.carry else {}),
            **verdict_stamp(snapshot, outcome),
        },
    )
    step.permalink = request.build_absolute_uri(permalink)
    step.receipt = receipt_text(step, outcome.levels, snapshot.revision, request.build_absolute_uri)
    return step


def embed_event(step: Step, outcome: Outcome, revision: int) -> dict[str, Any]:
    """What the embed tells its host page about this step (see embed_messages)."""
    answers = {row.key: row.value for row in step.answers}
    if outcome.question is not None:
        return embed_messages.step_event(answers, outcome.question.key)
    return embed_messages.verdict_event(
        verdict=outcome.result.level.value if outcome.result else None,
        answers=answers,
        citations=list(dict.fromkeys(c for r in results_of(outcome) for c in r.citations)),
        revision=revision,
        permalink=step.permalink,
        receipt=step.receipt,
        branches=None
        if outcome.result
        else [
            (dict(path), result.level.value, result.citations)
            for path, result in _combinations(outcome, ())
        ],
    )


# -- responses ------------------------------------------------------------------
