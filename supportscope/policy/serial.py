"""One serialiser and one writer per policy object.

Every part of the write side speaks the same *record*: plain JSON of the fields an admin
can edit, with related rows by natural key (a clause's section by slug, a verdict's
citations as ordered clause anchors, a node's routes as ``{value: target}``). Records
serve revisions (before/after of each change), restore and roll-back, drafts (a draft
is a set of records), the compiled tree and the exported files.

* ``read_all`` reads every record with a fixed number of queries, whatever the size of
  the policy; ``read`` reads one object the same way.
* ``write`` writes one record onto its row (creating it if needed).
* ``to_document`` turns a set of records into the shape of ``policy_content/`` (the
  sections and ``tree.json``); ``from_file`` turns one file item back into a record.
* ``fingerprint`` hashes that document: equal policies have equal fingerprints on any
  instance, whatever their row ids or revision numbers.

A new field of an existing object is added to its ``Spec`` below (and to the model, a
migration and the admin form): reading, writing, files, history, drafts and the
fingerprint follow.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from django.db.models import Model
from django.utils.translation import gettext as _

from supportscope.core.content import ClauseData, PolicyData, SectionData, clause_anchor
from supportscope.core.languages import CODES
from supportscope.policy.models import (
    Choice,
    ChoiceGroup,
    Citation,
    Clause,
    Edge,
    Modifier,
    Node,
    Overlay,
    Question,
    RetiredAnswer,
    Section,
    Verdict,
)

_M = TypeVar("_M", bound=Model)
Record = dict[str, Any]
Records = dict[str, Record]  # "kind:id" -> record; id is a row id, or "new-N" in a draft


class WriteError(Exception):
    """A record cannot be written: something it refers to does not exist."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Spec:
    """How one kind of policy object is read, written, labelled and put in files."""

    kind: str
    model: type[Model]
    scalars: tuple[str, ...]  # plain columns
    texts: tuple[str, ...] = ()  # <name>_<lang> columns, {lang: text} in files
    lines: tuple[str, ...] = ()  # pairs holding one item per line, lists in files
    keys: dict[str, tuple[type[Model], str]] = field(default_factory=dict)  # FK -> natural key
    extras: tuple[str, ...] = ()  # citations, modifiers, edges, overlays
    ident: Callable[[Record], str] = str  # the natural key, unique within the kind
    file: tuple[str, ...] = ()  # the keys of the file item, in file order
    optional: frozenset[str] = frozenset()  # file keys left out when empty
    file_names: dict[str, str] = field(default_factory=dict)  # record name -> file name

    @property
    def fields(self) -> tuple[str, ...]:
        pairs = [f"{name}_{lang}" for name in (*self.texts, *self.lines) for lang in CODES]
        return (*self.scalars, *pairs)

    def label(self, record: Record) -> str:
        return f"{LABELS[self.kind]} {self.ident(record)}"


LABELS = {
    "section": "section",
    "clause": "clause",
    "choicegroup": "group",
    "question": "question",
    "choice": "choice",
    "verdict": "verdict",
    "node": "node",
    "modifier": "modifier",
    "retiredanswer": "retired answer",
}

