"""How often the suggester's answers reach the policy's verdict on the ticket corpus.

``python -m tests.accuracy`` (``make accuracy``) prints, per corpus file and per
language: right, wrong and left open. For each ticket the suggested answers are
resolved on the shipped tree:

* right: a complete verdict with the expected level that cites a clause of the
  expected section (and the expected clause, where the ticket names one);
* wrong: a complete verdict that is not right (another level, or the right level
  for a reason the policy does not give); the table's last column counts the first
  kind alone, the one that misleads an engineer most;
* left open: no verdict yet (a question the text does not settle) or a verdict that
  depends on an answer not known. "At hand" counts the open ones where the expected
  verdict lies under one of the first ``AT_HAND`` candidates the proposals page lists for
  the open question (an engineer who picks it, and answers what follows, reaches it).

The working files (``WORKING``) are read while writing the search terms and hold the
targets; ``holdout.toml``, when present, measures generalisation: its tickets are never
used to write the terms, and its misses are never listed. Nothing here reads the ticket
texts except the suggester.

``python -m tests.accuracy --reports FILE.json …`` grades labelled reports kept outside
the repository the same way (``load_reports``): real reports as customers wrote them,
which are not ours to copy into the corpus.

``python -m tests.accuracy --twins [FILE.json]`` grades the bilingual probes
(``tests/data/twins.json``) by level alone, per language, and counts the pairs whose
English and Korean reach different levels (``grade_twins``).
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from supportscope.core.content import read_policy
from supportscope.core.engine import Level, Result, Tree, build_tree, resolve
from supportscope.core.vocabulary import suggest_answers

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
WORKING = ("tickets.toml", "tickets-b.toml", "tickets-c.toml", "tickets-d.toml")
# Modelled on real public AKS reports (long, pasted logs, several components, what the
# customer installed said in passing), labelled from the policy alone: read while tuning
# the reader and its confidence margin, with targets of their own.
# real-c.toml (40: 25 en, 15 ko) was written 2026-12-05 by a writer who saw neither the terms
# nor the suggester, modelled on real reports; split from real-holdout-c.toml by a fixed rule.
# real-d.toml (36: 24 en, 12 ko) was written the same way on 2026-12-05 (second session), split
# from real-holdout-d.toml by a fixed rule before labelling.
# real-e.toml (36: 18 en, 18 ko) likewise, later that session. real-f.toml (36: 18 en, 18 ko)
# likewise on 2026-12-05 (third session), and real-g.toml (36: 12 en, 24 ko) by a second
# writer the same session, from other sources (Q&A pages, repositories other than Azure/AKS).
# real-j.toml (36: 18 en, 18 ko) likewise on 2026-12-05 (fourth session), from Azure/AKS and
# other Azure repositories' issues; real-i.toml (36: 12 en, 24 ko) by a second writer the same
# session, from Q&A pages and the issues of projects people run on AKS.
REAL_WORKING = (
    "real-a.toml",
    "real-b.toml",
    "real-c.toml",
    "real-d.toml",
    "real-e.toml",
    "real-f.toml",
    "real-g.toml",
    "real-i.toml",
    "real-j.toml",
    "real-k.toml",
    "real-l.toml",
    "real-n.toml",
    "real-m.toml",
    "real-o.toml",
    "real-p.toml",
    "real-q.toml",
    "real-r.toml",
    "real-s.toml",
    "real-t.toml",
    "real-v.toml",
    "real-u.toml",
    "real-w.toml",
    "real-x.toml",
    "real-y.toml",
    "real-z.toml",
    "real-aa.toml",
    "real-bb.toml",
    "real-cc.toml",
    "real-dd.toml",
    "real-ee.toml",
    "real-ff.toml",
    "real-gg.toml",
    "real-hh.toml",
    "real-ii.toml",
    "real-jj.toml",
    "real-kk.toml",
    "real-ll.toml",
    "real-mm.toml",
    "real-nn.toml",
    "real-oo.toml",
    "real-pp.toml",
    "real-qq.toml",
    "real-rr.toml",
    "real-ss.toml",
    "real-tt.toml",
    "real-uu.toml",
    "real-vv.toml",
    "real-ww.toml",
    "real-xx.toml",
)
# Former holdouts: written by someone who saw neither the terms nor any other file, first
# graded unseen (their figures then are in docs/accuracy.md), and read since to find where the
# suggester fails; they are not held to the working files' targets.
REVIEWED = ("holdout.toml", "holdout4.toml", "holdout5.toml")
# Never read while writing terms: holdout6.toml (60 tickets, written 2026-11-30 by someone
# who saw only the policy; first graded after that session's last change to the terms).
# real-holdout-a/b.toml: 50 tickets modelled on real reports like REAL_WORKING, never read
# while tuning; their figures alone are looked at.
# real-holdout-c.toml: 30 tickets (18 en, 12 ko) written 2026-12-05 by a writer who saw neither
# the terms nor the suggester, modelled on real reports, assigned by a fixed rule before labelling.
# real-holdout-d.toml: 24 tickets (16 en, 8 ko), the same writer's method, 2026-12-05 (second
# session); first graded after the other changes of that session. real-holdout-e.toml: 24
# (12 en, 12 ko), written later that session, first graded after the changes made for real-d.
# real-holdout-f.toml: 24 (12 en, 12 ko), third session, first graded after that session's
# first reader changes. real-holdout-g.toml: 24 (8 en, 16 ko), the second writer's of that
# session, first graded after the changes made for real-f. real-holdout-j.toml: 24 (12 en,
# 12 ko), written 2026-12-05 (fourth session) by a writer who saw neither the terms nor the
# suggester; first graded after that session's reader changes (forms, DaemonSets, thin
# agreement). real-holdout-i.toml: 24 (8 en, 16 ko), the second writer's of that session,
# first graded after the changes made for real-j. real-holdout-k.toml (12 en, 12 ko) and
# real-holdout-l.toml (8 en, 16 ko): two more writers of that session, first graded after all
# of its changes. real-k.toml / real-l.toml are their working halves (36 each).
# real-holdout-n.toml (8 en, 16 ko) and real-n.toml (36: 12 en, 24 ko): written 2026-12-05
# (fifth session) from Q&A pages and the issues of tools run on AKS, by a writer who saw
# neither the terms nor the suggester; first graded after that session's changes for real-k/-l.
# real-holdout-m.toml (12 en, 12 ko) and real-m.toml (36: 18 en, 18 ko): the same session, from
# Azure repositories' issues, by another such writer; first graded after the changes for real-n.
# real-holdout-o.toml (6 en, 18 ko) and real-o.toml (36: 9 en, 27 ko): a third writer of that
# session, three quarters Korean; first graded after the same changes.
# real-holdout-p.toml (12 en, 12 ko) and real-p.toml (36: 18 en, 18 ko): a fourth writer of
# that session (GitHub issues of Azure repositories and tools run on AKS); first graded after
# the tools' vocabulary. real-holdout-q.toml (8 en, 16 ko) and real-q.toml (36: 12 en, 24 ko):
# a fifth writer of that session (issues and pages, two thirds Korean); first graded after the
# same changes and the JSON version pairs read as output. real-holdout-r.toml (12 en, 12 ko) and
# real-r.toml (36: 18 en, 18 ko): a sixth writer (Azure repositories' issues), first graded
# after the Korean install forms of real-q. real-holdout-s.toml (6 en, 18 ko) and real-s.toml
# (36: 9 en, 27 ko): a seventh writer, three quarters Korean, graded first at the same point.
# real-holdout-t.toml (12 en, 12 ko) and real-t.toml (36: 18 en, 18 ko): written 2026-12-05
# (sixth session) from storage, networking and ingress reports by a writer who saw neither
# the terms nor the suggester; first graded after that session's tie-breaker. Two tickets
# about Helm itself, labelled best effort, were relabelled by the issue 22 rule before it.
# real-holdout-v.toml (12 en, 12 ko) and real-v.toml (36: 18 en, 18 ko): a second writer of
# that session, from reports on add-ons, preview features, tools customers run on AKS and
# requests; first graded at the same point (one Helm ticket relabelled the same way).
# real-holdout-u.toml (8 en, 16 ko) and real-u.toml (36: 12 en, 24 ko): a third writer of
# that session, from reports on nodes, upgrades, identity, certificates and CVEs, two thirds
# Korean; first graded after real-v joined the tie-breaker's training.
# real-holdout-w.toml (6 en, 18 ko) / real-w.toml (36: 9 en, 27 ko) and real-holdout-x.toml
# (12 en, 12 ko) / real-x.toml (36: 18 en, 18 ko): two more writers of that session, w from
# Korean pages and issues of tools run on AKS, x from control-plane and cluster-operation
# issues; shorter texts than the others (about 200-1,400 characters). First graded after
# every change of the session.
# real-holdout-y.toml / real-y.toml (nodes, node pools, upgrades), real-holdout-z.toml /
# real-z.toml (networking) and real-holdout-aa.toml / real-aa.toml (identity, storage,
# add-ons, CVEs, requests): three writers of 2026-12-06 (seventh session), half Korean each
# (holdouts 12 en, 12 ko; working files 18 en, 18 ko), first graded after that session's
# advice reading; four Helm tickets relabelled by the issue 22 rule before it. The z writer
# ordered its 60 reports after choosing them, to balance the levels across the two files,
# before the split rule was applied.
# real-holdout-bb.toml / real-bb.toml (upgrades, versions, quotas, capacity, requests; half
# Korean), real-holdout-cc.toml / real-cc.toml (any AKS problem, mostly from Korean pages;
# two thirds Korean: holdout 8 en, 16 ko, working 12 en, 24 ko) and real-holdout-dd.toml /
# real-dd.toml (software customers run next to what AKS manages; half Korean): three more
# writers of that session, told to keep the order they chose their reports in; first graded
# after its Windows term and the matcher's split; six Helm tickets relabelled first.
# real-holdout-ee.toml / real-ee.toml (nodes and storage, two thirds Korean: holdout 8 en,
# 16 ko; working 12 en, 24 ko), real-holdout-ff.toml / real-ff.toml (long GitHub issues of
# AKS and its components, one third Korean: holdout 16 en, 8 ko; working 24 en, 12 ko) and
# real-holdout-gg.toml / real-gg.toml (customers asking what to do: configuring, sizing,
# scripts, restores; half Korean): three more writers of that session, first graded after
# the how-to question read as advice on the part it names; four Helm tickets relabelled.
# real-holdout-hh.toml / real-hh.toml (observability and agents: Container Insights and
# managed Prometheus against self-installed monitoring stacks and vendors' agents),
# real-holdout-ii.toml / real-ii.toml (storage, backup and restore, Windows node pools) and
# real-holdout-jj.toml / real-jj.toml (networking: CNI modes, BYOCNI, private clusters, DNS,
# egress, ingress controllers, meshes): three writers of 2026-12-06 (eighth session), half
# Korean each (holdouts 12 en, 12 ko; working files 18 en, 18 ko), who kept the order they
# chose their reports in; first graded after that session's reads-like hold and before its
# BYOCNI terms; one Helm ticket (real-hh) relabelled by the issue 22 rule after it.
# real-holdout-kk.toml / real-kk.toml (control plane and access: API server, private
# clusters, authorized IP ranges, Entra ID, RBAC, identities; two thirds Korean: holdout 8
# en, 16 ko, working 12 en, 24 ko), real-holdout-ll.toml / real-ll.toml (lifecycle:
# upgrades, drains, autoscaling, stopped clusters, quotas; half Korean) and
# real-holdout-mm.toml / real-mm.toml (the customer's own workloads and requests: crashing
# applications, code and script requests, standby, restores, vendors' agents; two thirds
# Korean): three more writers of that session; kk first graded after the level model, ll and
# mm after the close rival read with the walk's lookahead; four Helm tickets relabelled after.
# real-holdout-nn.toml / real-nn.toml (long GitHub issues with heavy pasted output; one third
# Korean: holdout 16 en, 8 ko, working 24 en, 12 ko), real-holdout-oo.toml / real-oo.toml
# (Korean only: 24 and 36 ko) and real-holdout-pp.toml / real-pp.toml (something mentioned
# only in passing: a self-installed tool beside a managed part, or the reverse; half
# Korean): a third batch of that session, first graded after the matcher's split; Helm
# tickets labelled best effort relabelled after.
# real-holdout-rr.toml / real-rr.toml (add-ons and extensions AKS offers against the same
# tools installed by the customer, preview features; two thirds Korean: holdout 8 en, 16 ko,
# working 12 en, 24 ko), real-holdout-ss.toml / real-ss.toml (what customers ask support to
# do: restores, standby, their own code, out-of-support versions, changes in the node
# resource group; half Korean) and real-holdout-qq.toml / real-qq.toml (nodes: images, VM
# sizes, spot and GPU pools, kubelet, containerd, disks, node access, auto-repair; half
# Korean): written 2026-12-06 (ninth session) by three writers who saw neither the terms nor
# the suggester and kept the order they chose their reports in. rr first graded after that
# session's listing of the likeliest choice (12 / 2 / 10, 1 at the wrong level); ss and qq
# after rr joined the models' training (ss 15 / 5 / 4, 3; qq 12 / 3 / 9, 2). Tickets labelled
# best effort under the third-party open-source note relabelled by the issue 22 rule after.
# real-holdout-tt.toml / real-tt.toml (Korean only: 24 and 36 ko), real-holdout-uu.toml /
# real-uu.toml (security and patching: CVEs, fix times, scanners, node OS patching,
# certificates, version support; half Korean) and real-holdout-vv.toml / real-vv.toml
# (control-plane availability and scale: API server timeouts and throttling, SLA, tunnels,
# etcd limits, the customer's webhooks, autoscaling delays; one third Korean: holdout 16 en,
# 8 ko, working 24 en, 12 ko): a second batch of that session, first graded after the first
# batch joined the models' training (tt 14 / 2 / 8, 2 at the wrong level; uu 11 / 2 / 11, 0;
# vv 12 / 2 / 10, 0); seven tickets labelled best effort under the open-source note (Helm)
# relabelled by the issue 22 rule after.
# real-holdout-ww.toml / real-ww.toml (storage, backup and restore: CSI drivers, volumes
# stuck attaching, Azure Files and Blob, snapshots, Velero and the backup extension, restores
# of deleted clusters; two thirds Korean) and real-holdout-xx.toml / real-xx.toml (traffic
# into the cluster: ingress controllers, application routing, AGIC and Application Gateway
# for Containers, Gateway API, load-balancer annotations and probes, public IPs, external-dns
# and cert-manager; half Korean): a third batch of the ninth session, first graded in the
# tenth session's first minutes with the ninth's last models (ww 12 / 2 / 10, 1 at the wrong
# level; xx 14 / 4 / 6, 2; 15 / 3 / 6, 1 after the relabelling); three tickets labelled best
# effort under the open-source note relabelled by the issue 22 rule after.
HOLDOUTS = (
    "holdout6.toml",
    "real-holdout-a.toml",
    "real-holdout-b.toml",
    "real-holdout-c.toml",
    "real-holdout-d.toml",
    "real-holdout-e.toml",
    "real-holdout-f.toml",
    "real-holdout-g.toml",
    "real-holdout-i.toml",
    "real-holdout-j.toml",
    "real-holdout-k.toml",
    "real-holdout-l.toml",
    "real-holdout-n.toml",
    "real-holdout-m.toml",
    "real-holdout-o.toml",
    "real-holdout-p.toml",
    "real-holdout-q.toml",
    "real-holdout-r.toml",
    "real-holdout-s.toml",
    "real-holdout-t.toml",
    "real-holdout-v.toml",
    "real-holdout-u.toml",
    "real-holdout-w.toml",
    "real-holdout-x.toml",
    "real-holdout-y.toml",
    "real-holdout-z.toml",
    "real-holdout-aa.toml",
    "real-holdout-bb.toml",
    "real-holdout-cc.toml",
    "real-holdout-dd.toml",
    "real-holdout-ee.toml",
    "real-holdout-ff.toml",
    "real-holdout-gg.toml",
    "real-holdout-hh.toml",
    "real-holdout-ii.toml",
    "real-holdout-jj.toml",
    "real-holdout-kk.toml",
    "real-holdout-ll.toml",
    "real-holdout-mm.toml",
    "real-holdout-nn.toml",
    "real-holdout-oo.toml",
    "real-holdout-pp.toml",
    "real-holdout-qq.toml",
    "real-holdout-rr.toml",
    "real-holdout-ss.toml",
    "real-holdout-tt.toml",
    "real-holdout-uu.toml",
    "real-holdout-vv.toml",
    "real-holdout-ww.toml",
    "real-holdout-xx.toml",
)
FILES = (*WORKING, *REAL_WORKING, *REVIEWED, *HOLDOUTS)
RIGHT, WRONG, OPEN = "right", "wrong", "left open"
WRONG_LEVEL = "wrong level"
AT_HAND_COLUMN = "open, at hand"
AT_HAND = 3  # the candidates an engineer sees first on the proposals page


@dataclass(frozen=True)
class Graded:
    id: str
    lang: str
    grade: str
    answers: dict[str, str]
    got: str
    level_right: bool = False  # a complete verdict of the expected level
    at_hand: bool = False  # left open, the expected verdict under a first candidate


def shipped_tree() -> Tree:
    return build_tree(read_policy(ROOT / "policy_content").tree)


def load(name: str) -> list[dict[str, str]]:
    with (CORPUS / name).open("rb") as handle:
        return tomllib.load(handle)["ticket"]


def grade(tree: Tree, ticket: dict[str, str]) -> Graded:
    found = suggest_answers(tree, ticket["text"])
    outcome = resolve(tree, found.answers)
    if outcome.result is None:
        at_hand = found.open_question is not None and any(
            reaches(tree, {**found.answers, found.open_question.key: item.value}, ticket)
            for item in found.listed()[:AT_HAND]
        )
        return Graded(ticket["id"], ticket["lang"], OPEN, found.answers, "open", at_hand=at_hand)
    result = outcome.result
    return Graded(
        ticket["id"],
        ticket["lang"],
        RIGHT if right(result, ticket) else WRONG,
        found.answers,
        result.level.value,
        level_right=result.level.value == ticket["verdict"],
    )


def right(result: Result, ticket: dict[str, str]) -> bool:
    """Whether a verdict is the ticket's: its level, its section cited (and its clause, if
    the ticket names one)."""
    cited = set(result.citations)
    return (
        result.level.value == ticket["verdict"]
        and any(anchor.split("--")[0] == ticket["section"] for anchor in cited)
        and ("clause" not in ticket or ticket["clause"] in cited)
    )


def reaches(tree: Tree, answers: dict[str, str], ticket: dict[str, str]) -> bool:
    """Whether some way of answering the questions ``answers`` leaves open reaches the
    ticket's expected verdict."""
    return any(right(result, ticket) for result in reachable(tree, answers))


