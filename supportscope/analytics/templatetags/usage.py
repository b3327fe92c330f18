"""``{% feedback_form %}``: the "did this answer the ticket?" form of a verdict page."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("analytics/feedback.html", takes_context=True)
def feedback_form(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    query = request.GET if request is not None else {}
    step = context.get("s")
    return {
        "show": bool(settings.SUPPORTSCOPE_ANALYTICS and step is not None and step.verdict),
        "sent": query.get("feedback") == "sent",
        "answers": step.answers if step is not None else [],
        "lang": query.get("lang", ""),
        "embed": context.get("embed", False),
    }