# In the order they are written: each kind refers only to kinds above it (by natural key),
# except routes and overlays, which are written in a second pass.
SPECS: dict[str, Spec] = {
    spec.kind: spec
    for spec in (
        Spec(
            "section",
            Section,
            ("slug", "order", "level"),
            texts=("title",),
            ident=lambda r: r["slug"],
            file=("slug", "level", "title"),
        ),
        Spec(
            "clause",
            Clause,
            ("key", "order", "kind", "retired"),
            texts=("body",),
            keys={"section": (Section, "slug")},
            ident=lambda r: clause_anchor(r["section"], r["key"]),
            file=("key", "kind", "body", "retired"),
        ),
        Spec(
            "choicegroup",
            ChoiceGroup,
            ("key", "order"),
            texts=("label",),
            ident=lambda r: r["key"],
            file=("key", "label"),
        ),
        Spec(
            "question",
            Question,
            ("key", "order", "allow_unknown"),
            texts=("text", "help"),
            ident=lambda r: r["key"],
            file=("key", "text", "help", "allow_unknown"),
        ),
        Spec(
            "choice",
            Choice,
            ("value", "order"),
            texts=("label", "description"),
            lines=("terms",),
            keys={"question": (Question, "key"), "group": (ChoiceGroup, "key")},
            ident=lambda r: f"{r['question']}={r['value']}",
            file=("value", "label", "description", "terms", "group"),
            optional=frozenset({"terms", "group"}),
        ),
        Spec(
            "verdict",
            Verdict,
            ("name", "order", "level"),
            texts=("rationale", "make_supported"),
            extras=("citations", "modifiers"),
            ident=lambda r: r["name"],
            file=("name", "level", "rationale", "make_supported", "citations", "modifiers"),
            optional=frozenset({"make_supported", "modifiers"}),
        ),
        Spec(
            "node",
            Node,
            ("name", "order", "is_start"),
            keys={"question": (Question, "key")},
            extras=("edges",),
            ident=lambda r: r["name"],
            file=("name", "question", "edges"),
            file_names={"edges": "next"},
        ),
        Spec(
            "modifier",
            Modifier,
            (),
            keys={"question": (Question, "key")},
            extras=("overlays",),
            ident=lambda r: r["question"],
            file=("question", "overlays"),
        ),
        Spec(
            "retiredanswer",
            RetiredAnswer,
            ("question", "value"),
            texts=("label",),
            ident=lambda r: f"{r['question']}={r['value']}",
            file=("question", "value", "label"),
        ),
    )
}
ORDER = tuple(SPECS)


def kind_of(obj_or_model: Model | type[Model]) -> str:
    return obj_or_model._meta.model_name  # type: ignore[return-value]


def is_tracked(obj_or_model: Model | type[Model]) -> bool:
    return kind_of(obj_or_model) in SPECS


def ref(kind: str, ident: int | str) -> str:
    return f"{kind}:{ident}"


def split_ref(key: str) -> tuple[str, str]:
    kind, _sep, ident = key.partition(":")
    return kind, ident


def label(kind: str, record: Record) -> str:
    return SPECS[kind].label(record)


# -- reading -----------------------------------------------------------------------


def _extras(kind: str, pks: list[int] | None) -> dict[str, defaultdict[int, Any]]:
    """The related rows of ``kind`` (all, or those of ``pks``), by owner row id."""
    out: dict[str, defaultdict[int, Any]] = {}

    def only(query: Any, owner: str) -> Any:
        return query if pks is None else query.filter(**{f"{owner}__in": pks})

    if kind == "verdict":
        citations: defaultdict[int, Any] = defaultdict(list)
        for row in (
            only(Citation.objects, "verdict_id")
            .order_by("verdict_id", "order", "pk")
            .values("verdict_id", "clause__section__slug", "clause__key")
        ):
            citations[row["verdict_id"]].append(
                clause_anchor(row["clause__section__slug"], row["clause__key"])
            )
        modifiers: defaultdict[int, Any] = defaultdict(list)
        through = Verdict.modifiers.through.objects
        for row in (
            only(through, "verdict_id")
            .order_by("question__key")
            .values("verdict_id", "question__key")
        ):
            modifiers[row["verdict_id"]].append(row["question__key"])
        out = {"citations": citations, "modifiers": modifiers}
    elif kind == "node":
        edges: defaultdict[int, Any] = defaultdict(dict)
        for row in (
            only(Edge.objects, "node_id")
            .order_by("value")
            .values("node_id", "value", "to_node__name", "to_verdict__name")
        ):
            edges[row["node_id"]][row["value"]] = row["to_node__name"] or row["to_verdict__name"]
        out = {"edges": edges}
    elif kind == "modifier":
        overlays: defaultdict[int, Any] = defaultdict(dict)
        for row in (
            only(Overlay.objects, "modifier_id")
            .order_by("value")
            .values("modifier_id", "value", "verdict__name")
        ):
            overlays[row["modifier_id"]][row["value"]] = row["verdict__name"]
        out = {"overlays": overlays}
    return out


