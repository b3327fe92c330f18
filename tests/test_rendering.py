"""Markdown rendering: the formatting admins need survives, nothing that runs does."""

from __future__ import annotations

import pytest

from supportscope.core.rendering import render_markdown, sanitize_html
from tests.hostile import PAYLOADS, dangerous_markup


def test_paragraphs_emphasis_and_code_render():
    html = render_markdown("Use **`az aks stop`**, *not* deallocation.\n\nSecond paragraph.")
    assert html == (
        "<p>Use <strong><code>az aks stop</code></strong>, <em>not</em> deallocation.</p>\n"
        "<p>Second paragraph.</p>"
    )


def test_lists_render_as_lists():
    html = render_markdown("- nginx\n- kong\n\n1. first\n2. second")
    assert "<ul>\n<li>nginx</li>\n<li>kong</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_https_and_mailto_links_keep_their_target_and_get_rel():
    html = render_markdown(
        "[docs](https://learn.microsoft.com/azure/aks/) or [mail](mailto:aks@example.com)"
    )
    assert '<a href="https://learn.microsoft.com/azure/aks/" rel="noopener noreferrer">' in html
    assert '<a href="mailto:aks@example.com" rel="noopener noreferrer">' in html


def test_link_title_is_kept_and_escaped():
    html = render_markdown("[docs](https://example.com 'a \"quoted\" title')")
    assert 'title="a &quot;quoted&quot; title"' in html


def test_blockquote_pre_and_rule_are_allowed():
    html = render_markdown("> quoted\n\n    code block\n\n---")
    assert "<blockquote>" in html
    assert "<pre><code>code block\n</code></pre>" in html
    assert "<hr>" in html


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<b>bold?</b>", "&lt;b&gt;bold?&lt;/b&gt;"),
        ('<div onclick="x()">block</div>', '&lt;div onclick="x()"&gt;block&lt;/div&gt;'),
    ],
)
def test_raw_html_is_shown_as_text(source, shown):
    assert render_markdown(source) == f"<p>{shown}</p>"


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,hello)",
        "[x](file:///etc/passwd)",
    ],
)
def test_links_with_other_schemes_lose_their_target(source):
    html = render_markdown(source)
    assert "href" not in html
    assert ">x</a>" in html


def test_images_are_dropped():
    assert "<img" not in render_markdown("![diagram](https://example.com/x.png)")


def test_relative_links_stay():
    html = render_markdown("[the policy](/policy/#unsupported-scenarios)")
    assert 'href="/policy/#unsupported-scenarios"' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_corpus_payload_survives_rendering(payload):
    html = render_markdown(payload)
    assert dangerous_markup(html, payload) == []
    assert "<svg" not in html
    assert "<math" not in html


@pytest.mark.parametrize(
    ("html", "clean"),
    [
        ('<p onclick="x()">a</p>', "<p>a</p>"),
        ('<p style="color:red">a</p>', "<p>a</p>"),
        ("<p>a<!-- secret --></p>", "<p>a</p>"),
        ("<iframe src='/'></iframe><p>a</p>", "<p>a</p>"),
        ("<script>x()</script><p>a</p>", "<p>a</p>"),
        ('<a href="https://e.example" target="_blank">a</a>', None),
    ],
)
def test_sanitizer_removes_what_is_not_allow_listed(html, clean):
    result = sanitize_html(html)
    if clean is not None:
        assert result == clean
    assert "target" not in result
    assert dangerous_markup(result) == []


def test_sanitizer_keeps_allowed_structure():
    html = "<ul><li><strong>a</strong> <em>b</em> <code>c</code></li></ul><hr><br>"
    assert sanitize_html(html) == html