def reachable(tree: Tree, answers: dict[str, str]) -> Iterator[Result]:
    """The verdicts that the ways of answering the questions ``answers`` leaves open
    reach, depth first (one per complete path)."""
    outcome = resolve(tree, answers)
    if outcome.result is not None:
        yield outcome.result
        return
    question = outcome.question
    if question is None:
        return
    for value in question.values:
        yield from reachable(tree, {**answers, question.key: value})


def grade_file(tree: Tree, name: str) -> list[Graded]:
    return [grade(tree, ticket) for ticket in load(name)]


def table(rows: dict[str, list[Graded]]) -> str:
    lines = [
        f"{'corpus':<22} {'tickets':>7} {RIGHT:>12} {WRONG:>12} {OPEN:>12} {WRONG_LEVEL:>12}"
        f" {AT_HAND_COLUMN:>14}"
    ]
    for name, graded in rows.items():
        for lang in (None, "en", "ko"):
            part = [g for g in graded if lang is None or g.lang == lang]
            if not part:
                continue
            counts = Counter(g.grade for g in part)
            label = name if lang is None else f"  {lang}"

            def cell(key: str, counts: Counter = counts, total: int = len(part)) -> str:
                return f"{counts[key]} ({100 * counts[key] / total:.0f}%)"

            counts[WRONG_LEVEL] = sum(g.grade == WRONG and not g.level_right for g in part)
            at_hand = f"{sum(g.at_hand for g in part)} of {counts[OPEN]}"
            lines.append(
                f"{label:<22} {len(part):>7} {cell(RIGHT):>12} {cell(WRONG):>12}"
                f" {cell(OPEN):>12} {cell(WRONG_LEVEL):>12} {at_hand:>14}"
            )
    return "\n".join(lines)


