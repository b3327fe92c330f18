"""A backup is proved by restoring it: export, load into an empty database, compare.

The comparison is a hash of the full truth table: for every answer path through the
tree (``unknown`` included), the API's answer in English and Korean, that is the
verdict, its citations with their quoted clause text, the rationale and the advice.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from supportscope.core.engine import resolve
from supportscope.policy.document import document_html
from supportscope.policy.models import Citation, Clause, Section, Verdict
from supportscope.policy.presenters import outcome_payload
from supportscope.policy.snapshot import Snapshot, cache, get_snapshot
from supportscope.policy.store import record_revision

LANGS = ("en", "ko")


def truth_table(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    """Every complete answer path -> the API payload in each language, revision left out."""
    rows: dict[str, dict[str, Any]] = {}

    def walk(answers: Mapping[str, str]) -> None:
        outcome = resolve(snapshot.tree, answers)
        if outcome.question is not None:
            for value in outcome.question.allowed:
                walk({**answers, outcome.question.key: value})
            return
        path = "&".join(f"{key}={value}" for key, value in outcome.answers)
        rows[path] = {}
        for lang in LANGS:
            payload = outcome_payload(snapshot, outcome, lang)
            del payload["policy_revision"], payload["triage_url"]
            rows[path][lang] = payload

    walk({})
    return rows


def digest(data: Any) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def fresh_snapshot() -> Snapshot:
    cache.clear()
    return get_snapshot()


@transaction.atomic
def edit_like_an_admin() -> None:
    """Changes that exist only in the database, so the backup must carry them."""
    clause = Clause.objects.get(section__slug="supported-scenarios", key="connectivity")
    clause.body_en += "\n\nEdited in the admin: connectivity includes private clusters."
    clause.body_ko += "\n\n관리자 편집: 연결에는 프라이빗 클러스터도 포함됩니다."
    clause.save()
    verdict = Verdict.objects.get(name="control-plane-supported")
    verdict.rationale_en = "Edited in the admin: " + verdict.rationale_en
    verdict.save()
    record_revision(None, "admin edits before the backup", [])


@pytest.mark.django_db(transaction=True)
def test_export_then_load_into_an_empty_database_gives_the_same_answer_on_every_path(tmp_path):
    edit_like_an_admin()
    before = fresh_snapshot()
    table = truth_table(before)
    documents = {lang: str(document_html(before, lang)) for lang in LANGS}
    assert len(table) > 100
    edited = table["topic=control-plane&component=api-server"]["en"]
    assert edited["rationale"].startswith("Edited in the admin: ")
    assert any("private clusters" in c["quote"] for c in edited["citations"])

    call_command("export_policy", tmp_path / "backup", stdout=io.StringIO())
    call_command("flush", interactive=False, inhibit_post_migrate=True)
    assert not Section.objects.exists()
    assert not Verdict.objects.exists()
    call_command("load_policy", tmp_path / "backup", stdout=io.StringIO())

    after = fresh_snapshot()
    restored = truth_table(after)
    assert restored.keys() == table.keys()
    assert digest(restored) == digest(table)
    assert {lang: str(document_html(after, lang)) for lang in LANGS} == documents


@pytest.mark.django_db
def test_the_truth_table_hash_changes_when_one_citation_changes():
    table = truth_table(fresh_snapshot())
    citation = Citation.objects.filter(verdict__name="etcd-supported").first()
    citation.clause = Clause.objects.exclude(pk=citation.clause_id).filter(retired=False).first()
    citation.save()
    record_revision(None, "move one citation", [])
    assert digest(truth_table(fresh_snapshot())) != digest(table)


@pytest.mark.django_db
def test_the_truth_table_covers_unknown_answers_and_every_level():
    snapshot = fresh_snapshot()
    table = truth_table(snapshot)
    assert any("=unknown" in path for path in table)
    reached = {row["en"]["verdict"] for row in table.values() if row["en"]["verdict"] is not None}
    assert reached == {"supported", "best_effort", "unsupported"}
    assert any(row["en"].get("depends_on") for row in table.values())
