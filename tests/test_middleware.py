"""The Content-Security-Policy middleware, embed marking, and ``?lang=`` selection."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import path
from django.utils import translation

from supportscope.policy.embedding import mark_embeddable
from supportscope.web.middleware import (
    BASE_POLICY,
    ContentSecurityPolicyMiddleware,
    QueryLanguageMiddleware,
    frame_ancestors,
)

EMBED_ORIGINS = ["https://tickets.example.com", "https://forms.example.net:8443"]


def plain_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("plain")


def embeddable_view(request: HttpRequest) -> HttpResponse:
    return mark_embeddable(HttpResponse("embeddable"))


def own_policy_view(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("own")
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def language_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{translation.get_language()} {request.LANGUAGE_CODE}")


urlpatterns = [
    path("plain/", plain_view),
    path("embeddable/", embeddable_view),
    path("own/", own_policy_view),
    path("language/", language_view),
]

pytestmark = pytest.mark.urls("tests.test_middleware")


def directives(response: HttpResponse) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def test_every_response_gets_the_strict_policy(client):
    policy = directives(client.get("/plain/"))
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_not_found_responses_get_the_policy_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert directives(response)["frame-ancestors"] == ["'none'"]


def test_ordinary_pages_refuse_every_frame(client):
    response = client.get("/plain/")
    assert response["X-Frame-Options"] == "DENY"
    assert directives(response)["frame-ancestors"] == ["'none'"]


@override_settings(SUPPORTSCOPE_EMBED_ORIGINS=EMBED_ORIGINS)
def test_embeddable_response_may_be_framed_by_the_allowed_origins_only(client):
    response = client.get("/embeddable/")
    assert directives(response)["frame-ancestors"] == EMBED_ORIGINS
    assert "X-Frame-Options" not in response
    # The rest of the policy is unchanged.
    assert directives(response)["script-src"] == ["'self'"]


@override_settings(SUPPORTSCOPE_EMBED_ORIGINS=EMBED_ORIGINS)
def test_embed_origins_do_not_open_ordinary_pages(client):
    response = client.get("/plain/")
    assert directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


@override_settings(SUPPORTSCOPE_EMBED_ORIGINS=[])
def test_without_embed_origins_nothing_may_frame_the_embed_page(client):
    assert directives(client.get("/embeddable/"))["frame-ancestors"] == ["'none'"]


def test_a_policy_set_by_the_view_is_kept(client):
    assert client.get("/own/")["Content-Security-Policy"] == "default-src 'none'"


def test_frame_ancestors_lists_origins_separated_by_spaces():
    with override_settings(SUPPORTSCOPE_EMBED_ORIGINS=EMBED_ORIGINS):
        assert frame_ancestors(embeddable=True) == "frame-ancestors " + " ".join(EMBED_ORIGINS)
        assert frame_ancestors(embeddable=False) == "frame-ancestors 'none'"


def test_middleware_adds_the_policy_to_a_bare_response():
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("x"))
    response = middleware(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == f"{BASE_POLICY}; frame-ancestors 'none'"


def test_base_policy_allows_no_inline_or_eval():
    assert "unsafe" not in BASE_POLICY
    assert "*" not in BASE_POLICY


# -- ?lang= -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_lang_parameter_picks_the_language_and_remembers_it(client, lang):
    response = client.get("/language/", {"lang": lang}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.content.decode() == f"{lang} {lang}"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == lang
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True  # debug is off in the test settings
    # The next request without the parameter keeps the choice.
    assert client.get("/language/").content.decode() == f"{lang} {lang}"


def test_lang_parameter_beats_accept_language(client):
    response = client.get("/language/", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.content.decode() == "en en"


def test_accept_language_decides_without_parameter_or_cookie(client):
    assert client.get("/language/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9").content == b"ko ko"
    assert client.get("/language/", HTTP_ACCEPT_LANGUAGE="en-US").content == b"en en"


@pytest.mark.parametrize("bad", ["fr", "KO", "", "ko-KR", "<script>"])
def test_unsupported_lang_is_ignored_and_not_stored(client, bad):
    response = client.get("/language/", {"lang": bad}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.content.decode() == "ko ko"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_cookie_is_not_set_again_when_it_already_holds_the_choice(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = client.get("/language/", {"lang": "ko"})
    assert response.content.decode() == "ko ko"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_query_language_middleware_alone_activates_the_language():
    seen = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen["lang"] = translation.get_language()
        return HttpResponse("x")

    middleware = QueryLanguageMiddleware(view)
    with translation.override("en"):
        response = middleware(RequestFactory().get("/", {"lang": "ko"}))
    assert seen["lang"] == "ko"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
