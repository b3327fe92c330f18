"""The compiled policy cache: an invalid revision is never served nor compiled twice."""

from __future__ import annotations

import pytest

from supportscope.core.engine import TreeError
from supportscope.policy import serial
from supportscope.policy import snapshot as snapshot_module
from supportscope.policy.editing.live import live_records
from supportscope.policy.snapshot import PolicyUnavailable, SnapshotCache, compile_records
from supportscope.policy.store import record_revision
from tests.records import follow_up

pytestmark = pytest.mark.django_db


def test_an_invalid_revision_keeps_the_last_good_policy_and_is_compiled_once(monkeypatch):
    cache = SnapshotCache()
    good = cache.get()
    attempts = []

    def broken(revision):
        attempts.append(revision)
        raise TreeError(["node 'x' routes to unknown 'y'"])

    monkeypatch.setattr(snapshot_module, "compile_snapshot", broken)
    bad_revision = record_revision(None, "a raw edit that broke the tree", [])
    for _ in range(3):
        served = cache.get()
        assert served.generation == good.generation
        assert served.revision == good.revision
    assert attempts == [bad_revision]


def test_an_invalid_policy_with_nothing_to_fall_back_on_is_unavailable(monkeypatch):
    def broken(revision):
        raise TreeError(["cycle through a -> a"])

    monkeypatch.setattr(snapshot_module, "compile_snapshot", broken)
    with pytest.raises(PolicyUnavailable, match="cycle"):
        SnapshotCache().get()


def test_a_draft_compiles_to_a_snapshot_with_its_own_fingerprint():
    live = live_records()
    snapshot = compile_records(follow_up(live), revision=1, draft=7, draft_title="t")
    assert snapshot.draft == 7
    assert "nginx-operator" in snapshot.tree.questions
    assert snapshot.fingerprint != serial.fingerprint(serial.to_document(live))