def load_reports(paths: list[Path]) -> dict[str, list[dict[str, str]]]:
    """Labelled reports kept outside the repository (real reports as customers wrote them,
    which may not be copied here), per file: each a JSON list of objects with ``id``,
    ``text``, ``verdict``, ``section`` and optionally ``clause`` and ``source``; a report
    whose ``source`` an earlier one has is read once. A verdict that is not a level's value
    ("best-effort" for ``best_effort``) is refused: it could never be graded right."""
    levels = sorted(level.value for level in Level)
    seen: set[str] = set()
    files: dict[str, list[dict[str, str]]] = {}
    for path in paths:
        reports = files.setdefault(path.name, [])
        for item in json.loads(path.read_text(encoding="utf-8")):
            if item.get("verdict") not in levels:
                raise ValueError(
                    f"{path.name}, report {item.get('id')!r}: verdict {item.get('verdict')!r}"
                    f" is not one of {', '.join(levels)}"
                )
            source = item.get("source", "")
            if source and source in seen:
                continue
            seen.add(source)
            reports.append({"lang": "en", **item})
    return files


def reports_table(tree: Tree, paths: list[Path]) -> str:
    """``table`` for labelled reports kept outside the repository (``load_reports``), a
    row per file and one for all, with the wrong "supported" answers counted below."""
    files = load_reports(paths)
    rows = {name: [grade(tree, item) for item in items] for name, items in files.items()}
    reports = [item for items in files.values() for item in items]
    rows["all"] = [graded for name in files for graded in rows[name]]
    wrongly_supported = sum(
        graded.grade == WRONG and graded.got == "supported" and item["verdict"] != "supported"
        for item, graded in zip(reports, rows["all"], strict=True)
    )
    return f'{table(rows)}\nwrong "supported": {wrongly_supported} of {len(reports)}'


