"""A synthetic policy tree of any size, for the scale benchmark and its test.

The tree has ``questions`` questions, each asked by exactly one node, laid out
breadth-first with ``fanout`` choices per question: node ``i`` routes its answers to
nodes ``fanout*i+1 ..``, and where those do not exist, to one of ``verdicts``
verdicts (leaf ``j`` goes to verdict ``j % verdicts``, so every verdict is reached).
Every tenth question allows "unknown", and every fifth verdict has a ``release``
modifier that can lower it, as the real tree's ``preview`` question does.

``expected(tree_data)`` lists every complete path with the verdict it must reach, so
a test can check ``resolve`` on all of them without trusting the engine's own walk.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

LEVELS = ("supported", "best_effort", "unsupported")
MODIFIER = "release"
CLAUSES = tuple(f"synthetic--clause-{n}" for n in range(100))


def _text(label: str) -> dict[str, str]:
    return {"en": label, "ko": f"{label} (ko)"}


def _value(index: int) -> str:
    return f"v{index}"


def make_tree(questions: int = 10_000, verdicts: int = 10_000, fanout: int = 3) -> dict[str, Any]:
    nodes = []
    leaf = 0
    for index in range(questions):
        routes = {}
        for branch in range(fanout):
            child = fanout * index + 1 + branch
            if child < questions:
                routes[_value(branch)] = f"n{child}"
            else:
                routes[_value(branch)] = f"verdict-{leaf % verdicts}"
                leaf += 1
        nodes.append({"name": f"n{index}", "question": f"q{index}", "next": routes})
    return {
        "start": "n0",
        "groups": [],
        "questions": [
            {
                "key": f"q{index}",
                "text": _text(f"Question {index}?"),
                "allow_unknown": index % 10 == 9,
                "choices": [
                    {"value": _value(branch), "label": _text(f"Answer {branch}")}
                    for branch in range(fanout)
                ],
            }
            for index in range(questions)
        ]
        + [
            {
                "key": MODIFIER,
                "text": _text("Release status?"),
                "allow_unknown": True,
                "choices": [
                    {"value": "ga", "label": _text("GA")},
                    {"value": "preview", "label": _text("Preview")},
                ],
            }
        ],
        "nodes": nodes,
        "verdicts": [
            {
                "name": f"verdict-{index}",
                "level": LEVELS[index % 3],
                "rationale": _text(f"Rationale {index}."),
                "citations": [CLAUSES[index % len(CLAUSES)]],
                **({"modifiers": [MODIFIER]} if index % 5 == 0 else {}),
            }
            for index in range(verdicts)
        ]
        + [
            {
                "name": "release-preview",
                "level": "best_effort",
                "rationale": _text("Previews are best effort."),
                "citations": [CLAUSES[0]],
            }
        ],
        "modifiers": [
            {"question": MODIFIER, "overlays": {"ga": None, "preview": "release-preview"}}
        ],
    }


def expected(data: dict[str, Any]) -> Iterator[tuple[dict[str, str], str]]:
    """Every routing path (answers, verdict name), walked iteratively from the data."""
    nodes = {node["name"]: node for node in data["nodes"]}
    stack: list[tuple[str, dict[str, str]]] = [(data["start"], {})]
    while stack:
        name, answers = stack.pop()
        node = nodes.get(name)
        if node is None:
            yield answers, name
            continue
        for value, target in node["next"].items():
            stack.append((target, {**answers, node["question"]: value}))


def store_tree(data: dict[str, Any]) -> None:
    """Replace the policy in the database with ``data``, in bulk (a fresh database only).

    ``load_policy`` would take minutes for 10,000 questions, row by row; this writes
    the same rows with ``bulk_create``. Call it inside a transaction you roll back.
    """
    from supportscope.policy import models as m

    for model in (m.Edge, m.Overlay, m.Modifier, m.Citation, m.Node):
        model.objects.all().delete()
    m.Verdict.modifiers.through.objects.all().delete()
    for parent in (m.Verdict, m.Choice, m.Question, m.ChoiceGroup, m.Clause, m.Section):
        parent.objects.all().delete()
    section = m.Section.objects.create(slug="synthetic", order=1, title_en="S", title_ko="S")
    clauses = m.Clause.objects.bulk_create(
        m.Clause(
            section=section,
            key=anchor.partition("--")[2],
            order=order,
            kind="para",
            body_en=f"Clause {order}.",
            body_ko=f"조항 {order}.",
            html_en=f"<p>Clause {order}.</p>",
            html_ko=f"<p>조항 {order}.</p>",
        )
        for order, anchor in enumerate(CLAUSES, start=1)
    )
    clause_by_anchor = dict(zip(CLAUSES, clauses, strict=True))
    m.Question.objects.bulk_create(
        m.Question(
            key=q["key"],
            order=order,
            text_en=q["text"]["en"],
            text_ko=q["text"]["ko"],
            allow_unknown=q["allow_unknown"],
        )
        for order, q in enumerate(data["questions"], start=1)
    )
    question_by_key = {q.key: q for q in m.Question.objects.all()}
    m.Choice.objects.bulk_create(
        m.Choice(
            question=question_by_key[q["key"]],
            value=c["value"],
            order=order,
            label_en=c["label"]["en"],
            label_ko=c["label"]["ko"],
        )
        for q in data["questions"]
        for order, c in enumerate(q["choices"], start=1)
    )
    m.Verdict.objects.bulk_create(
        m.Verdict(
            name=v["name"],
            order=order,
            level=v["level"],
            rationale_en=v["rationale"]["en"],
            rationale_ko=v["rationale"]["ko"],
        )
        for order, v in enumerate(data["verdicts"], start=1)
    )
    verdict_by_name = {v.name: v for v in m.Verdict.objects.all()}
    m.Citation.objects.bulk_create(
        m.Citation(verdict=verdict_by_name[v["name"]], clause=clause_by_anchor[anchor], order=i)
        for v in data["verdicts"]
        for i, anchor in enumerate(v["citations"], start=1)
    )
    m.Verdict.modifiers.through.objects.bulk_create(
        m.Verdict.modifiers.through(
            verdict=verdict_by_name[v["name"]], question=question_by_key[key]
        )
        for v in data["verdicts"]
        for key in v.get("modifiers", ())
    )
    m.Node.objects.bulk_create(
        m.Node(
            name=n["name"],
            order=order,
            question=question_by_key[n["question"]],
            is_start=n["name"] == data["start"],
        )
        for order, n in enumerate(data["nodes"], start=1)
    )
    node_by_name = {n.name: n for n in m.Node.objects.all()}
    m.Edge.objects.bulk_create(
        m.Edge(
            node=node_by_name[n["name"]],
            value=value,
            to_node=node_by_name.get(target),
            to_verdict=None if target in node_by_name else verdict_by_name[target],
        )
        for n in data["nodes"]
        for value, target in n["next"].items()
    )
    for modifier in data["modifiers"]:
        stored = m.Modifier.objects.create(question=question_by_key[modifier["question"]])
        m.Overlay.objects.bulk_create(
            m.Overlay(modifier=stored, value=value, verdict=verdict_by_name.get(name or ""))
            for value, name in modifier["overlays"].items()
        )
    state, _ = m.PolicyState.objects.get_or_create(pk=1)
    state.revision += 1
    state.save()
