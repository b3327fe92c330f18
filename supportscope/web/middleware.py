"""Content-Security-Policy for every response.

No inline script or style is allowed anywhere. Pages refuse to be framed unless a
view marks its response as embeddable (triage with ``embed=1``); those may be framed
only by the origins in ``SUPPORTSCOPE_EMBED_ORIGINS``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from supportscope.policy.embedding import is_embeddable

__all__ = [
    "BASE_POLICY",
    "ContentSecurityPolicyMiddleware",
    "QueryLanguageMiddleware",
    "frame_ancestors",
]

BASE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def frame_ancestors(embeddable: bool) -> str:
    origins = settings.SUPPORTSCOPE_EMBED_ORIGINS if embeddable else []
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        embeddable = is_embeddable(response)
        response.headers.setdefault(
            "Content-Security-Policy", f"{BASE_POLICY}; {frame_ancestors(embeddable)}"
        )
        return response


class QueryLanguageMiddleware:
    """``?lang=en`` or ``?lang=ko`` picks the language and remembers it in the cookie.

    It runs after LocaleMiddleware, so without the parameter the cookie and then
    Accept-Language decide. An unsupported value is ignored here; the API reports it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = request.GET.get("lang")
        if lang not in self.languages:
            return self.get_response(request)
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != lang:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                lang,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                # The stubs' plugin types a project setting by its value (str), not the Literal.
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
            )
        return response