TWINS = Path(__file__).resolve().parent / "data" / "twins.json"


@dataclass(frozen=True)
class TwinCounts:
    """Bilingual probes (``TWINS``) graded by level: per language, how many reach the
    labelled level, another level (of which how many "supported" where the label is not),
    or stay open; and the pairs whose two languages reach different levels, neither open."""

    right: dict[str, int]
    other: dict[str, int]
    supported: dict[str, int]
    open: dict[str, int]
    apart: tuple[str, ...]


def grade_twins(tree: Tree, probes: list[dict[str, str]]) -> TwinCounts:
    counts: dict[str, Counter[str]] = {"en": Counter(), "ko": Counter()}
    apart = []
    for probe in probes:
        levels = {}
        for lang, tally in counts.items():
            result = resolve(tree, suggest_answers(tree, probe[lang]).answers).result
            level = levels[lang] = result.level.value if result is not None else None
            if level is None:
                tally["open"] += 1
            elif level == probe["level"]:
                tally["right"] += 1
            else:
                tally["other"] += 1
                tally["supported"] += level == Level.SUPPORTED.value
        if None not in levels.values() and levels["en"] != levels["ko"]:
            apart.append(probe["id"])
    return TwinCounts(
        *(
            {lang: tally[key] for lang, tally in counts.items()}
            for key in ("right", "other", "supported", "open")
        ),
        tuple(apart),
    )


