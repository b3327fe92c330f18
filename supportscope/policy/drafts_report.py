"""What a draft changes, compared with the live policy: its objects, and its impact.

The impact report lists every answer path whose verdict changes (before → after), the
paths whose citations change while the verdict stays, the paths that now need an extra
answer, and the parameter values that disappear (public contract: old links carrying
them get a notice). It is computed on engine trees, without touching the database's
policy rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from supportscope.core.engine import InvalidAnswer, Tree, resolve
from supportscope.policy import impact, revisions, serial
from supportscope.policy.editing.checks import check_records
from supportscope.policy.editing.live import live_records
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Draft


@dataclass(frozen=True)
class Changes:
    diffs: list[revisions.ObjectDiff]
    live_moved: list[str]  # objects changed live since the draft began


def _pk(key: str) -> int:
    ident = serial.split_ref(key)[1]
    return int(ident) if ident.isdigit() else 0


def object_diffs(before: serial.Records, after: serial.Records) -> list[revisions.ObjectDiff]:
    keys = [k for k in dict.fromkeys([*before, *after]) if before.get(k) != after.get(k)]
    keys.sort(key=lambda k: (serial.ORDER.index(serial.split_ref(k)[0]), k))
    return [
        revisions.object_diff(serial.split_ref(k)[0], _pk(k), before.get(k), after.get(k))
        for k in keys
    ]


def changes(draft: Draft) -> Changes:
    moved: list[str] = []
    if draft.state == Draft.OPEN:
        live = live_records()
        moved = sorted(
            serial.label(serial.split_ref(k)[0], live.get(k) or draft.base[k])
            for k in set(live) | set(draft.base)
            if live.get(k) != draft.base.get(k)
        )
    return Changes(object_diffs(draft.base, draft.records), moved)


@dataclass(frozen=True)
class CitationChange:
    query: str
    verdict: str
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class ExtraAnswer:
    query: str
    question: str


@dataclass(frozen=True)
class GoneValue:
    key: str
    value: str
    notice: bool  # recorded as retired: old links get a notice and the question again


@dataclass
class Impact:
    problems: list[str] = field(default_factory=list)
    verdicts: list[impact.Change] = field(default_factory=list)
    citations: list[CitationChange] = field(default_factory=list)
    extra_answers: list[ExtraAnswer] = field(default_factory=list)
    gone: list[GoneValue] = field(default_factory=list)
    token: str = ""
    live_moved: list[str] = field(default_factory=list)

    @property
    def publishable(self) -> bool:
        return not self.problems and not self.live_moved


def compare_trees(old: Tree, new: Tree, retired: set[tuple[str, str]]) -> Impact:
    report = Impact()
    report.verdicts = impact.compare(old, new)
    report.token = impact.fingerprint(report.verdicts)
    for path in impact.paths(old):
        try:
            outcome = resolve(new, dict(path.answers))
        except InvalidAnswer:
            continue  # a value that disappears: listed below
        if outcome.question is not None:
            report.extra_answers.append(ExtraAnswer(path.query, outcome.question.key))
        elif outcome.result is not None:
            before, after = path.result, outcome.result
            same = (before.level, [p.name for p in before.parts]) == (
                after.level,
                [p.name for p in after.parts],
            )
            if same and before.citations != after.citations:
                report.citations.append(
                    CitationChange(
                        path.query, after.base.name, tuple(before.citations), tuple(after.citations)
                    )
                )
    for key, question in old.questions.items():
        kept = new.questions.get(key)
        for value in question.values:
            if kept is None or value not in kept.values:
                report.gone.append(GoneValue(key, value, (key, value) in retired))
    return report


def impact_of(target: serial.Records, live: serial.Records) -> Impact:
    old = check_records(live)
    try:
        new = check_records(target)
    except EditRefused as refused:
        return Impact(problems=refused.problems)
    retired = {
        (r["question"], r["value"]) for k, r in target.items() if k.startswith("retiredanswer:")
    }
    return compare_trees(old, new, retired)


def draft_impact(draft: Draft) -> Impact:
    live = live_records()
    report = impact_of(draft.records, live)
    if draft.state == Draft.OPEN and live != draft.base:
        report.live_moved = changes(draft).live_moved
    return report
