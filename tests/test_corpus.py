"""The ticket corpus (tests/corpus/*.toml): its format, not the app's answers.

Each ticket names the verdict the policy gives and the section (optionally the one
clause) that must be cited. These checks keep the corpus well formed and tied to the
shipped policy: ids are unique, values come from the allowed sets, every section and
clause anchor exists, and each file is large enough and balanced between languages.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from supportscope.core.content import clause_anchor, read_policy

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
LANGS = {"en", "ko"}
VERDICTS = {"supported", "best_effort", "unsupported"}
REQUIRED = {"id", "lang", "text", "verdict", "section"}
# ``relabelled``: why a label changed after the ticket was written (a fidelity fix).
OPTIONAL = {"clause", "note", "relabelled"}
# The corpus modelled on real reports names the report each ticket was modelled on.
REAL = (
    "real-a.toml",
    "real-b.toml",
    "real-c.toml",
    "real-holdout-a.toml",
    "real-holdout-b.toml",
    "real-holdout-c.toml",
    "real-d.toml",
    "real-holdout-d.toml",
    "real-e.toml",
    "real-holdout-e.toml",
    "real-f.toml",
    "real-holdout-f.toml",
    "real-g.toml",
    "real-holdout-g.toml",
    "real-j.toml",
    "real-holdout-j.toml",
    "real-i.toml",
    "real-holdout-i.toml",
    "real-k.toml",
    "real-holdout-k.toml",
    "real-l.toml",
    "real-holdout-l.toml",
    "real-n.toml",
    "real-holdout-n.toml",
    "real-m.toml",
    "real-holdout-m.toml",
    "real-o.toml",
    "real-holdout-o.toml",
    "real-p.toml",
    "real-holdout-p.toml",
    "real-q.toml",
    "real-holdout-q.toml",
    "real-r.toml",
    "real-holdout-r.toml",
    "real-s.toml",
    "real-holdout-s.toml",
    "real-t.toml",
    "real-holdout-t.toml",
    "real-v.toml",
    "real-holdout-v.toml",
    "real-u.toml",
    "real-holdout-u.toml",
    "real-w.toml",
    "real-holdout-w.toml",
    "real-x.toml",
    "real-holdout-x.toml",
    "real-y.toml",
    "real-holdout-y.toml",
    "real-z.toml",
    "real-holdout-z.toml",
    "real-aa.toml",
    "real-holdout-aa.toml",
    "real-bb.toml",
    "real-holdout-bb.toml",
    "real-cc.toml",
    "real-holdout-cc.toml",
    "real-dd.toml",
    "real-holdout-dd.toml",
    "real-ee.toml",
    "real-holdout-ee.toml",
    "real-ff.toml",
    "real-holdout-ff.toml",
    "real-gg.toml",
    "real-holdout-gg.toml",
    "real-hh.toml",
    "real-holdout-hh.toml",
    "real-ii.toml",
    "real-holdout-ii.toml",
    "real-jj.toml",
    "real-holdout-jj.toml",
    "real-kk.toml",
    "real-holdout-kk.toml",
    "real-ll.toml",
    "real-holdout-ll.toml",
    "real-mm.toml",
    "real-holdout-mm.toml",
    "real-nn.toml",
    "real-holdout-nn.toml",
    "real-oo.toml",
    "real-holdout-oo.toml",
    "real-pp.toml",
    "real-holdout-pp.toml",
    "real-qq.toml",
    "real-holdout-qq.toml",
    "real-rr.toml",
    "real-holdout-rr.toml",
    "real-ss.toml",
    "real-holdout-ss.toml",
    "real-tt.toml",
    "real-holdout-tt.toml",
    "real-uu.toml",
    "real-holdout-uu.toml",
    "real-vv.toml",
    "real-holdout-vv.toml",
    "real-ww.toml",
    "real-holdout-ww.toml",
    "real-xx.toml",
    "real-holdout-xx.toml",
)
# File name -> the fewest tickets it must hold.
MINIMUM = {"tickets.toml": 84, "tickets-b.toml": 30, "tickets-c.toml": 30, "holdout.toml": 30}
# The unseen holdout is added at the end; the working files are always there.
PRESENT = sorted(name for name in MINIMUM if (CORPUS / name).exists())


def load(name: str) -> list[dict[str, str]]:
    with (CORPUS / name).open("rb") as handle:
        data = tomllib.load(handle)
    assert set(data) == {"ticket"}, f"{name}: only [[ticket]] tables are allowed"
    return data["ticket"]


@pytest.fixture(scope="module")
def policy():
    policy = read_policy(ROOT / "policy_content")
    sections = {section.slug for section in policy.sections}
    anchors = {
        clause_anchor(section.slug, clause.key)
        for section in policy.sections
        for clause in section.clauses
        if not clause.retired
    }
    return sections, anchors


@pytest.fixture(scope="module", params=PRESENT)
def corpus(request):
    return request.param, load(request.param)


def test_each_ticket_has_exactly_the_known_fields_as_strings(corpus):
    name, tickets = corpus
    for ticket in tickets:
        where = f"{name}: {ticket.get('id', '<no id>')}"
        assert set(ticket) >= REQUIRED, f"{where}: missing {sorted(REQUIRED - set(ticket))}"
        unknown = set(ticket) - REQUIRED - OPTIONAL
        assert unknown == set(), f"{where}: unknown fields {sorted(unknown)}"
        for key, value in ticket.items():
            assert isinstance(value, str), f"{where}: {key} must be a string"
            assert value.strip(), f"{where}: {key} is empty"


def test_ids_are_unique_and_prefixed_with_the_language(corpus):
    name, tickets = corpus
    counts = Counter(ticket["id"] for ticket in tickets)
    assert [key for key, count in counts.items() if count > 1] == [], name
    for ticket in tickets:
        assert ticket["id"].startswith(f"{ticket['lang']}-"), f"{name}: {ticket['id']}"


def test_ids_are_not_shared_between_files():
    ids = [t["id"] for name in PRESENT for t in load(name)]
    assert [key for key, count in Counter(ids).items() if count > 1] == []


def test_texts_are_not_repeated_between_or_within_files():
    texts = [t["text"].strip() for name in PRESENT for t in load(name)]
    repeated = [text[:60] for text, count in Counter(texts).items() if count > 1]
    assert repeated == []


def test_language_and_verdict_are_allowed_values(corpus):
    name, tickets = corpus
    for ticket in tickets:
        assert ticket["lang"] in LANGS, f"{name}: {ticket['id']}: lang {ticket['lang']!r}"
        assert ticket["verdict"] in VERDICTS, f"{name}: {ticket['id']}: {ticket['verdict']!r}"


def test_korean_tickets_are_written_in_korean(corpus):
    name, tickets = corpus
    for ticket in tickets:
        has_hangul = any("\uac00" <= char <= "\ud7a3" for char in ticket["text"])
        assert has_hangul == (ticket["lang"] == "ko"), f"{name}: {ticket['id']}"


def test_sections_exist_in_the_policy(corpus, policy):
    name, tickets = corpus
    sections, _ = policy
    for ticket in tickets:
        assert ticket["section"] in sections, f"{name}: {ticket['id']}: {ticket['section']!r}"


def test_clauses_exist_and_belong_to_the_ticket_section(corpus, policy):
    name, tickets = corpus
    _, anchors = policy
    for ticket in tickets:
        if "clause" not in ticket:
            continue
        where = f"{name}: {ticket['id']}: {ticket['clause']!r}"
        assert ticket["clause"] in anchors, f"{where} is not a clause anchor"
        assert ticket["clause"].startswith(f"{ticket['section']}--"), f"{where} not in section"


def test_each_file_holds_enough_tickets(corpus):
    name, tickets = corpus
    assert len(tickets) >= MINIMUM[name]


def test_languages_are_balanced_within_ten_percent(corpus):
    name, tickets = corpus
    counts = Counter(ticket["lang"] for ticket in tickets)
    assert abs(counts["en"] - counts["ko"]) <= 0.1 * len(tickets), f"{name}: {dict(counts)}"


def test_every_verdict_appears_in_both_languages(corpus):
    name, tickets = corpus
    pairs = {(ticket["lang"], ticket["verdict"]) for ticket in tickets}
    missing = {(lang, verdict) for lang in LANGS for verdict in VERDICTS} - pairs
    assert missing == set(), name


@pytest.mark.parametrize("name", [name for name in REAL if (CORPUS / name).exists()])
def test_a_ticket_modelled_on_a_real_report_names_it_and_cites_a_live_clause(name, policy):
    sections, anchors = policy
    tickets = load(name)
    assert len({ticket["id"] for ticket in tickets}) == len(tickets), name
    for ticket in tickets:
        where = f"{name}: {ticket['id']}"
        assert set(ticket) >= REQUIRED | {"source", "note"}, where
        assert set(ticket) - REQUIRED - OPTIONAL - {"source"} == set(), where
        assert ticket["verdict"] in VERDICTS, where
        assert ticket["section"] in sections, where
        assert "clause" not in ticket or ticket["clause"] in anchors, where
        assert "clause" not in ticket or ticket["clause"].startswith(ticket["section"] + "--")


# Labels of public reports graded with ``tests.accuracy --reports`` (their texts are kept
# outside the repository): docs/accuracy.md.
RAW_LABELS = ROOT / "tests" / "data" / "raw-report-labels.json"


def test_the_labels_of_public_reports_cite_live_clauses_and_name_each_source(policy):
    sections, anchors = policy
    data = json.loads(RAW_LABELS.read_text(encoding="utf-8"))
    for labelled in data["sets"]:
        ids = [report["id"] for report in labelled["reports"]]
        assert len(set(ids)) == len(ids), labelled["set"]
        for report in labelled["reports"]:
            where = f"{labelled['set']}: {report['id']}"
            assert "text" not in report, f"{where}: the report's text is not ours to keep"
            assert report["source"], where
            assert report["lang"] in ("en", "ko"), where
            assert report["verdict"] in VERDICTS, where
            assert report["section"] in sections, where
            clause = report.get("clause")
            assert clause is None or clause in anchors, f"{where}: {clause!r}"
            assert clause is None or clause.startswith(report["section"] + "--"), where
