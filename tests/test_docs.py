"""The manual (README.md and docs/*.md) holds together: every relative link and #anchor
resolves, and the module map in docs/architecture.md names exactly the modules there are.

The docs are plain Markdown read on the code host, so nothing else checks them: a link
to a moved file or a renamed heading would only show as a 404 or a jump to the top.
Anchors are matched against GitHub's heading slugs (lower case, punctuation dropped,
spaces to hyphens, ``-1``, ``-2`` … for repeats).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~)")
INLINE_CODE = re.compile(r"`[^`]*`")
# [text](target) and ![alt](target), with an optional "title".
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # https:, mailto:, …


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (as github-slugger makes it)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"<[^>]+>", "", text) if "`" not in text else text
    text = text.lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every Markdown link and image outside code."""
    found = []
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if fenced:
            continue
        for match in LINK.finditer(INLINE_CODE.sub("", line)):
            found.append((number, match.group(1)))
    return found


def broken_links(path: Path) -> list[str]:
    """What does not resolve in one Markdown file: missing files and unknown anchors."""
    broken = []
    for number, target in links(path):
        if EXTERNAL.match(target):
            continue
        file_part, _, anchor = target.partition("#")
        resolved = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.name}:{number}: {target}"
        if not resolved.exists():
            broken.append(f"{where} (no such file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{where} (no heading with that anchor in {resolved.name})")
        elif anchor and resolved.suffix != ".md":
            broken.append(f"{where} (an anchor into a file that is not Markdown)")
    return broken


@pytest.mark.parametrize("path", DOCS, ids=lambda path: path.name)
def test_every_relative_link_and_anchor_resolves(path):
    assert broken_links(path) == []


def test_the_readme_is_short_and_links_every_docs_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 150
    linked = {target.partition("#")[0] for _, target in links(ROOT / "README.md")}
    for path in DOCS[1:]:
        assert f"docs/{path.name}" in linked, path.name


def test_slugs_follow_github():
    assert slug("Events for the host page") == "events-for-the-host-page"
    assert slug("`GET /api/v1/verdict?<answers>`") == "get-apiv1verdictanswers"
    assert slug("Fidelity: the tree read against the policy (issue 22)") == (
        "fidelity-the-tree-read-against-the-policy-issue-22"
    )
    assert slug("Drafts, scheduling and reshaping (the admin)") == (
        "drafts-scheduling-and-reshaping-the-admin"
    )
    assert slug("Parameter vocabulary (a public contract)") == (
        "parameter-vocabulary-a-public-contract"
    )


def test_the_checker_finds_a_missing_file_a_missing_anchor_and_skips_code(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## A part\n\n## A part\n", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n"
        "[ok](other.md#a-part) [repeat](other.md#a-part-1) [here](#page) ![p](picture.png)\n"
        "[web](https://example.com/x.md#nowhere) `[code](gone.md)`\n"
        "```\n[fenced](gone.md)\n```\n"
        "[gone](gone.md) [bad](other.md#no-part) [self](#nothing)\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "page.md:8: gone.md (no such file)",
        "page.md:8: other.md#no-part (no heading with that anchor in other.md)",
        "page.md:8: #nothing (no heading with that anchor in page.md)",
    ]


# -- the module map of docs/architecture.md -------------------------------------------

MAP_START = "<!-- module map: tests/test_docs.py checks it -->"
PACKAGE = re.compile(r"\b(supportscope(?:/[a-z_]+)*/)")
MODULE = re.compile(r"\b([a-z_][a-z0-9_]*)\.py\b")


def mapped_modules(text: str) -> set[str]:
    """The modules a map names: each ``name.py`` under the last ``supportscope/…/``
    before it."""
    block = text.split(MAP_START, 1)[1].split("```", 2)[1]
    found: set[str] = set()
    package = ""
    for token in re.finditer(f"{PACKAGE.pattern}|{MODULE.pattern}", block):
        if token.group(1):
            package = token.group(1)
        elif package:
            found.add(f"{package}{token.group(2)}.py")
    return found


def actual_modules() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "supportscope").rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    }


def test_the_module_map_names_every_module_and_only_modules_that_exist():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = mapped_modules(text)
    actual = actual_modules()
    assert sorted(actual - named) == [], "modules the map leaves out"
    assert sorted(named - actual) == [], "modules the map names that do not exist"


def test_the_module_map_reader_places_modules_under_their_package():
    text = (
        f"{MAP_START}\n```text\n supportscope/core/   pure\n   engine.py  matcher.py\n"
        "   │ the words here are not modules\n supportscope/policy/admin/  forms.py\n```\n"
    )
    assert mapped_modules(text) == {
        "supportscope/core/engine.py",
        "supportscope/core/matcher.py",
        "supportscope/policy/admin/forms.py",
    }