def read_kind(kind: str, pks: list[int] | None = None) -> dict[int, Record]:
    """Records of one kind by row id: every row, or those in ``pks``."""
    spec = SPECS[kind]
    columns = [*spec.fields, *(f"{name}__{attr}" for name, (_m, attr) in spec.keys.items())]
    query = spec.model._default_manager.order_by("pk")
    if pks is not None:
        query = query.filter(pk__in=pks)
    extras = _extras(kind, pks)
    names = (*spec.fields, *spec.keys)
    found = [(name, extras[name], name in ("citations", "modifiers")) for name in spec.extras]
    out: dict[int, Record] = {}
    for pk, *values in query.values_list("pk", *columns):
        record: Record = dict(zip(names, values, strict=True))
        for name, by_owner, is_list in found:
            record[name] = by_owner.get(pk) or ([] if is_list else {})
        out[pk] = record
    return out


def read(obj: Model) -> Record:
    """The record of one saved object, read from the database."""
    return read_kind(kind_of(obj), [obj.pk])[obj.pk]


def read_all(kinds: Iterable[str] = ORDER) -> Records:
    """Every policy object (of ``kinds``) as a record, keyed ``kind:id``: a fixed number
    of queries, whatever the size of the policy."""
    return {ref(kind, pk): record for kind in kinds for pk, record in read_kind(kind).items()}


TREE_KINDS = ("choicegroup", "question", "choice", "verdict", "node", "modifier", "retiredanswer")


# -- writing -----------------------------------------------------------------------


def _lookup(model: type[_M], attr: str, value: Any, what: str) -> _M:
    found = model._default_manager.filter(**{attr: value}).first()
    if found is None:
        raise WriteError([_("%(what)s %(value)s does not exist") % {"what": what, "value": value}])
    return found


def _clause(anchor: str) -> Clause:
    slug, _sep, key = anchor.partition("--")
    clause = Clause.objects.filter(section__slug=slug, key=key).first()
    if clause is None:
        raise WriteError([_("clause %(anchor)s does not exist") % {"anchor": anchor}])
    return clause


def write(kind: str, record: Record, obj: Model | None = None, *, extras: bool = True) -> Model:
    """Write ``record`` onto ``obj`` (or a new row) and save it. The caller holds the
    transaction, and bumps ``version`` when it locks rows."""
    spec = SPECS[kind]
    obj = obj if obj is not None else spec.model()
    for name in spec.fields:
        if name in record:
            setattr(obj, name, record[name])
    for name, (related, attr) in spec.keys.items():
        value = record.get(name)
        setattr(obj, name, _lookup(related, attr, value, name) if value is not None else None)
    obj.save()
    if extras:
        write_extras(kind, record, obj)
    return obj


def _as(obj: Model, model: type[_M]) -> _M:
    """``obj`` as the model whose extras its record carries."""
    if not isinstance(obj, model):
        raise TypeError(f"{type(obj).__name__} has no extras of a {model.__name__}")
    return obj


