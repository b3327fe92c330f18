"""The suggester on the ticket corpus: right at least 90%, wrong at most 3%, on every
working file (``WORKING`` in ``tests/accuracy.py``) and in each language.

Each ticket's suggested answers are resolved on the shipped tree and graded as in
``tests/accuracy.py``. Former and current holdout files are graded too, but only so that
the suite fails loudly if reading them breaks; their figures are reported by
``make accuracy``.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from tests.accuracy import (
    CORPUS,
    HOLDOUTS,
    OPEN,
    REAL_WORKING,
    REVIEWED,
    RIGHT,
    TWINS,
    WORKING,
    WRONG,
    grade,
    grade_file,
    grade_twins,
    load_reports,
    reports_table,
    shipped_tree,
    table,
    twins_table,
)


@pytest.fixture(scope="module")
def tree():
    return shipped_tree()


@pytest.fixture(scope="module")
def graded(tree):
    return {name: grade_file(tree, name) for name in WORKING}


@pytest.mark.parametrize("name", WORKING)
def test_each_working_file_meets_the_targets(graded, name):
    part = graded[name]
    counts = Counter(g.grade for g in part)
    total = len(part)
    assert total >= 30
    assert counts[WRONG] / total <= 0.03, [g for g in part if g.grade == WRONG]
    assert counts[RIGHT] / total >= 0.90, [g for g in part if g.grade != RIGHT]


@pytest.mark.parametrize("name", WORKING)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_each_language_meets_the_targets_on_its_own(graded, name, lang):
    part = [g for g in graded[name] if g.lang == lang]
    counts = Counter(g.grade for g in part)
    assert counts[WRONG] / len(part) <= 0.03, [g for g in part if g.grade == WRONG]
    assert counts[RIGHT] / len(part) >= 0.90, [g for g in part if g.grade != RIGHT]


def test_grading_tells_right_from_wrong_from_open(tree):
    base = {"id": "t", "lang": "en", "section": "unsupported-scenarios"}
    nginx = "our self-installed ingress-nginx controller returns 502 after the upgrade"
    right = grade(tree, {**base, "text": nginx, "verdict": "unsupported"})
    wrong = grade(tree, {**base, "text": nginx, "verdict": "supported"})
    other_clause = grade(
        tree,
        {**base, "text": nginx, "verdict": "unsupported", "clause": "unsupported-scenarios--intro"},
    )
    left_open = grade(tree, {**base, "text": "hello, please call me", "verdict": "supported"})
    assert (right.grade, wrong.grade, other_clause.grade, left_open.grade) == (
        RIGHT,
        WRONG,
        WRONG,
        OPEN,
    )


def test_an_open_ticket_is_at_hand_when_a_first_candidate_leads_to_its_verdict(tree):
    text = (
        "No traffic reaches our ingress on the new cluster. We installed ingress-nginx with "
        "helm, as on the old cluster. The load balancer has its public IP but requests time "
        "out and the health probe is unhealthy. Why is the load balancer not forwarding?"
    )
    base = {"id": "t", "lang": "en", "text": text}
    reachable = grade(
        tree,
        {
            **base,
            "verdict": "unsupported",
            "section": "unsupported-scenarios",
            "clause": "unsupported-scenarios--unmanaged-ingress",
        },
    )
    elsewhere = grade(
        tree,
        {
            **base,
            "verdict": "unsupported",
            "section": "unsupported-scenarios",
            "clause": "unsupported-scenarios--standby-proactive",
        },
    )
    nothing = grade(
        tree,
        {
            **base,
            "text": "hello, please call me",
            "verdict": "supported",
            "section": "unsupported-scenarios",
        },
    )
    assert (reachable.grade, reachable.at_hand) == (OPEN, True)
    assert (elsewhere.grade, elsewhere.at_hand) == (OPEN, False)
    assert (nothing.grade, nothing.at_hand) == (OPEN, False)


def test_the_table_has_a_row_per_file_and_language(tree):
    rows = {"tickets.toml": grade_file(tree, "tickets.toml")}
    text = table(rows)
    lines = text.splitlines()
    assert lines[0].split()[:2] == ["corpus", "tickets"]
    assert [line.split()[0] for line in lines[1:]] == ["tickets.toml", "en", "ko"]


def test_reports_kept_outside_are_graded_once_each_with_the_wrong_supported_counted(tree, tmp_path):
    nginx = "our self-installed ingress-nginx controller returns 502 after the upgrade"
    api = "kubectl get nodes times out against the API server of our AKS cluster since noon"
    base = {"section": "unsupported-scenarios", "verdict": "unsupported"}
    first = [
        {**base, "id": "a-1", "source": "github:x/y#1", "text": nginx},
        {**base, "id": "a-2", "source": "github:x/y#2", "text": api},  # answered supported
    ]
    again = [{**base, "id": "b-1", "source": "github:x/y#1", "text": nginx}]
    (tmp_path / "a.json").write_text(json.dumps(first), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(again), encoding="utf-8")
    printed = reports_table(tree, [tmp_path / "a.json", tmp_path / "b.json"])
    rows = {line.split()[0]: line.split()[1] for line in printed.splitlines()[1:-1]}
    assert (rows["a.json"], rows["all"]) == ("2", "2")
    assert "b.json" not in rows  # its one report is a's first, read once
    assert printed.splitlines()[-1] == 'wrong "supported": 1 of 2'


# The bilingual probes (twentieth session): what each language reaches now (at the labelled
# level, at another, of which "supported"). tw1 was read while writing terms; at the
# session's start English gave 96 / 7 (4) and Korean 95 / 13 (11). tw2, longer tickets
# with logs and what the customer installed, was graded unseen first: English 54 / 2 (1)
# with the session's first code and with the code of the moment, Korean 67 / 10 (6) and
# 67 / 11 (7); then read. tw3, long rambling tickets that say what the customer installed
# only in passing, was graded unseen at the end: English 26 / 7 (1) at the start and then,
# Korean 28 / 13 (3) at the start and 31 / 13 (3) then; one Korean answer was read since.
# tw4, forty more of the kind, was written last and only graded: English 15 / 2 (0) with the
# session's first code and 18 / 2 (0) with its last, Korean 16 / 5 (2) and 19 / 4 (1).
# Twenty-third session: three Korean "supported" answers where their English twins were left
# open were read and are now open as in English (tw2, tw3, tw6); tw6 gained a Korean answer
# at the labelled level, tw3 and tw5 an English one (the NSG AKS created; a how-to about AKS
# nodes).
TWIN_TARGETS = {
    "tw1": {"en": (104, 2, 1), "ko": (108, 2, 1), "apart": 0},
    "tw2": {"en": (56, 2, 1), "ko": (69, 2, 0), "apart": 0},
    "tw3": {"en": (31, 3, 0), "ko": (32, 4, 0), "apart": 0},
    "tw4": {"en": (18, 2, 0), "ko": (19, 2, 0), "apart": 1},
    "tw5": {"en": (40, 1, 0), "ko": (46, 2, 1), "apart": 0},
    "tw6": {"en": (38, 4, 2), "ko": (48, 2, 2), "apart": 0},
}


@pytest.mark.parametrize("name", sorted(TWIN_TARGETS))
def test_each_language_reads_the_bilingual_probes_at_their_level(tree, name):
    probes = [
        p for p in json.loads(TWINS.read_text(encoding="utf-8"))["probes"] if p["set"] == name
    ]
    graded = grade_twins(tree, probes)
    for lang in ("en", "ko"):
        least_right, most_other, most_supported = TWIN_TARGETS[name][lang]
        assert graded.right[lang] >= least_right, lang
        assert graded.other[lang] <= most_other, lang
        assert graded.supported[lang] <= most_supported, lang
    assert len(graded.apart) <= TWIN_TARGETS[name]["apart"], graded.apart


def test_a_probe_is_graded_by_level_in_each_language(tree):
    probes = [
        {
            "id": "p-1",
            "set": "t",
            "level": "unsupported",
            "en": "We installed Istio ourselves with istioctl and sidecars are not injected.",
            "ko": "istioctl 로 Istio 를 직접 설치했는데 사이드카가 주입되지 않습니다.",
        },
        {  # a request to restore is not supported, whatever the label says
            "id": "p-2",
            "set": "t",
            "level": "supported",
            "en": "Can you restore an etcd backup of our cluster from last week?",
            "ko": "무슨 일인지 모르겠습니다.",
        },
    ]
    graded = grade_twins(tree, probes)
    assert (graded.right, graded.other, graded.open) == (
        {"en": 1, "ko": 1},
        {"en": 1, "ko": 0},
        {"en": 0, "ko": 1},
    )
    assert graded.supported == {"en": 0, "ko": 0}
    assert graded.apart == ()  # the second pair's Korean is open


def test_the_twins_table_has_two_lines_and_a_count_per_set(tree):
    printed = twins_table(tree).splitlines()
    assert len(printed) == 3 * len(TWIN_TARGETS)  # two languages and the pairs apart
    assert printed[0].startswith("tw1 en: 120 probes, ")


def test_a_report_whose_verdict_is_no_level_is_refused_by_name(tmp_path):
    report = {"id": "a-1", "text": "x", "section": "s", "verdict": "best-effort"}
    (tmp_path / "a.json").write_text(json.dumps([report]), encoding="utf-8")
    message = (
        "a.json, report 'a-1': verdict 'best-effort' is not one of best_effort, supported,"
        " unsupported"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        load_reports([tmp_path / "a.json"])


@pytest.mark.parametrize("name", [*REVIEWED, *HOLDOUTS])
def test_each_holdout_file_can_be_graded_when_present(tree, name):
    if not (CORPUS / name).exists():
        pytest.skip(f"no {name}: the coordinator adds an unseen set at the end")
    graded = grade_file(tree, name)
    assert len(graded) >= 24  # the smallest, real-holdout-d.toml, holds 24
    assert {g.grade for g in graded} <= {RIGHT, WRONG, OPEN}


# What the reader reaches on the files modelled on real reports (tests/corpus/real-*.toml),
# as right at least / wrong at most per file: held so that no change loses ground. Far from
# the goal (right >= 75%, wrong <= 5% on the real holdout); see docs/accuracy.md.
# The tie-breaker (core/learned.py) is trained on these files, so retraining it with a new
# file may move a ticket: retrained with real-u (2026-12-05), it settled one more real-n
# ticket at the right level with another clause than its writer's (real-n wrong 4 -> 5).
# Retrained with real-y, real-z and real-aa (2026-12-06), it settled an open real-b ticket
# at the right level (supported) with another clause (real-b wrong 3 -> 4); retrained with
# real-bb, real-cc and real-dd the same day, it no longer settles a real-m ticket it had
# settled right (left open, the right answer first among its candidates: real-m right
# 18 -> 17); retrained with real-ee, real-ff and real-gg, one real-z ticket settled right
# is left open (real-z right 28 -> 27).
# The terse Korean install note ("Longhorn v1.6.2 (helm 설치)") read as an install left a
# real-aa wrong "supported" open, and settled a real-y ticket open before as the CI runner
# its customer installed in passing (real-y wrong 4 -> 5, at the wrong level; the holdouts
# one right and one wrong more).
# The "reads-like" hold (2026-12-06, eighth session: a long ticket that reads clearly more
# like past tickets about a runner-up that would not be supported is left open) left six
# wrong answers open, five of them at the wrong level (real-a, real-p, real-cc, real-dd,
# real-ee twice), and five right ones, each at hand, first among its candidates (real-m,
# real-v, real-aa, real-cc, real-gg); on the holdouts, four wrong "supported" and no right
# answer. Trading a right answer for a wrong "supported" is the issue's own rule. The same
# hold for a verdict of any level left eight more wrong answers open, four at the wrong
# level (real-a, real-e, real-g, real-o, real-t, real-y, real-bb, real-dd) and one right
# one, at hand (real-x); on the holdouts, 11 wrong (8 at the wrong level) and 3 right.
# Retrained with real-hh, real-ii and real-jj the same session, the classifier reads one real-t
# ticket clearly more like another choice (left open, at hand: real-t right 24 -> 23) and one
# real-ee ticket no longer so (a wrong "supported" it had left open: real-ee wrong 2 -> 3). The
# BYOCNI terms moved real-c, real-e and real-cc a right answer up or a wrong one down.
# The level model (eighth session: a long ticket worded like tickets of another level is
# left open when a runner-up would lead there) is trained on these files, so their figures
# flatter it: 22 wrong answers fewer and no right one here; out of fold (tests.retrieval)
# 15 right and 15 wrong fewer; on the holdouts 4 right and 12 wrong (11 at the wrong level).
# Retrained with real-kk, real-ll and real-mm, one real-o ticket is settled at the right
# level with another clause than its writer's (real-o wrong 3 -> 4); the holdouts one right
# answer fewer and three wrong more.
# Retrained with real-nn, real-oo and real-pp, one real-z ticket settled right is left open
# (real-z right 28 -> 27; the holdouts three right and one wrong more).
# Retrained with real-qq, real-rr and real-ss (ninth session), a real-hh ticket and a real-o
# one are settled at the right level with another clause than their writers' (real-hh right
# 22 -> 21 and wrong 2 -> 3; real-o wrong 3 -> 4); the 992 older holdouts two
# right answers and three wrong ones fewer, the 72 new ones two wrong "supported" more.
# Retrained again with real-tt, real-uu and real-vv, a right answer each in real-p and real-s
# is settled at the right level with another clause than its writer's (right 22 -> 21 and
# 24 -> 23, wrong 2 -> 3 and 3 -> 4) and one in real-ss is left open (26 -> 25); on the 1,136
# real holdouts three
# right and three wrong more (two at the wrong level): retraining moves a few tickets
# either way (docs/accuracy.md).
# Retrained with real-ww and real-xx (tenth session), a Korean real-ee ticket settled right is
# left open, at hand (real-ee right 26 -> 25); on the 1,136 earlier real holdouts one right
# answer and three wrong ones fewer.
# The tie-breaker became a logistic regression (tenth session). Trained on these files, it
# fits them far more closely than the naive Bayes model did: 112 right answers more here and
# 7 wrong fewer, but one wrong answer more each in real-m, real-v, real-dd and real-ll (a
# settled answer at the right level with another clause than its writer's). Out of fold
# (python -m tests.retrieval), the honest figure for these files: 45 right answers more and
# no wrong one more; on the 1,184 real holdouts 22 right more and one wrong more, one fewer
# at the wrong level (docs/accuracy.md). Every target below was set again to what the
# reader reaches with it.
# The "unlike" hold (twelfth session: on a long ticket, a supported answer the words chose
# by a narrow lead, which the ticket reads little like, is left open) left 39 wrong answers
# of these files open and 17 right ones (each at hand, first among the candidates): right
# 1,240 -> 1,223, wrong 113 -> 74. In sample, so it flatters the classifier; out of fold
# (python -m tests.retrieval) 48 right and 34 wrong, on the 1,184 real holdouts 44 right
# and 36 wrong, five of them a wrong "supported" (docs/accuracy.md). Every target below was
# set again to what the reader reaches with it, the wrong ones tightened with the rest.
# Thirteenth session: "our own autoscaler" is the customer's install, which settles one more
# real-w ticket (right 26 -> 27); the "thin" hold (a supported answer resting on one plain
# word of a long ticket that reads likelier to be about another choice) leaves one Korean
# real-ll question on an aborted upgrade open, at hand (right 25 -> 24). Out of fold the two
# together: working real files 1,036 -> 1,037 right, 112 wrong; real holdouts 650 -> 649
# right, 91 wrong (docs/accuracy.md). "Azure Kubernetes Service" then read as the product's
# short name, no longer as an "Azure … service" integration: two Korean tickets asking for
# advice on the Entra ID integration, settled right only through the role name "Azure
# Kubernetes Service Cluster User Role", are left open, at hand (real-k and real-q right
# 26 -> 25; out of fold 1,037 -> 1,035 right, holdouts unchanged). Retrained on the texts so
# read, the classifier settles a Korean real-e ticket it left open at the right level with
# another clause than its writer's (real-e wrong 1 -> 2).
# Fourteenth session: "who installed the part that fails" is no longer assumed to be AKS
# where the ticket names the customer's software in their own words. A Korean real-m ticket
# on a kernel soft lockup, which names the fluent-bit DaemonSet the customer runs, now asks
# it (open, at hand: real-m right 20 -> 19). Out of fold: working real files 1,035 -> 1,034
# right, 112 wrong; real holdouts one right and one wrong fewer; on 61 unseen raw reports
# "our istio stopped working after the upgrade" is no longer a wrong "supported". A feature
# flag named in one word ending in "Preview" ("AKS-NATGatewayPreview") is then read as
# naming a preview: one English ticket each of real-m, real-q and real-v settles right (real-m
# back to 20, real-q 25 -> 26, real-v 24 -> 25); out of fold working real files 1,034 ->
# 1,038 right, 112 wrong, real holdouts one right more.
# Fifteenth session: twelve months are a year, no longer 360 days (so "more than 12 months"
# missed the year's condition): a Korean real-l ticket whose stopped cluster AKS says has
# been stopped for more than 12 months settles right (real-l 20 -> 21).
# Sixteenth session: where the first question is answered with the customer's own software
# (open source, a vendor's, an ingress controller), close contenders that agree on the level
# settle the question that asks which of it on a long ticket too, without the evidence a
# first answer needs (walk._which_of_theirs): 15 working tickets settle right (real-o,
# real-cc and real-xx two each; real-q, real-s, real-v, real-ff, real-nn, real-pp, real-rr,
# real-uu one each), and one real-nn ticket is settled at the right level with another
# clause than its writer's (the community ingress-nginx read as open source, where its
# writer named the unmanaged-ingress clause: real-nn right 16 -> 18, wrong 2 -> 3).
# A denial is a whole word: "whenever" and "minor" had read as "never" and "nor". An
# English real-ll ticket asking whether AKS upgrades a cluster on its own "when its minor
# version drops out of support" was settled right only because that denial hid its version
# words; it is now open, at hand (real-ll right 24 -> 23). No other file moves.
# Seventeenth session: a verdict other than "supported" on a long ticket is held open, like
# a supported one, when it rests on a score of 1.5 at most and the ticket reads likelier to
# be about another choice (doubts.THIN_OTHER): a Korean real-pp ticket settled as Helm's
# open source, where its writer named application code, is left open (real-pp wrong 1 -> 0).
# 'aad-pod-identity', the open-source project's name, is a term of open source (the add-on
# is "pod identity" or "pod-managed identity"): an English real-p ticket and one of real-rr
# settle right (real-p 23 -> 24, real-rr 21 -> 22).
# A ticket that says nothing of its CNI is assumed to run one AKS manages (every one leads
# where Azure CNI does; vocabulary.DEFAULTS), though not while weighing whether close first
# answers agree on a level, nor where an old link's preview is read: 11 working tickets
# settle right (real-d, real-f, real-k, real-m, real-o, real-t, real-v, real-cc, real-ee,
# real-mm, real-oo one each),
# and one English real-cc ticket about kube-system pods failing on a new cluster is settled
# supported as cluster networking, where its writer named the managed kube-system clause
# (real-cc wrong 1 -> 2).
# Eighteenth session: "the" ends the name of what the customer installed, so "our helm
# install to the application routing add on" names nothing after the release name: an
# English real-nn ticket held open by "routing" as an install settles right (real-nn 18 ->
# 19).
# Nineteenth session: "az aks command invoke" reaches the API server, so a Korean real-v
# ticket about the command failing inside the pod AKS creates for it settles right
# (real-v 27 -> 28). A managed add-on named only as a project customers also install on
# their own (KEDA, Dapr, Flux) is held open where the text never says it is the add-on: a
# wrong answer of real-oo (supported, as labelled, for another clause) and a wrong
# "supported" of real-rr are left open (real-oo wrong 4 -> 3, real-rr 1 -> 0).
# Twentieth session: the customer's scale set 'scaled' or its capacity raised ('늘렸') is
# a change to what AKS manages, so a Korean real-w ticket about a VMSS resized by hand
# settles right (real-w 27 -> 28). A Terraform module asked to be written ("terraform
# module", "module written") is custom code: an English real-jj ticket settles right
# (real-jj 23 -> 24). An image from a public Helm chart the customer deployed ("bitnami",
# "docker.io", "헬름 차트로 배포한") is theirs where a CVE is found in it, and Portworx is a
# vendor's product: a Korean real-ii ticket and a real-ww one settle right (real-ii 26 ->
# 27, wrong 2 -> 1; real-ww 25 -> 26). Gatekeeper is also the Azure Policy add-on's (a
# term of the add-on choice too, and a project customers install on their own): an English
# real-d ticket settles right (real-d 25 -> 26).
# Twenty-first session: a Korean sentence that drops its subject and says in the past tense
# that a managed component's object in kube-system was changed ("… 레플리카를 1개로
# 줄였더니", "… limit 을 수정했는데") is the writer's change. Two wrong "supported" answers
# of the bilingual probes go, and a Korean real-rr ticket, labelled supported for the
# add-on's own memory limit although the customer raised it in its ConfigMap, is now held
# open for that change (real-rr 22 -> 21): a right answer traded for two wrong "supported".
# The customer's own Helm chart ("our own helm chart", "자체 헬름 차트") is their
# application's configuration: a real-ff ticket settles right (real-ff 26 -> 27).
# Twenty-second session: "a point in time" said in passing is no request to restore (real-ee
# 29 -> 30), and a feature turned on with an AKS custom header is a preview (real-ww 26 ->
# 27).
# Twenty-third session: the NSG AKS created named as written ("aks-agentpool-…-nsg") is on
# the managed subnet (real-a 37 -> 38, real-y 27 -> 28), and the follow-up "which open
# source?" names the projects the first step names (real-rr 21 -> 22).
# Twenty-sixth session: the name of what the customer installed ends at "is" ("our datadog
# agent is installed with helm" named "datadog agent is", which starts a term and so read
# as a project the tree knows): an English real-b ticket's wrong answer (the vendor's agent,
# where its writer named the application) is open (real-b wrong 2 -> 1), and an English
# real-ss ticket whose "hosted agents" had read as an install settles right (28 -> 29).
# A version that "left support" is one out of support, and "we can't upgrade yet" (ko "아직
# 업그레이드를 못 하고") keeps the cluster on it: a real-mm ticket settles right (24 -> 25).
REAL_TARGETS = {
    "real-a.toml": (38, 3),
    "real-b.toml": (39, 1),
    "real-c.toml": (30, 1),
    "real-d.toml": (26, 2),
    "real-e.toml": (28, 2),
    "real-f.toml": (26, 1),
    "real-g.toml": (23, 2),
    "real-i.toml": (26, 0),
    "real-j.toml": (30, 1),
    "real-k.toml": (26, 3),
    "real-l.toml": (21, 1),
    "real-n.toml": (27, 1),
    "real-m.toml": (21, 3),
    "real-o.toml": (23, 2),
    "real-p.toml": (24, 2),
    "real-q.toml": (27, 1),
    "real-r.toml": (25, 0),
    "real-s.toml": (24, 2),
    "real-t.toml": (25, 2),
    "real-v.toml": (28, 1),
    "real-u.toml": (26, 2),
    "real-w.toml": (28, 0),
    "real-x.toml": (31, 3),
    "real-y.toml": (28, 0),
    "real-z.toml": (28, 1),
    "real-aa.toml": (28, 0),
    "real-bb.toml": (27, 0),
    "real-cc.toml": (27, 2),
    "real-dd.toml": (23, 1),
    "real-ee.toml": (30, 0),
    "real-ff.toml": (28, 1),
    "real-gg.toml": (25, 1),
    "real-hh.toml": (25, 0),
    "real-ii.toml": (27, 1),
    "real-jj.toml": (24, 2),
    "real-kk.toml": (22, 2),
    "real-ll.toml": (23, 4),
    "real-mm.toml": (25, 3),
    "real-nn.toml": (19, 3),
    "real-oo.toml": (24, 3),
    "real-pp.toml": (22, 0),
    "real-qq.toml": (18, 2),
    "real-rr.toml": (22, 0),
    "real-ss.toml": (29, 2),
    "real-tt.toml": (24, 2),
    "real-uu.toml": (19, 2),
    "real-vv.toml": (23, 0),
    "real-ww.toml": (27, 2),
    "real-xx.toml": (31, 1),
}


@pytest.mark.parametrize("name", REAL_WORKING)
def test_each_real_report_file_holds_what_the_reader_reaches(tree, name):
    part = grade_file(tree, name)
    counts = Counter(g.grade for g in part)
    least_right, most_wrong = REAL_TARGETS[name]
    assert counts[RIGHT] >= least_right, [g for g in part if g.grade != RIGHT]
    assert counts[WRONG] <= most_wrong, [g for g in part if g.grade == WRONG]
