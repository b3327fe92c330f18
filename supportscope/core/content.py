"""The shipped policy files: reading and writing them, without Django.

``policy_content/`` holds one Markdown file per section (``sections/NN-<slug>.md``)
and the decision tree (``tree.json``). A section file is front matter followed by
its clauses::

    ---
    slug: supported-scenarios
    level: 3
    title_en: Supported scenarios
    title_ko: 지원되는 시나리오
    ---

    <!-- clause: etcd kind=item -->
    <!-- en -->
    English Markdown…
    <!-- ko -->
    Korean Markdown…

``format_section`` writes exactly what ``parse_section`` reads, so files written by
``export_policy`` are stable and diff cleanly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supportscope.core.languages import CODES

LANGUAGES = CODES  # the one list: supportscope/core/languages.py
KINDS = ("para", "item", "subitem", "note")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLAUSE_LINE = re.compile(r"^<!-- clause: (?P<key>\S+)(?P<attrs>(?: [a-z]+=\S+)*) -->$")
LANG_LINE = re.compile(r"^<!-- (?P<lang>[a-z]{2}) -->$")
FRONT_KEYS = ("slug", "level", "title_en", "title_ko")
TREE_FILE = "tree.json"
SECTIONS_DIR = "sections"


class ContentError(ValueError):
    """A policy file is malformed; the message names the file and line."""


@dataclass
class ClauseData:
    key: str
    kind: str
    body: dict[str, str]
    retired: bool = False


@dataclass
class SectionData:
    slug: str
    level: int
    title: dict[str, str]
    clauses: list[ClauseData] = field(default_factory=list)


@dataclass
class PolicyData:
    sections: list[SectionData]
    tree: dict[str, Any]

    def anchors(self) -> set[str]:
        return {
            clause_anchor(section.slug, clause.key)
            for section in self.sections
            for clause in section.clauses
        }


def clause_anchor(section_slug: str, clause_key: str) -> str:
    """The HTML id of a clause on /policy/, unique across the whole policy."""
    return f"{section_slug}--{clause_key}"


def parse_section(text: str, where: str = "<section>") -> SectionData:
    lines = text.splitlines()
    if not lines or lines[0] != "---":
        raise ContentError(f"{where}:1: expected front matter starting with ---")
    try:
        end = lines.index("---", 1)
    except ValueError:
        raise ContentError(f"{where}: front matter is not closed with ---") from None
    front: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        key, sep, value = line.partition(":")
        if not sep or key.strip() not in FRONT_KEYS:
            raise ContentError(f"{where}:{number}: expected one of {', '.join(FRONT_KEYS)}")
        front[key.strip()] = value.strip()
    missing = [key for key in FRONT_KEYS if not front.get(key)]
    if missing:
        raise ContentError(f"{where}: front matter lacks {', '.join(missing)}")
    if not SLUG.match(front["slug"]):
        raise ContentError(f"{where}: slug {front['slug']!r} is not lowercase-with-hyphens")
    if front["level"] not in {"2", "3"}:
        raise ContentError(f"{where}: level must be 2 or 3, not {front['level']!r}")
    section = SectionData(
        slug=front["slug"],
        level=int(front["level"]),
        title={"en": front["title_en"], "ko": front["title_ko"]},
    )
    clause: ClauseData | None = None
    lang: str | None = None
    buffer: list[str] = []

    def flush() -> None:
        if clause is not None and lang is not None:
            clause.body[lang] = "\n".join(buffer).strip()

    for number, line in enumerate(lines[end + 1 :], start=end + 2):
        if match := CLAUSE_LINE.match(line):
            flush()
            clause = _new_clause(match, f"{where}:{number}")
            if any(existing.key == clause.key for existing in section.clauses):
                raise ContentError(f"{where}:{number}: clause {clause.key!r} appears twice")
            section.clauses.append(clause)
            lang, buffer = None, []
        elif match := LANG_LINE.match(line):
            if clause is None:
                raise ContentError(f"{where}:{number}: language marker before any clause")
            flush()
            lang, buffer = match["lang"], []
            if lang not in LANGUAGES:
                raise ContentError(f"{where}:{number}: unknown language {lang!r}")
        elif lang is None:
            if line.strip():
                raise ContentError(f"{where}:{number}: text outside a clause's language block")
        else:
            buffer.append(line)
    flush()
    if not section.clauses:
        raise ContentError(f"{where}: a section needs at least one clause")
    for item in section.clauses:
        for language in LANGUAGES:
            if not item.body.get(language):
                raise ContentError(f"{where}: clause {item.key!r} has no {language} text")
    return section


def _new_clause(match: re.Match[str], where: str) -> ClauseData:
    key = match["key"]
    if not SLUG.match(key):
        raise ContentError(f"{where}: clause key {key!r} is not lowercase-with-hyphens")
    attrs = dict(pair.split("=", 1) for pair in match["attrs"].split())
    kind = attrs.pop("kind", "para")
    if kind not in KINDS:
        raise ContentError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    retired = attrs.pop("retired", "no")
    if retired not in {"yes", "no"} or attrs:
        raise ContentError(f"{where}: unknown clause attributes {match['attrs'].strip()!r}")
    return ClauseData(key=key, kind=kind, body={}, retired=retired == "yes")


def format_section(section: SectionData) -> str:
    out = [
        "---",
        f"slug: {section.slug}",
        f"level: {section.level}",
        f"title_en: {section.title['en']}",
        f"title_ko: {section.title['ko']}",
        "---",
    ]
    for clause in section.clauses:
        attrs = f" kind={clause.kind}" + (" retired=yes" if clause.retired else "")
        out += ["", f"<!-- clause: {clause.key}{attrs} -->"]
        for lang in LANGUAGES:
            out += [f"<!-- {lang} -->", clause.body[lang].strip()]
    return "\n".join(out) + "\n"


def read_policy(directory: Path) -> PolicyData:
    files = sorted((directory / SECTIONS_DIR).glob("*.md"))
    if not files:
        raise ContentError(f"{directory / SECTIONS_DIR}: no section files")
    sections = [parse_section(path.read_text(encoding="utf-8"), str(path)) for path in files]
    slugs = [section.slug for section in sections]
    if len(set(slugs)) != len(slugs):
        raise ContentError(f"{directory}: a section slug appears twice")
    tree_path = directory / TREE_FILE
    try:
        tree = json.loads(tree_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{tree_path}: missing") from None
    except json.JSONDecodeError as error:
        raise ContentError(f"{tree_path}:{error.lineno}: {error.msg}") from None
    return PolicyData(sections=sections, tree=tree)


def section_filename(order: int, slug: str) -> str:
    return f"{order:02d}-{slug}.md"


def write_policy(directory: Path, policy: PolicyData) -> list[Path]:
    """Write the policy as files; stale section files in the folder are removed."""
    sections_dir = directory / SECTIONS_DIR
    sections_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for order, section in enumerate(policy.sections, start=1):
        path = sections_dir / section_filename(order, section.slug)
        path.write_text(format_section(section), encoding="utf-8")
        written.append(path)
    for stale in set(sections_dir.glob("*.md")) - set(written):
        stale.unlink()
    tree_path = directory / TREE_FILE
    tree_path.write_text(format_tree(policy.tree), encoding="utf-8")
    return [*written, tree_path]


def format_tree(tree: dict[str, Any]) -> str:
    return json.dumps(tree, ensure_ascii=False, indent=2) + "\n"