def twins_table(tree: Tree, path: Path = TWINS) -> str:
    probes = json.loads(path.read_text(encoding="utf-8"))["probes"]
    lines = []
    for name in sorted({probe["set"] for probe in probes}):
        part = [probe for probe in probes if probe["set"] == name]
        graded = grade_twins(tree, part)
        for lang in ("en", "ko"):
            lines.append(
                f"{name} {lang}: {len(part)} probes, {graded.right[lang]} at the labelled "
                f"level, {graded.other[lang]} at another ({graded.supported[lang]} "
                f'"supported"), {graded.open[lang]} open'
            )
        lines.append(f"{name}: the two languages reach different levels: {len(graded.apart)}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    tree = shipped_tree()
    if argv[:1] == ["--reports"]:  # labelled reports kept outside the repository
        print(reports_table(tree, [Path(arg) for arg in argv[1:]]))
        return 0
    if argv[:1] == ["--twins"]:  # the bilingual probes, by level
        print(twins_table(tree, Path(argv[1]) if len(argv) > 1 else TWINS))
        return 0
    rows = {name: grade_file(tree, name) for name in FILES if (CORPUS / name).exists()}
    print(table(rows))
    if "-v" in argv:  # the misses of the working files only: the holdout stays unseen
        for name, graded in rows.items():
            if name in HOLDOUTS:
                continue
            for g in graded:
                if g.grade != RIGHT:
                    print(f"{name} {g.id}: {g.grade} ({g.got}) {g.answers}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
