"""What a triage step shows, built from the snapshot without a request."""

from __future__ import annotations

import pytest

from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.steps import max_remaining

pytestmark = pytest.mark.django_db


def test_max_remaining_is_zero_at_a_verdict_and_counts_answers_already_given():
    tree = get_snapshot().tree
    assert max_remaining(tree, {"component": "app-certificate", "cert_problem": "certificate"}) == 0
    assert max_remaining(tree, {"component": "app-certificate"}) == 2  # the fact, then preview
    assert max_remaining(tree, {}) == 5
    # cni is already in the link: only netpol and preview are left.
    assert max_remaining(tree, {"component": "network-policy", "cni": "kubenet"}) == 2
