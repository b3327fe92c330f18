"""Which answers may be framed by a ticket form (triage with ``embed=1``).

A view marks its response; the project's Content-Security-Policy middleware
(``supportscope.web.middleware``) reads the mark and lets only the origins in
``SUPPORTSCOPE_EMBED_ORIGINS`` frame it. The mark lives here, in the app, so that the
app's views never import project-level middleware: the dependency points from the
project to the app.
"""

from __future__ import annotations

from django.http import HttpResponse

MARK = "supportscope_embeddable"


def mark_embeddable(response: HttpResponse) -> HttpResponse:
    """Let the allowed embed origins frame this response (and nobody else)."""
    setattr(response, MARK, True)
    response.xframe_options_exempt = True
    return response


def is_embeddable(response: HttpResponse) -> bool:
    return bool(getattr(response, MARK, False))
