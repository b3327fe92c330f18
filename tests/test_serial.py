"""The one serialiser: the live records, written back, fingerprinted, every field carried."""

from __future__ import annotations

import pytest

from supportscope.policy import serial
from supportscope.policy.editing.live import live_records
from supportscope.policy.models import Verdict
from supportscope.policy.store import export_data
from tests.records import edit_rationale

pytestmark = pytest.mark.django_db


def test_the_records_of_the_live_policy_make_exactly_the_exported_document():
    assert serial.to_document(live_records()) == export_data()


def test_a_record_written_back_reads_back_the_same():
    verdict = Verdict.objects.get(name="unmanaged-ingress-unsupported")
    record = serial.read(verdict)
    changed = {
        **record,
        "rationale_en": "Reworded.",
        "citations": list(reversed(record["citations"])),
    }
    serial.write("verdict", changed, verdict)
    assert serial.read(verdict) == changed


def test_the_fingerprint_depends_on_content_not_on_row_ids_or_revisions():
    records = live_records()
    renumbered = {f"{key}-copy": record for key, record in records.items()}
    assert serial.fingerprint(serial.to_document(renumbered)) == serial.fingerprint(
        serial.to_document(records)
    )
    changed = edit_rationale(records, "unmanaged-ingress-unsupported", "Other words.")
    assert serial.fingerprint(serial.to_document(changed)) != serial.fingerprint(
        serial.to_document(records)
    )


@pytest.mark.parametrize("kind", list(serial.SPECS))
def test_every_editable_field_of_a_policy_object_is_in_its_one_serialiser(kind):
    """A new field goes into the spec once; import/export, revisions, drafts, restore and
    the fingerprint then carry it. This fails if a field is added to a model only."""
    spec = serial.SPECS[kind]
    editable = {
        field.name
        for field in spec.model._meta.get_fields()
        if getattr(field, "editable", False)
        and not field.auto_created
        and field.concrete
        and field.name not in {"version", "source_hash"}
    }
    covered = {*spec.fields, *spec.keys, *spec.extras, "clauses"}  # clauses: the citations
    assert editable <= covered, editable - covered
