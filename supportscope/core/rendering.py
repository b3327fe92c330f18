"""Markdown to safe HTML, for text that admins write and everyone reads.

Raw HTML in the Markdown is shown as text, not passed through, and the rendered
HTML then goes through an allow-list sanitizer (nh3): only plain formatting tags
survive, links keep only http(s) and mailto targets, and no attribute can carry
script. Render when text is saved, not on every request.
"""

from __future__ import annotations

import markdown
import nh3
from markdown.extensions import Extension

ALLOWED_TAGS = frozenset(
    {"p", "ul", "ol", "li", "a", "code", "pre", "strong", "em", "blockquote", "br", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"})}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


class _EscapeRawHtml(Extension):
    """Treat raw HTML in the source as literal text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=[_EscapeRawHtml(), "sane_lists"])
    return sanitize_html(html)
