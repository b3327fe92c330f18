"""Template helpers shared by the pages."""

from __future__ import annotations

from django import template
from django.http import HttpRequest, QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def url_with_lang(context: template.Context, lang: str) -> str:
    """The current URL with ``lang`` set, keeping every other query parameter.

    A page that cannot be fetched again by its own URL (the proposals, answered to a
    POST whose text is not kept) names the GET page to switch to as ``lang_switch_url``.
    """
    request: HttpRequest = context["request"]
    base = context.get("lang_switch_url")
    if base:
        path, _, query_string = str(base).partition("?")
        query = QueryDict(query_string, mutable=True)
    else:
        path, query = request.path, request.GET.copy()
    query["lang"] = lang
    return f"{path}?{query.urlencode()}"
