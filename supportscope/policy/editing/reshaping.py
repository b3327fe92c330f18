"""Changes of a set of records: pure functions, records in and records out, no database.

The guided reshaping steps each make one whole change that the checks then see at
once, so a new answer, its route and its verdict never block each other: ``add_answer``,
``add_follow_up``, ``retire_answer``, ``move_clause``, ``cite_clause``. ``set_record``
and ``delete_record`` change one record; ``find`` and ``new_key`` locate and name
records. The result goes into a draft or through ``live.publish_records``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from supportscope.policy import serial
from supportscope.policy.integrity import EditRefused
from supportscope.policy.serial import Record, Records


def new_key(records: Records, kind: str) -> str:
    taken = {serial.split_ref(k)[1] for k in records if k.startswith(kind + ":")}
    n = 1
    while f"new-{n}" in taken:
        n += 1
    return serial.ref(kind, f"new-{n}")


def find(records: Records, kind: str, ident: str) -> str | None:
    """The key of the ``kind`` record whose natural key is ``ident``."""
    spec = serial.SPECS[kind]
    return next(
        (k for k, r in records.items() if k.startswith(kind + ":") and spec.ident(r) == ident),
        None,
    )


def _require(records: Records, kind: str, ident: str) -> str:
    key = find(records, kind, ident)
    if key is None:
        raise EditRefused(
            [_("There is no %(kind)s %(ident)s.") % {"kind": serial.LABELS[kind], "ident": ident}]
        )
    return key


def _next_order(records: Records, kind: str, **same: Any) -> int:
    orders = [
        r["order"]
        for k, r in records.items()
        if k.startswith(kind + ":") and all(r.get(f) == v for f, v in same.items())
    ]
    return max(orders, default=0) + 1


# What a new choice holds unless the step says otherwise.
CHOICE_DEFAULTS: Mapping[str, Any] = {
    "description_en": "",
    "description_ko": "",
    "terms_en": "",
    "terms_ko": "",
    "group": None,
}


def _add_verdict(out: Records, verdict: Record) -> str:
    """Add a new verdict (last in order) to ``out``, refused if the name is taken; its name."""
    if find(out, "verdict", verdict["name"]) is not None:
        raise EditRefused([_("A verdict named %(name)s exists.") % {"name": verdict["name"]}])
    out[new_key(out, "verdict")] = {
        "order": _next_order(out, "verdict"),
        "make_supported_en": "",
        "make_supported_ko": "",
        "modifiers": [],
        **verdict,
    }
    name: str = verdict["name"]
    return name


@dataclass(frozen=True)
class NewChoice:
    value: str
    label_en: str
    label_ko: str
    leads_to: str  # an existing verdict or node name, or a verdict in ``new_verdicts``


def add_answer(
    records: Records,
    *,
    question: str,
    choice: Record,
    verdict: str | None = None,
    new_verdict: Record | None = None,
) -> Records:
    """A new answer to ``question``, routed to ``verdict`` (an existing one) or to
    ``new_verdict``, as one step.

    It is routed by every node that offers all of the question's answers, and, among the
    nodes that offer one group of them (``component`` after ``topic``), only by those
    offering answers of the new choice's ``group``: a new component belongs to one topic.
    Refused when that leaves no node, as for a grouped question's answer without a group.
    """
    out = dict(records)
    _require(out, "question", question)
    if find(out, "choice", f"{question}={choice['value']}") is not None:
        raise EditRefused(
            [
                _("%(key)s already has the value %(value)s.")
                % {"key": question, "value": choice["value"]}
            ]
        )
    routing = _routing_nodes(out, question, choice.get("group"))
    if new_verdict is not None:
        verdict = _add_verdict(out, new_verdict)
    elif verdict is None or find(out, "verdict", verdict) is None:
        raise EditRefused([_("Pick an existing verdict or describe a new one.")])
    out[new_key(out, "choice")] = {
        **CHOICE_DEFAULTS,
        **choice,
        "question": question,
        "order": _next_order(out, "choice", question=question),
    }
    for key in routing:
        record = out[key]
        out[key] = {**record, "edges": {**record["edges"], choice["value"]: verdict}}
    retired = find(out, "retiredanswer", f"{question}={choice['value']}")
    if retired is not None:  # the value is valid again
        del out[retired]
    return out


def _routing_nodes(records: Records, question: str, group: str | None) -> list[str]:
    """The keys of the nodes that should route a new answer of ``group`` to ``question``:
    those offering every answer it has, and those offering part of them that include an
    answer of ``group``. Refused if there is none while some node asks the question."""
    groups = {
        r["value"]: r.get("group")
        for k, r in records.items()
        if k.startswith("choice:") and r["question"] == question
    }
    asking = [k for k, r in records.items() if k.startswith("node:") and r["question"] == question]
    chosen = [
        k
        for k in asking
        if set(groups) <= set(records[k]["edges"])
        or (group is not None and group in {groups.get(v) for v in records[k]["edges"]})
    ]
    if asking and not chosen:
        offered = sorted(
            {str(g) for k in asking for v in records[k]["edges"] if (g := groups.get(v))}
        )
        raise EditRefused(
            [
                _(
                    "Each node asking %(key)s offers only one group of its answers: pick the "
                    "group of the new answer (%(groups)s)."
                )
                % {"key": question, "groups": ", ".join(offered)}
            ]
        )
    return chosen


def add_follow_up(
    records: Records,
    *,
    node: str,
    value: str,
    question: Record,
    choices: list[NewChoice],
    new_verdicts: Sequence[Record] = (),
) -> Records:
    """Ask a new question after ``node`` answered ``value``: the question, its choices,
    a new node asking it where that answer led, where each choice leads, and any new
    verdicts, as one step."""
    out = dict(records)
    node_key = _require(out, "node", node)
    if value not in out[node_key]["edges"]:
        raise EditRefused(
            [_("Node %(node)s has no answer %(value)s.") % {"node": node, "value": value}]
        )
    if find(out, "question", question["key"]) is not None:
        raise EditRefused([_("A question %(key)s exists.") % {"key": question["key"]}])
    if len({c.value for c in choices}) != len(choices) or len(choices) < 2:
        raise EditRefused([_("A question needs at least two different answers.")])
    q = {
        "key": question["key"],
        "order": _next_order(out, "question"),
        "text_en": question["text_en"],
        "text_ko": question["text_ko"],
        "help_en": question.get("help_en", ""),
        "help_ko": question.get("help_ko", ""),
        "allow_unknown": bool(question.get("allow_unknown")),
    }
    out[new_key(out, "question")] = q
    for order, choice in enumerate(choices, start=1):
        out[new_key(out, "choice")] = {
            "question": q["key"],
            "value": choice.value,
            "order": order,
            "label_en": choice.label_en,
            "label_ko": choice.label_ko,
            **CHOICE_DEFAULTS,
        }
    for verdict in new_verdicts:
        _add_verdict(out, verdict)
    name = f"{question['key']}-after-{node}"
    while find(out, "node", name) is not None:
        name += "-2"
    out[new_key(out, "node")] = {
        "name": name,
        "order": _next_order(out, "node"),
        "is_start": False,
        "question": q["key"],
        "edges": {c.value: c.leads_to for c in choices},
    }
    edges = dict(out[node_key]["edges"])
    edges[value] = name
    out[node_key] = {**out[node_key], "edges": edges}
    return out


def retire_answer(records: Records, *, question: str, value: str) -> Records:
    """Remove an answer with its routes and overlays, and whatever only it led to (verdicts
    and nodes nothing else reaches), in one step: no choice, route and verdict blocking
    each other. Old links carrying it are answered with a notice (see ``retired``)."""
    out = dict(records)
    choice_key = _require(out, "choice", f"{question}={value}")
    choice = out.pop(choice_key)
    if find(out, "retiredanswer", f"{question}={value}") is None:
        out[new_key(out, "retiredanswer")] = {
            "question": question,
            "value": value,
            "label_en": choice["label_en"],
            "label_ko": choice["label_ko"],
        }
    for key, record in list(out.items()):
        if key.startswith("node:") and record["question"] == question and value in record["edges"]:
            out[key] = {**record, "edges": {v: t for v, t in record["edges"].items() if v != value}}
        if key.startswith("modifier:") and record["question"] == question:
            overlays = {v: t for v, t in record["overlays"].items() if v != value}
            out[key] = {**record, "overlays": overlays}
    _drop_unreached(out)
    return out


def _drop_unreached(out: Records) -> None:
    """Remove verdicts and nodes that nothing routes to any more (the start stays)."""
    while True:
        targets = {t for k, r in out.items() if k.startswith("node:") for t in r["edges"].values()}
        targets |= {
            t for k, r in out.items() if k.startswith("modifier:") for t in r["overlays"].values()
        }
        gone = [
            k
            for k, r in out.items()
            if (k.startswith("verdict:") and r["name"] not in targets)
            or (k.startswith("node:") and not r["is_start"] and r["name"] not in targets)
        ]
        if not gone:
            return
        for key in gone:
            del out[key]


def move_clause(records: Records, *, anchor: str, position: int) -> Records:
    """Move a clause to ``position`` (1 = first) in its section; the others renumber."""
    out = dict(records)
    key = _require(out, "clause", anchor)
    section = out[key]["section"]
    siblings = sorted(
        (k for k, r in out.items() if k.startswith("clause:") and r["section"] == section),
        key=lambda k: (out[k]["order"], k),
    )
    siblings.remove(key)
    position = max(1, min(position, len(siblings) + 1))
    siblings.insert(position - 1, key)
    for order, sibling in enumerate(siblings, start=1):
        if out[sibling]["order"] != order:
            out[sibling] = {**out[sibling], "order": order}
    return out


def cite_clause(records: Records, *, anchor: str, verdicts: list[str]) -> Records:
    """Add the clause as the last citation of each of ``verdicts`` (if not cited yet)."""
    out = dict(records)
    _require(out, "clause", anchor)
    for name in verdicts:
        key = _require(out, "verdict", name)
        if anchor not in out[key]["citations"]:
            out[key] = {**out[key], "citations": [*out[key]["citations"], anchor]}
    return out


def set_record(records: Records, key: str, record: Record) -> Records:
    """Replace (or add, for a ``kind:new`` key) one record."""
    out = dict(records)
    kind, ident = serial.split_ref(key)
    if kind not in serial.SPECS:
        raise EditRefused([_("Unknown kind of object %(kind)s.") % {"kind": kind}])
    if ident == "new":
        key = new_key(out, kind)
    out[key] = record
    return out


def delete_record(records: Records, key: str) -> Records:
    out = dict(records)
    if key not in out:
        raise EditRefused([_("%(key)s is not in the draft.") % {"key": key}])
    del out[key]
    return out
