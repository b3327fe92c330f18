"""Hostile input shared by the XSS tests (server side and in the browser).

``PAYLOADS`` is the XSS corpus; a payload that ran would set ``window.__xss`` or open
a dialog. ``seed_everywhere(payload)`` writes one payload into every text field an
admin can edit (the Markdown of the clauses and every wording of the tree), through
the same model code an admin save uses. ``dangerous_markup(html)`` lists what in a
page could run script or load foreign content.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from django.db import transaction

from supportscope.policy.models import Choice, ChoiceGroup, Clause, Question, Section, Verdict
from supportscope.policy.store import record_revision

# Each is at most 100 characters: the shortest wording field (a group label) holds 100.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=1"></svg>',
    "<svg><script>window.__xss=1</script></svg>",
    '<svg><a xlink:href="javascript:window.__xss=1"><text y="9">x</text></a></svg>',
    "<svg><animate attributeName=href values=javascript:window.__xss=1 />",
    '<math href="javascript:window.__xss=1">x</math>',
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=window.__xss=1>",
    '" autofocus onfocus="window.__xss=1" x="',
    "' autofocus onfocus='window.__xss=1' x='",
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    '<a href="javascript:window.__xss=1">a link</a>',
    '<a href="java&#x09;script:window.__xss=1">tab</a>',
    "[markdown link](javascript:window.__xss=1)",
    "[mixed case](JaVaScRiPt:alert(1))",
    "[entity](&#106;avascript:window.__xss=1)",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    "![image](javascript:window.__xss=1)",
    '[title](https://example.com "x\\" onmouseover=\\"window.__xss=1")',
    "<javascript:window.__xss=1>",
    '<https://example.com/" onmouseover="window.__xss=1>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="javascript:window.__xss=1">',
    '<base href="javascript:window.__xss=1//">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    '<details open ontoggle="window.__xss=1">x</details>',
    '<div style="background:url(javascript:window.__xss=1)">styled</div>',
    "<style>*{background:url(//evil.example/x)}</style>",
    '<!--<img src="--><img src=x onerror=window.__xss=1//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<div hx-get="/admin/" hx-trigger="load" hx-on::load="window.__xss=1">htmx</div>',
    "{{ request }}{% debug %}${7*7}",
]
assert all(len(payload) <= 100 for payload in PAYLOADS)

# A smaller set for query parameters: breaking out of attributes and text.
QUERY_PAYLOADS = [
    PAYLOADS[0],
    PAYLOADS[1],
    PAYLOADS[7],
    PAYLOADS[8],
    PAYLOADS[9],
    PAYLOADS[10],
    PAYLOADS[11],
    PAYLOADS[12],
    PAYLOADS[13],
    "javascript:window.__xss=1",
    "x\r\nSet-Cookie: injected=1",
    "\u2028\u2029<script>window.__xss=1</script>",
]

# Every admin-editable wording, by model: (model, text fields).
TEXT_FIELDS = [
    (Section, ["title_en", "title_ko"]),
    (Question, ["text_en", "text_ko", "help_en", "help_ko"]),
    (Choice, ["label_en", "label_ko", "description_en", "description_ko"]),
    (ChoiceGroup, ["label_en", "label_ko"]),
    (Verdict, ["rationale_en", "rationale_ko", "make_supported_en", "make_supported_ko"]),
]


def seed_everywhere(payload: str) -> None:
    """Put ``payload`` in every editable text and publish it as a new policy revision."""
    with transaction.atomic():
        for model, fields in TEXT_FIELDS:
            model.objects.update(**dict.fromkeys(fields, payload))
        # Clause bodies go through Clause.save(), which renders and sanitizes them; one
        # save is enough for a body, the other clauses get the same body and its HTML.
        clause = Clause.objects.select_related("section").first()
        assert clause is not None
        clause.body_en = clause.body_ko = payload
        clause.save()
        Clause.objects.update(
            body_en=payload, body_ko=payload, html_en=clause.html_en, html_ko=clause.html_ko
        )
        record_revision(None, "xss corpus", [])


def seed_all_payloads() -> None:
    """Spread the whole corpus over the rows: row i of every model gets payload i.

    Every text field of every model then holds many different payloads at once, so
    one page load in a browser meets most of the corpus. Clauses are saved one by one
    through ``Clause.save()``.
    """
    with transaction.atomic():
        for model, fields in TEXT_FIELDS:
            for index, obj in enumerate(model.objects.order_by("pk")):
                for name in fields:
                    setattr(obj, name, PAYLOADS[index % len(PAYLOADS)])
                obj.save(update_fields=fields)
        for index, clause in enumerate(Clause.objects.select_related("section").order_by("pk")):
            clause.body_en = clause.body_ko = PAYLOADS[index % len(PAYLOADS)]
            clause.save()
        record_revision(None, "xss corpus, all payloads", [])


URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "srcset",
        "cite",
        "ping",
        "manifest",
        "codebase",
        "lowsrc",
        "dynsrc",
        "icon",
        "values",
        "from",
        "to",
        "hx-get",
        "hx-post",
        "hx-put",
        "hx-patch",
        "hx-delete",
        "hx-push-url",
        "hx-replace-url",
    }
)
FORBIDDEN_TAGS = frozenset(
    {
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "style",
        "animate",
        "set",
        "handler",
        "foreignobject",
        "listener",
    }
)
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.IGNORECASE)
# Browsers drop ASCII whitespace and control characters inside a URL scheme.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script_open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = self.getpos()
        found = self.problems.append
        if tag in FORBIDDEN_TAGS:
            found(f"line {where[0]}: <{tag}> element")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            found(f"line {where[0]}: <meta http-equiv>")
        values = dict(attrs)
        if tag == "script" and values.get("type") == "application/json":
            self._script_open = "json"  # data for scripts (json_script), never run
        elif tag == "script":
            src = values.get("src") or ""
            if not (src.startswith("/") and not src.startswith("//")):
                found(f"line {where[0]}: <script> not loaded from this site: src={src!r}")
            self._script_open = src
        if tag == "form":
            action = values.get("action") or ""
            if action and not action.startswith(("/", "?")):
                found(f"line {where[0]}: <form action={action!r}> leaves the site")
        for name, value in attrs:
            text = unescape(value or "")
            if name.startswith(("on", "hx-on", "data-hx-on")):
                found(f"line {where[0]}: <{tag} {name}=...> event handler")
            elif name == "style":
                found(f"line {where[0]}: <{tag} style=...> inline style")
            elif name == "srcdoc":
                found(f"line {where[0]}: <{tag} srcdoc=...>")
            elif name in URL_ATTRIBUTES and BAD_SCHEME.match(IGNORED_IN_SCHEME.sub("", text)):
                found(f"line {where[0]}: <{tag} {name}={text[:40]!r}> script or data URL")
            elif name in {"hx-vals", "hx-headers"} and text.lstrip().startswith(("js:", "javas")):
                found(f"line {where[0]}: <{tag} {name}=...> evaluates script")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script_open = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_open = None

    def handle_data(self, data: str) -> None:
        if self._script_open is None or not data.strip():
            return
        if self._script_open != "json" or "<" in data:
            self.problems.append(f"line {self.getpos()[0]}: inline script body {data[:40]!r}")


def dangerous_markup(html: str, payload: str | None = None) -> list[str]:
    """What in ``html`` could run script or load foreign content; empty when safe.

    With ``payload``, a payload that has markup in it must not appear verbatim: shown
    as text, its ``<`` is escaped.
    """
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    problems = inspector.problems
    if payload and "<" in payload and payload in html:
        problems.append(f"payload appears unescaped: {payload!r}")
    return problems
