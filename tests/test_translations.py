"""The Korean catalogue is complete, reviewed and compiled."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "ko" / "LC_MESSAGES"
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def _unquote(lines: list[str]) -> str:
    quoted = STRING.findall("\n".join(lines))
    return "".join(ast.literal_eval(f'"{part}"') for part in quoted)


def entries() -> list[tuple[str, str, list[str]]]:
    """(msgid, msgstr, comment lines) for each entry of the .po file but the header."""
    out = []
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = block.splitlines()
        ids = [i for i, line in enumerate(lines) if line.startswith("msgid ")]
        strs = [i for i, line in enumerate(lines) if line.startswith("msgstr")]
        if not ids or not strs:
            continue
        plural = [i for i, line in enumerate(lines) if line.startswith("msgid_plural")]
        msgid = _unquote(lines[ids[0] : (plural or strs)[0]])
        msgstr = _unquote(lines[strs[0] : (strs[1] if len(strs) > 1 else None)])
        if msgid:
            out.append((msgid, msgstr, [line for line in lines if line.startswith("#")]))
    return out


def test_every_string_has_a_korean_translation():
    missing = [msgid for msgid, msgstr, _ in entries() if not msgstr]
    assert missing == []


def test_no_translation_is_left_fuzzy():
    fuzzy = [msgid for msgid, _, comments in entries() if any("fuzzy" in c for c in comments)]
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr, _ in entries()
        if "\x00" not in msgid and compiled.gettext(msgid) != msgstr
    ]
    assert stale == [], "run `make messages` and commit the .mo"
