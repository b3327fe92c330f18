"""Reading and writing the policy files."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportscope.core.content import (
    ContentError,
    format_section,
    parse_section,
    read_policy,
    write_policy,
)

CONTENT = Path(__file__).resolve().parent.parent / "policy_content"
SLUGS = [
    "service-updates-and-releases",
    "managed-features-in-aks",
    "shared-responsibility",
    "aks-support-coverage",
    "supported-scenarios",
    "unsupported-scenarios",
    "aks-support-coverage-for-agent-nodes",
    "microsoft-responsibilities-for-aks-agent-nodes",
    "customer-responsibilities-for-aks-agent-nodes",
    "user-customization-of-agent-nodes",
    "security-issues-and-patching",
    "node-maintenance-and-access",
    "network-ports-access-and-nsgs",
    "stopped-deallocated-and-not-ready-nodes",
    "unsupported-alpha-and-beta-kubernetes-features",
    "preview-features-or-feature-flags",
    "upstream-bugs-and-issues",
]

GOOD = """---
slug: demo
level: 2
title_en: Demo
title_ko: 데모
---

<!-- clause: first kind=item -->
<!-- en -->
First **point**.
<!-- ko -->
첫째 항목.

<!-- clause: old kind=note retired=yes -->
<!-- en -->
Old text.
<!-- ko -->
옛 글.
"""


def test_shipped_policy_has_the_17_sections_in_document_order():
    assert [section.slug for section in read_policy(CONTENT).sections] == SLUGS


def test_every_shipped_clause_has_english_and_korean_text():
    for section in read_policy(CONTENT).sections:
        assert section.title["en"]
        assert section.title["ko"]
        for clause in section.clauses:
            assert clause.body["en"].strip()
            assert clause.body["ko"].strip()


def test_a_section_file_parses_into_clauses_with_kinds_and_retirement():
    section = parse_section(GOOD)
    assert section.slug == "demo"
    assert [(c.key, c.kind, c.retired) for c in section.clauses] == [
        ("first", "item", False),
        ("old", "note", True),
    ]
    assert section.clauses[0].body == {"en": "First **point**.", "ko": "첫째 항목."}


def test_formatting_a_parsed_section_gives_the_same_text():
    assert format_section(parse_section(GOOD)) == GOOD


def test_shipped_files_are_in_canonical_form():
    for path in sorted((CONTENT / "sections").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert format_section(parse_section(text, str(path))) == text, path.name


def test_write_policy_reproduces_the_shipped_files(tmp_path):
    write_policy(tmp_path, read_policy(CONTENT))
    for path in (CONTENT / "sections").glob("*.md"):
        assert (tmp_path / "sections" / path.name).read_text(encoding="utf-8") == path.read_text(
            encoding="utf-8"
        )
    assert (tmp_path / "tree.json").read_text(encoding="utf-8") == (
        CONTENT / "tree.json"
    ).read_text(encoding="utf-8")


def test_write_policy_removes_section_files_that_no_longer_exist(tmp_path):
    stale = tmp_path / "sections" / "99-gone.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", encoding="utf-8")
    write_policy(tmp_path, read_policy(CONTENT))
    assert not stale.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "expected front matter"),
        ("---\nslug: a\n", "not closed"),
        ("---\nslug: a\nlevel: 2\ntitle_en: A\n---\n", "lacks title_ko"),
        ("---\nslug: A B\nlevel: 2\ntitle_en: A\ntitle_ko: 가\n---\n", "lowercase"),
        ("---\nslug: a\nlevel: 4\ntitle_en: A\ntitle_ko: 가\n---\n", "level must be 2 or 3"),
        (
            "---\nslug: a\nlevel: 2\ntitle_en: A\ntitle_ko: 가\ncolour: red\n---\n",
            "expected one of",
        ),
        ("---\nslug: a\nlevel: 2\ntitle_en: A\ntitle_ko: 가\n---\n", "at least one clause"),
        (GOOD.replace("kind=item", "kind=table"), "kind 'table'"),
        (GOOD.replace("retired=yes", "hidden=yes"), "unknown clause attributes"),
        (GOOD.replace("첫째 항목.", ""), "clause 'first' has no ko text"),
        (GOOD.replace("<!-- ko -->\n옛 글.", "<!-- fr -->\nvieux"), "unknown language 'fr'"),
        (GOOD.replace("clause: old", "clause: first"), "appears twice"),
        (GOOD.replace("<!-- en -->\nFirst", "stray\n<!-- en -->\nFirst"), "outside a clause"),
    ],
)
def test_malformed_section_files_are_refused_with_the_reason(text, message):
    with pytest.raises(ContentError, match=message):
        parse_section(text, "demo.md")


def test_a_broken_tree_file_names_its_line(tmp_path):
    write_policy(tmp_path, read_policy(CONTENT))
    (tmp_path / "tree.json").write_text('{\n  "start": \n}', encoding="utf-8")
    with pytest.raises(ContentError, match=r"tree.json:3"):
        read_policy(tmp_path)


def test_a_missing_tree_file_is_reported(tmp_path):
    write_policy(tmp_path, read_policy(CONTENT))
    (tmp_path / "tree.json").unlink()
    with pytest.raises(ContentError, match="missing"):
        read_policy(tmp_path)


def test_an_empty_folder_is_reported(tmp_path):
    with pytest.raises(ContentError, match="no section files"):
        read_policy(tmp_path)
