"""Helpers for tests that change whole sets of policy records (``editing``)."""

from __future__ import annotations

from supportscope.core.engine import resolve
from supportscope.policy import serial
from supportscope.policy.editing.checks import check_records
from supportscope.policy.editing.reshaping import NewChoice, add_follow_up, find, set_record

INGRESS = "unsupported-scenarios--unmanaged-ingress"


def level(records: serial.Records, **answers: str) -> str:
    tree = check_records(records)
    outcome = resolve(tree, answers)
    assert outcome.result is not None, outcome.question
    return outcome.result.level.value


def key_of(records: serial.Records, kind: str, ident: str) -> str:
    found = find(records, kind, ident)
    assert found is not None
    return found


def edit_rationale(records: serial.Records, name: str, text: str) -> serial.Records:
    key = key_of(records, "verdict", name)
    return set_record(records, key, {**records[key], "rationale_en": text})


def follow_up(records: serial.Records) -> serial.Records:
    """Nginx ingress now depends on who runs it: the add-on is supported."""
    return add_follow_up(
        records,
        node="ingress",
        value="nginx",
        question={"key": "nginx-operator", "text_en": "Who runs nginx?", "text_ko": "누가?"},
        choices=[
            NewChoice("customer", "The customer", "고객", "unmanaged-ingress-unsupported"),
            NewChoice("addon", "The routing add-on", "추가 기능", "nginx-addon-supported"),
        ],
        new_verdicts=[
            {
                "name": "nginx-addon-supported",
                "level": "supported",
                "rationale_en": "The add-on is managed.",
                "rationale_ko": "관리되는 추가 기능입니다.",
                "citations": ["supported-scenarios--networking"],
            }
        ],
    )
