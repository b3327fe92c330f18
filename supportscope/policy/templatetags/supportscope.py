"""Template helpers shared by the pages."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def url_with_lang(context: template.Context, lang: str) -> str:
    """The current URL with ``lang`` set, keeping every other query parameter."""
    request: HttpRequest = context["request"]
    query = request.GET.copy()
    query["lang"] = lang
    return f"{request.path}?{query.urlencode()}"
