"""The whole decision tree as nested data for ``/triage/map/``.

The map follows the tree from its start: every question node, and under it each
answer with where it leads. Answers that lead to the same place are shown together.
Modifier questions (the release status) are shown once, in their own panel; each
verdict they can lower says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.urls import reverse

from supportscope.core.engine import Tree, Verdict, pick
from supportscope.policy.presenters import LevelView, level_view
from supportscope.policy.snapshot import Snapshot

LinkFor = Callable[[Mapping[str, str]], str]


@dataclass(frozen=True)
class MapCitation:
    anchor: str
    title: str
    url: str


@dataclass(frozen=True)
class MapLeaf:
    name: str
    level: LevelView
    rationale: str
    citations: list[MapCitation]
    url: str  # the triage step that reaches it ("" for overlays, reached from many verdicts)
    modifiers: list[str]  # modifier questions that can still lower this verdict

    is_leaf = True


@dataclass(frozen=True)
class MapEdge:
    labels: list[str]
    values: list[str]
    target: MapNode | MapLeaf


@dataclass(frozen=True)
class MapGroup:
    key: str
    label: str
    edges: list[MapEdge]


@dataclass(frozen=True)
class MapNode:
    name: str
    key: str
    question: str
    url: str
    groups: list[MapGroup]

    is_leaf = False


@dataclass(frozen=True)
class ModifierRow:
    value: str
    label: str
    leaf: MapLeaf | None  # None: the answer changes nothing


@dataclass(frozen=True)
class ModifierPanel:
    key: str
    question: str
    rows: list[ModifierRow]
    applies_to: int  # how many verdict leaves it can lower (or, never asked, lists it)
    asked: bool = True  # False: none of its answers lowers a verdict (``advice``)


@dataclass(frozen=True)
class TreeMap:
    root: MapNode
    modifiers: list[ModifierPanel]
    node_count: int
    verdict_count: int

    @property
    def unasked(self) -> bool:
        """Whether a modifier is never asked (its panel stands under its own heading)."""
        return any(not panel.asked for panel in self.modifiers)


def lowerable_by(tree: Tree, verdict: Verdict) -> list[str]:
    """The verdict's modifiers that have an overlay below its level (the engine asks only those)."""
    return [key for key in verdict.modifiers if tree.lowers(key, verdict.level)]


class _Builder:
    def __init__(self, snapshot: Snapshot, lang: str, link: LinkFor) -> None:
        self.snapshot = snapshot
        self.tree = snapshot.tree
        self.lang = lang
        self.link = link
        self.policy_url = reverse("policy")

    def leaf(self, verdict: Verdict, answers: Mapping[str, str] | None) -> MapLeaf:
        citations: dict[str, MapCitation] = {}  # one link per cited section, to its first clause
        for anchor in verdict.citations:
            clause = self.snapshot.clauses[anchor]
            if clause.section not in citations:
                section = self.snapshot.section(clause.section)
                citations[clause.section] = MapCitation(
                    anchor, pick(section.title, self.lang), f"{self.policy_url}#{anchor}"
                )
        return MapLeaf(
            name=verdict.name,
            level=level_view(verdict.level),
            rationale=pick(verdict.rationale, self.lang),
            citations=list(citations.values()),
            url=self.link(answers) if answers is not None else "",
            modifiers=lowerable_by(self.tree, verdict),
        )

    def node(self, name: str, answers: Mapping[str, str]) -> MapNode:
        node = self.tree.nodes[name]
        question = self.tree.asked_at(node)
        group_labels = {group.key: pick(group.label, self.lang) for group in self.tree.groups}
        # group key -> target name -> (labels, values)
        grouped: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
        for choice in question.choices:
            target = node.next[choice.value]
            labels, values = grouped.setdefault(choice.group or "", {}).setdefault(target, ([], []))
            labels.append(pick(choice.label, self.lang))
            values.append(choice.value)
        groups = []
        for group_key, targets in grouped.items():
            edges = []
            for target, (labels, values) in targets.items():
                reached = {**answers, question.key: values[0]}
                edges.append(MapEdge(labels, values, self.target(target, reached)))
            groups.append(MapGroup(group_key, group_labels.get(group_key, ""), edges))
        return MapNode(
            name=name,
            key=question.key,
            question=pick(question.text, self.lang),
            url=self.link(answers),
            groups=groups,
        )

    def target(self, name: str, answers: Mapping[str, str]) -> MapNode | MapLeaf:
        if name in self.tree.nodes:
            return self.node(name, answers)
        return self.leaf(self.tree.verdicts[name], answers)

    def panels(self, leaves: list[MapLeaf]) -> list[ModifierPanel]:
        panels = []
        unasked = self.tree.unasked_modifiers()
        for key, overlays in self.tree.modifiers.items():
            question = self.tree.questions[key]
            rows = []
            for choice in question.choices:
                name = overlays.get(choice.value)
                leaf = self.leaf(self.tree.verdicts[name], None) if name else None
                rows.append(ModifierRow(choice.value, pick(choice.label, self.lang), leaf))
            asked = key not in unasked
            if asked:  # the leaves marked "+": it may lower them
                applies_to = sum(1 for leaf in leaves if key in leaf.modifiers)
            else:  # the verdicts that list it: it adds a clause to them
                verdicts = self.tree.verdicts
                applies_to = len(
                    {leaf.name for leaf in leaves if key in verdicts[leaf.name].modifiers}
                )
            panels.append(
                ModifierPanel(
                    key=key,
                    question=pick(question.text, self.lang),
                    rows=rows,
                    applies_to=applies_to,
                    asked=asked,
                )
            )
        return panels


def _walk(node: MapNode) -> tuple[list[MapNode], list[MapLeaf]]:
    nodes, leaves = [node], []
    for group in node.groups:
        for edge in group.edges:
            if isinstance(edge.target, MapNode):
                more_nodes, more_leaves = _walk(edge.target)
                nodes += more_nodes
                leaves += more_leaves
            else:
                leaves.append(edge.target)
    return nodes, leaves


def build_map(snapshot: Snapshot, lang: str, link: LinkFor) -> TreeMap:
    builder = _Builder(snapshot, lang, link)
    root = builder.node(snapshot.tree.start, {})
    nodes, leaves = _walk(root)
    panels = builder.panels(leaves)
    shown = {leaf.name for leaf in leaves} | {
        row.leaf.name for panel in panels for row in panel.rows if row.leaf
    }
    return TreeMap(
        root=root,
        modifiers=panels,
        node_count=len({node.name for node in nodes}),
        verdict_count=len(shown),
    )