def write_extras(kind: str, record: Record, obj: Model) -> None:
    """The related rows of ``record``: citations, modifiers, routes, overlays."""
    if "citations" in record:
        verdict = _as(obj, Verdict)
        Citation.objects.filter(verdict=verdict).delete()
        Citation.objects.bulk_create(
            Citation(verdict=verdict, clause=_clause(anchor), order=order)
            for order, anchor in enumerate(record["citations"], start=1)
        )
    if "modifiers" in record:
        _as(obj, Verdict).modifiers.set(
            [_lookup(Question, "key", key, "question") for key in record["modifiers"]]
        )
    if "edges" in record:
        node = _as(obj, Node)
        Edge.objects.filter(node=node).delete()
        for value, target in record["edges"].items():
            to_node = Node.objects.filter(name=target).first()
            to_verdict = None if to_node else Verdict.objects.filter(name=target).first()
            if to_node is None and to_verdict is None:
                raise WriteError(
                    [
                        _("%(object)s routes %(value)s to %(target)s, which does not exist")
                        % {"object": label(kind, record), "value": value, "target": target}
                    ]
                )
            Edge.objects.create(node=node, value=value, to_node=to_node, to_verdict=to_verdict)
    if "overlays" in record:
        modifier = _as(obj, Modifier)
        Overlay.objects.filter(modifier=modifier).delete()
        for value, name in record["overlays"].items():
            overlaid = _lookup(Verdict, "name", name, "verdict") if name else None
            Overlay.objects.create(modifier=modifier, value=value, verdict=overlaid)


# -- files and the whole document ---------------------------------------------------


def _pair(record: Record, name: str) -> dict[str, str]:
    return {lang: record.get(f"{name}_{lang}") or "" for lang in CODES}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _empty(value: Any) -> bool:
    if isinstance(value, dict) and set(value) == set(CODES):
        return not any(value[lang] for lang in CODES)
    return value in (None, "", [], {})


def _file_plan(spec: Spec) -> tuple[tuple[str, str, str, str, str, bool], ...]:
    """Per file key: (mode, record key or en key, ko key, file key, name, optional)."""
    plan = []
    for name in spec.file:
        mode = "text" if name in spec.texts else "lines" if name in spec.lines else "plain"
        first, second = (f"{name}_en", f"{name}_ko") if mode != "plain" else (name, "")
        out = spec.file_names.get(name, name)
        plan.append((mode, first, second, out, name, name in spec.optional))
    return tuple(plan)


_PLANS: dict[str, tuple[tuple[str, str, str, str, str, bool], ...]] = {}


def to_file(kind: str, record: Record) -> dict[str, Any]:
    """One record as an item of ``tree.json`` (or a section's front matter)."""
    plan = _PLANS.get(kind)
    if plan is None:
        plan = _PLANS[kind] = _file_plan(SPECS[kind])
    item: dict[str, Any] = {}
    for mode, first, second, out, _name, optional in plan:
        if mode == "text":
            value: Any = {"en": record.get(first) or "", "ko": record.get(second) or ""}
            if optional and not value["en"] and not value["ko"]:
                continue
        elif mode == "lines":
            en, ko = _lines(record.get(first, "")), _lines(record.get(second, ""))
            if not en and not ko:
                if optional:
                    continue
                value = {}
            else:
                value = {"en": en, "ko": ko}
        else:
            value = record.get(first)
            if optional and _empty(value):
                continue
        item[out] = value
    return item


def from_file(kind: str, item: dict[str, Any], order: int, **refs: Any) -> Record:
    """One item of the files as a record; ``refs`` gives what the file implies by nesting
    (a clause's section, a choice's question)."""
    spec = SPECS[kind]
    record: Record = {}
    for name in spec.scalars:
        record[name] = item.get(spec.file_names.get(name, name))
    if "order" in spec.scalars:
        record["order"] = order
    for name in spec.texts:
        text = item.get(name) or {}
        record[f"{name}_en"], record[f"{name}_ko"] = text.get("en", ""), text.get("ko", "")
    for name in spec.lines:
        items = item.get(name) or {}
        record[f"{name}_en"] = "\n".join(items.get("en", ()))
        record[f"{name}_ko"] = "\n".join(items.get("ko", ()))
    for name in spec.keys:
        record[name] = refs.get(name, item.get(name))
    for name in spec.extras:
        value = item.get(spec.file_names.get(name, name))
        record[name] = (
            value if value is not None else ([] if name in ("citations", "modifiers") else {})
        )
    if kind == "verdict":
        record["modifiers"] = sorted(record["modifiers"])
    if kind == "clause":
        record["retired"] = bool(item.get("retired", False))
    if kind == "question":
        record["allow_unknown"] = bool(item.get("allow_unknown", False))
    return record


