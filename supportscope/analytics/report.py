"""The staff dashboard's figures: plain functions from the counters to what the page shows.

Everything is read from ``Counter`` rows summed over a period (the last N days, UTC) and
optionally one policy revision. Question texts and the tree map come from the live tree;
counters of keys it no longer has still appear in the tables and the CSV, by key.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet, Sum

from supportscope.analytics.counting import (
    ANSWER,
    CHANGE,
    DEPENDS,
    FEEDBACK,
    PROPOSAL,
    SHOWN,
    START,
    VERDICT,
)
from supportscope.analytics.models import Counter
from supportscope.core.engine import UNKNOWN, Level, Tree, pick
from supportscope.policy.presenters import LevelView, level_view
from supportscope.policy.querystring import BadParameter
from supportscope.policy.treemap import MapLeaf, MapNode, TreeMap

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30
SHOWN_ROWS = 10
HEAT_STEPS = 5  # heat-0 (none) to heat-4 (the busiest)

Totals = Mapping[tuple[str, str, str], int]


@dataclass(frozen=True)
class Selection:
    days: int
    revision: int | None
    start: date
    end: date

    def query(self) -> str:
        return f"days={self.days}" + (f"&revision={self.revision}" if self.revision else "")


def revisions_counted() -> list[int]:
    found = Counter.objects.values_list("revision", flat=True).distinct().order_by("-revision")
    return list(found)


def select(query: Mapping[str, str], revisions: list[int], today: date) -> Selection:
    """The period and revision a GET asks for, or ``BadParameter`` naming the bad value."""
    days_text = query.get("days") or str(DEFAULT_PERIOD)
    if days_text not in {str(p) for p in PERIODS}:
        raise BadParameter("days", days_text, [(str(p), str(p)) for p in PERIODS])
    revision_text = query.get("revision") or ""
    revision = None
    if revision_text:
        if revision_text not in {str(r) for r in revisions}:
            allowed = [("", ""), *((str(r), str(r)) for r in revisions)]
            raise BadParameter("revision", revision_text, allowed)
        revision = int(revision_text)
    days = int(days_text)
    return Selection(days, revision, today - timedelta(days=days - 1), today)


def rows(selection: Selection) -> QuerySet[Counter]:
    found = Counter.objects.filter(day__gte=selection.start, day__lte=selection.end)
    if selection.revision is not None:
        found = found.filter(revision=selection.revision)
    return found


def totals(selection: Selection) -> dict[tuple[str, str, str], int]:
    summed = rows(selection).values("kind", "subject", "value").annotate(total=Sum("n"))
    return {(row["kind"], row["subject"], row["value"]): row["total"] for row in summed}


def by_day(selection: Selection, kinds: tuple[str, ...]) -> dict[str, dict[date, int]]:
    out: dict[str, dict[date, int]] = {kind: {} for kind in kinds}
    summed = rows(selection).filter(kind__in=kinds).values("day", "kind").annotate(total=Sum("n"))
    for row in summed:
        out[row["kind"]][row["day"]] = row["total"]
    return out


def _sum(counts: Totals, kind: str, subject: str | None = None) -> int:
    return sum(
        n for (k, s, _v), n in counts.items() if k == kind and (subject is None or s == subject)
    )


# -- tables -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    starts: int
    verdicts: int
    depends: int
    yes: int
    no: int

    @property
    def yes_rate(self) -> float | None:
        return self.yes / (self.yes + self.no) if self.yes + self.no else None


def summary(counts: Totals) -> Summary:
    return Summary(
        starts=_sum(counts, START),
        verdicts=_sum(counts, VERDICT),
        depends=_sum(counts, DEPENDS),
        yes=sum(n for (k, _s, v), n in counts.items() if k == FEEDBACK and v == "yes"),
        no=sum(n for (k, _s, v), n in counts.items() if k == FEEDBACK and v == "no"),
    )


@dataclass(frozen=True)
class VerdictRow:
    name: str
    levels: list[LevelView]
    reached: int
    yes: int
    no: int

    @property
    def yes_rate(self) -> float | None:
        return self.yes / (self.yes + self.no) if self.yes + self.no else None


def verdict_rows(counts: Totals, limit: int = SHOWN_ROWS) -> list[VerdictRow]:
    """The verdicts with feedback, the lowest share of "yes" first (then the most "no")."""
    reached: dict[str, int] = defaultdict(int)
    levels: dict[str, set[str]] = defaultdict(set)
    answers: dict[str, dict[str, int]] = defaultdict(lambda: {"yes": 0, "no": 0})
    for (kind, subject, value), n in counts.items():
        if kind == VERDICT:
            reached[subject] += n
            levels[subject].add(value)
        elif kind == FEEDBACK and value in ("yes", "no"):
            answers[subject][value] += n
    out = [
        VerdictRow(
            name=name,
            levels=[level_view(level) for level in Level if level.value in levels[name]],
            reached=reached[name],
            yes=given["yes"],
            no=given["no"],
        )
        for name, given in answers.items()
    ]
    out.sort(key=lambda row: (row.yes_rate or 0.0, -row.no, row.name))
    return out[:limit]


@dataclass(frozen=True)
class QuestionRow:
    key: str
    question: str
    total: int  # answers given (unknown rates), or pages shown (stops)
    part: int  # "don't know" answers, changes, or stops

    @property
    def rate(self) -> float | None:
        return self.part / self.total if self.total else None


def _text(tree: Tree, key: str, lang: str) -> str:
    question = tree.questions.get(key)
    return pick(question.text, lang) if question is not None else ""


def _by_subject(counts: Totals, kind: str, value: str | None = None) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for (k, subject, v), n in counts.items():
        if k == kind and (value is None or v == value):
            out[subject] += n
    return out


def unknown_rows(
    counts: Totals, tree: Tree, lang: str, limit: int = SHOWN_ROWS
) -> list[QuestionRow]:
    """The questions answered "don't know" most often, as a share of their answers."""
    given = _by_subject(counts, ANSWER)
    unknown = _by_subject(counts, ANSWER, UNKNOWN)
    out = [QuestionRow(key, _text(tree, key, lang), given[key], n) for key, n in unknown.items()]
    out.sort(key=lambda row: (-(row.rate or 0.0), -row.part, row.key))
    return out[:limit]


def stop_rows(counts: Totals, tree: Tree, lang: str, limit: int = SHOWN_ROWS) -> list[QuestionRow]:
    """Where people stopped without a verdict: a question shown more often than answered."""
    shown = _by_subject(counts, SHOWN)
    answered = _by_subject(counts, ANSWER)
    out = [
        QuestionRow(key, _text(tree, key, lang), n, n - answered[key])
        for key, n in shown.items()
        if n > answered[key]
    ]
    out.sort(key=lambda row: (-row.part, row.key))
    return out[:limit]


@dataclass(frozen=True)
class ActionRow:
    key: str
    question: str
    changes: int
    accepted: int
    changed: int


def action_rows(counts: Totals, tree: Tree, lang: str) -> list[ActionRow]:
    """ "Change" clicks and ticket-text proposals taken or changed, by question."""
    keys = sorted({s for (k, s, _v) in counts if k in (CHANGE, PROPOSAL)})
    out = [
        ActionRow(
            key=key,
            question=_text(tree, key, lang),
            changes=counts.get((CHANGE, key, ""), 0),
            accepted=counts.get((PROPOSAL, key, "accepted"), 0),
            changed=counts.get((PROPOSAL, key, "changed"), 0),
        )
        for key in keys
    ]
    out.sort(key=lambda row: (-(row.changes + row.changed), row.key))
    return out


# -- charts (SVG geometry; the template draws it) ------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    css: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    peak: int
    labels: list[str] = field(default_factory=list)  # dates under the axis, evenly spread


def days(selection: Selection) -> list[date]:
    return [selection.start + timedelta(days=i) for i in range(selection.days)]


def daily_chart(selection: Selection, series: Mapping[str, Mapping[date, int]]) -> Chart:
    """Side-by-side bars per day, one per series (``css`` names it), scaled to the peak."""
    width, height, bottom = 720, 180, 0
    dates = days(selection)
    peak = max([n for counts in series.values() for n in counts.values()] + [1])
    slot = width / len(dates)
    bar = max(slot / (len(series) + 1), 0.5)
    bars = []
    for i, day in enumerate(dates):
        for j, (css, counts) in enumerate(series.items()):
            value = counts.get(day, 0)
            h = (height - bottom) * value / peak
            bars.append(
                Bar(
                    x=round(i * slot + j * bar, 2),
                    y=round(height - bottom - h, 2),
                    width=round(bar, 2),
                    height=round(h, 2),
                    value=value,
                    label=day.isoformat(),
                    css=css,
                )
            )
    labels = [dates[0].isoformat(), dates[len(dates) // 2].isoformat(), dates[-1].isoformat()]
    return Chart(width, height, bars, peak, labels)


def level_chart(counts: Totals, depends_label: str) -> Chart:
    """One horizontal bar per verdict level, and one for outcomes that depend on an answer."""
    width, row = 400, 30
    by_level = {level.value: 0 for level in Level}
    for (kind, _subject, value), n in counts.items():
        if kind == VERDICT and value in by_level:
            by_level[value] += n
    values = [
        (level_view(level).label, f"bar-{level.value}", by_level[level.value]) for level in Level
    ]
    values.append((depends_label, "bar-depends", _sum(counts, DEPENDS)))
    peak = max([n for _l, _c, n in values] + [1])
    left = 175
    bars = [
        Bar(
            x=left,
            y=i * row + 6,
            width=round((width - left - 50) * n / peak, 2),
            height=row - 10,
            value=n,
            label=label,
            css=css,
        )
        for i, (label, css, n) in enumerate(values)
    ]
    return Chart(width, row * len(values), bars, peak)


# -- the tree map, by traffic ----------------------------------------------------------------


@dataclass(frozen=True)
class HeatLeaf:
    leaf: MapLeaf
    reached: int
    heat: int
    yes: int
    no: int
    is_leaf: bool = True


@dataclass(frozen=True)
class HeatEdge:
    labels: list[str]
    given: int
    heat: int
    target: HeatNode | HeatLeaf


@dataclass(frozen=True)
class HeatNode:
    node: MapNode
    shown: int
    heat: int
    edges: list[HeatEdge]
    is_leaf: bool = False


def _heat(value: int, peak: int) -> int:
    if value <= 0 or peak <= 0:
        return 0
    return max(1, min(HEAT_STEPS - 1, round((HEAT_STEPS - 1) * value / peak + 0.49)))


def heat_map(tree_map: TreeMap, counts: Totals) -> HeatNode:
    """The tree map with each question, answer and verdict weighted by its traffic."""
    answers: dict[tuple[str, str], int] = defaultdict(int)
    shown: dict[str, int] = defaultdict(int)
    reached: dict[str, int] = defaultdict(int)
    feedback: dict[tuple[str, str], int] = defaultdict(int)
    for (kind, subject, value), n in counts.items():
        if kind == ANSWER:
            answers[(subject, value)] += n
        elif kind == SHOWN:
            shown[subject] += n
        elif kind == VERDICT:
            reached[subject] += n
        elif kind == FEEDBACK:
            feedback[(subject, value)] += n
    peak = max([*answers.values(), *shown.values(), *reached.values(), 1])

    def node(item: MapNode) -> HeatNode:
        edges = []
        for group in item.groups:
            for edge in group.edges:
                given = sum(answers[(item.key, value)] for value in edge.values)
                target: HeatNode | HeatLeaf
                if isinstance(edge.target, MapNode):
                    target = node(edge.target)
                else:
                    n = reached[edge.target.name]
                    target = HeatLeaf(
                        edge.target,
                        n,
                        _heat(n, peak),
                        feedback[(edge.target.name, "yes")],
                        feedback[(edge.target.name, "no")],
                    )
                edges.append(HeatEdge(edge.labels, given, _heat(given, peak), target))
        edges.sort(key=lambda e: -e.given)
        return HeatNode(item, shown[item.key], _heat(shown[item.key], peak), edges)

    return node(tree_map.root)


# -- export ----------------------------------------------------------------------------------

CSV_COLUMNS = ("day", "revision", "kind", "subject", "value", "count")


def csv_text(found: Iterable[Counter]) -> str:
    """The counters as CSV, one row per day, revision and key (the table as it is)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in found:
        writer.writerow(
            [
                row.day.isoformat(),
                row.revision,
                *map(_cell, (row.kind, row.subject, row.value)),
                row.n,
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """Keys come from the tree, but a spreadsheet must never read one as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
