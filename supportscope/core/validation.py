"""Every problem that makes a tree unsafe to serve: dangling names, choices no node
routes, bad modifiers, uncited verdicts, cycles and unreachable steps.

It imports nothing from Django. ``engine.build_tree`` runs ``validate`` on every tree it
builds and raises ``TreeError`` with all of the problems, so the admin's checks
(``policy/editing/checks.py``) see them through it.
"""

from __future__ import annotations

from collections.abc import Iterator

from supportscope.core.model import LANGUAGES, UNKNOWN, Question, Tree


def validate(tree: Tree) -> Iterator[str]:
    """Every problem that would make the tree unsafe to serve."""
    name: str | None
    names = set(tree.nodes) & set(tree.verdicts)
    for name in sorted(names):
        yield f"{name!r} names both a question node and a verdict"
    group_keys = {group.key for group in tree.groups}
    question: Question | None
    for question in tree.questions.values():
        if not question.choices:
            yield f"question {question.key!r} has no choices"
        values = question.values
        if len(set(values)) != len(values):
            yield f"question {question.key!r} repeats a choice value"
        if UNKNOWN in values:
            yield f"question {question.key!r} uses the reserved value {UNKNOWN!r} as a choice"
        for choice in question.choices:
            if choice.group is not None and choice.group not in group_keys:
                yield f"choice {question.key}={choice.value} is in unknown group {choice.group!r}"
    if tree.start not in tree.nodes:
        yield f"start {tree.start!r} is not a question node"
    offered: dict[str, set[str]] = {}
    for node in tree.nodes.values():
        question = tree.questions.get(node.question)
        if question is None:
            yield f"node {node.name!r} asks unknown question {node.question!r}"
            continue
        if node.question in tree.modifiers:
            yield f"node {node.name!r} asks modifier question {node.question!r} as a routing step"
        if not node.next:
            yield f"node {node.name!r} offers no choice of {node.question!r}"
        offered.setdefault(node.question, set()).update(node.next)
        extra = set(node.next) - set(question.values)
        for value in sorted(extra):
            yield f"node {node.name!r} routes {node.question}={value}, which is not a choice"
        for value, target in node.next.items():
            if target not in tree.nodes and target not in tree.verdicts:
                yield f"node {node.name!r} routes {node.question}={value} to unknown {target!r}"
    # A node may offer part of its question's choices, but each choice must be offered
    # by some node that asks the question, or no path could ever take it.
    for key, routed in offered.items():
        askers = ", ".join(repr(n.name) for n in tree.nodes.values() if n.question == key)
        for value in sorted(set(tree.questions[key].values) - routed):
            yield f"node {askers} has no branch for {key}={value}"
    for key, overlays in tree.modifiers.items():
        question = tree.questions.get(key)
        if question is None:
            yield f"modifier {key!r} is not a question"
            continue
        if set(overlays) != set(question.values):
            yield f"modifier {key!r} must map exactly the values {sorted(question.values)}"
        for value, name in overlays.items():
            if name is not None and name not in tree.verdicts:
                yield f"modifier {key}={value} overlays unknown verdict {name!r}"
            elif name is not None and tree.verdicts[name].modifiers:
                yield f"overlay verdict {name!r} must not have modifiers of its own"
    for verdict in tree.verdicts.values():
        if not verdict.citations:
            yield f"verdict {verdict.name!r} cites nothing"
        for anchor in verdict.citations:
            if tree.clauses and anchor not in tree.clauses:
                yield f"verdict {verdict.name!r} cites unknown clause {anchor!r}"
        for key in verdict.modifiers:
            if key not in tree.modifiers:
                yield f"verdict {verdict.name!r} uses unknown modifier {key!r}"
        for lang in LANGUAGES:
            if not verdict.rationale.get(lang):
                yield f"verdict {verdict.name!r} has no {lang} rationale"
    yield from _walk_problems(tree)


def _walk_problems(tree: Tree) -> Iterator[str]:
    """Cycles, questions asked twice on one path, and unreachable nodes or verdicts."""
    if tree.start not in tree.nodes:
        return
    reached: set[str] = set()
    problems: list[str] = []

    def visit(name: str, asked: tuple[str, ...], stack: tuple[str, ...]) -> None:
        if name in stack:
            problems.append(f"cycle through {' -> '.join((*stack, name))}")
            return
        reached.add(name)
        if name in tree.verdicts:
            for key in tree.verdicts[name].modifiers:
                if key in asked:
                    problems.append(f"verdict {name!r} modifier {key!r} was already asked")
                for overlay in tree.modifiers.get(key, {}).values():
                    if overlay:
                        reached.add(overlay)
            return
        node = tree.nodes.get(name)
        if node is None:
            return
        if node.question in asked:
            problems.append(f"node {name!r} asks {node.question!r} again on one path")
            return
        for target in dict.fromkeys(node.next.values()):
            visit(target, (*asked, node.question), (*stack, name))

    visit(tree.start, (), ())
    for name in sorted((set(tree.nodes) | set(tree.verdicts)) - reached):
        problems.append(f"{name!r} can never be reached")
    yield from problems