def _sorted(records: Iterable[Record], kind: str) -> list[Record]:
    spec = SPECS[kind]
    return sorted(records, key=lambda r: (r.get("order") or 0, spec.ident(r)))


def by_kind(records: Records) -> dict[str, list[Record]]:
    grouped: dict[str, list[Record]] = {kind: [] for kind in ORDER}
    for key, record in records.items():
        grouped[split_ref(key)[0]].append(record)
    return {kind: _sorted(items, kind) for kind, items in grouped.items()}


def to_document(records: Records) -> PolicyData:
    """The records in the shape of ``policy_content/``: what is exported and compiled."""
    kinds = by_kind(records)
    clauses: defaultdict[str, list[ClauseData]] = defaultdict(list)
    for record in kinds["clause"]:
        clauses[record["section"]].append(
            ClauseData(
                key=record["key"],
                kind=record["kind"],
                body=_pair(record, "body"),
                retired=bool(record["retired"]),
            )
        )
    sections = [
        SectionData(
            slug=record["slug"],
            level=record["level"],
            title=_pair(record, "title"),
            clauses=clauses[record["slug"]],
        )
        for record in kinds["section"]
    ]
    choices: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in kinds["choice"]:
        choices[record["question"]].append(to_file("choice", record))
    questions = [
        {**to_file("question", record), "choices": choices[record["key"]]}
        for record in kinds["question"]
    ]
    values = {q["key"]: {c["value"]: i for i, c in enumerate(q["choices"])} for q in questions}
    rank = {q["key"]: i for i, q in enumerate(questions)}

    def in_choice_order(question: str, mapping: dict[str, Any]) -> dict[str, Any]:
        order = values.get(question, {})
        return dict(sorted(mapping.items(), key=lambda kv: order.get(kv[0], 1_000_000)))

    nodes = []
    for record in kinds["node"]:
        item = to_file("node", record)
        item["next"] = in_choice_order(record["question"], record["edges"])
        nodes.append(item)
    verdicts = []
    for record in kinds["verdict"]:
        item = to_file("verdict", record)
        if "modifiers" in item:
            item["modifiers"] = sorted(item["modifiers"], key=lambda k: rank.get(k, 1_000_000))
        verdicts.append(item)
    modifiers = [
        {"question": r["question"], "overlays": in_choice_order(r["question"], r["overlays"])}
        for r in sorted(kinds["modifier"], key=lambda r: rank.get(r["question"], 1_000_000))
    ]
    start = next((r["name"] for r in kinds["node"] if r["is_start"]), "")
    tree = {
        "start": start,
        "groups": [to_file("choicegroup", record) for record in kinds["choicegroup"]],
        "questions": questions,
        "nodes": nodes,
        "verdicts": verdicts,
        "modifiers": modifiers,
    }
    if kinds["retiredanswer"]:  # left out when empty, so older files round-trip
        tree["retired"] = [to_file("retiredanswer", r) for r in kinds["retiredanswer"]]
    return PolicyData(sections=sections, tree=tree)


def live_anchors(records: Records) -> set[str]:
    """The anchors of the clauses that verdicts may cite (not retired)."""
    return {
        clause_anchor(r["section"], r["key"])
        for key, r in records.items()
        if key.startswith("clause:") and not r["retired"]
    }


def fingerprint(document: PolicyData) -> str:
    """A short hash of the policy's content: equal on every instance holding it."""
    data = {"sections": [asdict(s) for s in document.sections], "tree": document.tree}
    # The document's keys come in a fixed order (the specs'), so no sorting is needed.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
