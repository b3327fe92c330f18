"""The policy document as HTML, rendered once per revision and language.

Clause HTML was sanitized when it was saved; here it is only arranged: consecutive
items form a list, sub-items and notes nest under the item before them, and every
section and clause carries its anchor.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from supportscope.core.engine import pick
from supportscope.policy.snapshot import ClauseView, SectionView, Snapshot

_cache: dict[tuple[int, str], SafeString] = {}
_lock = threading.Lock()


def document_html(snapshot: Snapshot, lang: str) -> SafeString:
    key = (snapshot.generation, lang)
    html = _cache.get(key)
    if html is None:
        with translation.override(lang):
            html = mark_safe(  # noqa: S308 - arranged from sanitized clause HTML
                "\n".join(_section(section, lang) for section in snapshot.sections)
            )
        with _lock:
            for old in [k for k in _cache if k[0] != snapshot.generation]:
                del _cache[old]
            _cache[key] = html
    return html


def _clause_html(clause: ClauseView, lang: str) -> str:
    body = clause.html[lang] or clause.html["en"]  # sanitized when saved
    anchor = escape(clause.anchor)
    link = f'<a class="clause-link" href="#{anchor}" aria-label="#{anchor}">#</a>'
    return f'<div class="clause-body">{body}</div>{link}'


def _blocks(clauses: tuple[ClauseView, ...]) -> Iterator[tuple[ClauseView, list[ClauseView]]]:
    """Each top-level clause with the sub-items and notes that hang under it."""
    current: tuple[ClauseView, list[ClauseView]] | None = None
    for clause in clauses:
        if clause.retired:
            continue
        nested = clause.kind == "subitem" or (
            clause.kind == "note" and current is not None and current[0].kind == "item"
        )
        if nested and current is not None:
            current[1].append(clause)
            continue
        if current is not None:
            yield current
        current = (clause, [])
    if current is not None:
        yield current


def _one(clause: ClauseView, lang: str, tag: str, children: str = "") -> str:
    inner = _clause_html(clause, lang)
    if clause.kind == "note":
        label = escape(gettext("Note"))
        inner = f'<p class="note-label">{label}</p>{inner}'
    return (
        f'<{tag} id="{clause.anchor}" class="clause clause-{clause.kind}">{inner}{children}</{tag}>'
    )


def _children(children: list[ClauseView], lang: str) -> str:
    items = [_one(child, lang, "li") for child in children if child.kind == "subitem"]
    notes = [_one(child, lang, "aside") for child in children if child.kind != "subitem"]
    return (f'<ul class="subclauses">{"".join(items)}</ul>' if items else "") + "".join(notes)


def _section(section: SectionView, lang: str) -> str:
    parts = []
    in_list = False
    for clause, children in _blocks(section.clauses):
        if (clause.kind == "item") != in_list:
            parts.append('<ul class="clauses">' if not in_list else "</ul>")
            in_list = not in_list
        tag = {"item": "li", "note": "aside"}.get(clause.kind, "div")
        parts.append(_one(clause, lang, tag, _children(children, lang)))
    if in_list:
        parts.append("</ul>")
    heading = "h2" if section.level == 2 else "h3"
    return str(
        format_html(
            '<section id="{}" class="policy-section level-{}" aria-labelledby="{}-title">'
            '<{} id="{}-title">{} <a class="section-link" href="#{}" aria-label="#{}">#</a></{}>'
            '<p class="official"><a href="{}" rel="noopener noreferrer">{}</a></p>{}</section>',
            section.slug,
            section.level,
            section.slug,
            heading,
            section.slug,
            pick(section.title, lang),
            section.slug,
            section.slug,
            heading,
            section.official_url,
            gettext("This section on the official page"),
            mark_safe("".join(parts)),  # noqa: S308 - built above from sanitized clause HTML
        )
    )
