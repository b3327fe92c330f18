"""Answers rendered once per policy revision, language and URL, then served from memory."""

import gzip

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from supportscope.policy import api, document
from supportscope.policy.models import Clause
from supportscope.policy.snapshot import PolicyUnavailable, cache, get_snapshot, request_scope
from supportscope.policy.store import record_revision
from supportscope.web.outage import STALE_HEADER
from supportscope.web.pagecache import (
    GZIP_MIN_BYTES,
    MARK,
    Page,
    PageCache,
    PageCacheMiddleware,
    accepts_gzip,
    pages,
)

pytestmark = pytest.mark.django_db

VERDICT_API = "/api/v1/verdict?component=ingress&ingress=nginx"


@pytest.fixture
def renders(monkeypatch):
    """How many times the /policy/ page and API answers were really built."""
    count = {"policy": 0, "api": 0}
    real_document, real_payload = document.document_html, api.outcome_payload

    def document_html(snapshot, lang):
        count["policy"] += 1
        return real_document(snapshot, lang)

    def outcome_payload(*args):
        count["api"] += 1
        return real_payload(*args)

    monkeypatch.setattr("supportscope.policy.views.document_html", document_html)
    monkeypatch.setattr(api, "outcome_payload", outcome_payload)
    return count


def test_the_second_request_for_a_page_is_not_rendered_again(client, renders):
    first = client.get("/policy/")
    second = client.get("/policy/")
    assert renders["policy"] == 1
    assert second.status_code == 200
    assert second.content == first.content
    for header in ("Content-Type", "Content-Security-Policy", "Vary", "X-Frame-Options"):
        assert second[header] == first[header]


def test_api_answers_are_served_from_memory_byte_for_byte(client, renders):
    first = client.get(VERDICT_API)
    second = client.get(VERDICT_API)
    assert renders["api"] == 1
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"
    assert second.json()["verdict"] == "unsupported"


def test_refused_answers_are_not_kept(client, renders):
    for _ in range(2):
        assert client.get("/api/v1/verdict", {"component": "nope"}).status_code == 400


def test_without_a_watcher_a_warm_page_costs_one_check_and_so_does_its_first_rendering(
    client, django_assert_num_queries
):
    get_snapshot()
    with django_assert_num_queries(1):
        client.get("/policy/")
    with django_assert_num_queries(1):
        client.get("/policy/")


def test_pages_that_are_not_marked_cost_no_revision_check(client, django_assert_num_queries):
    client.get("/policy/")
    with django_assert_num_queries(0):
        client.get("/admin/login/")


def test_languages_urls_and_htmx_requests_are_kept_apart(client, renders):
    english = client.get("/policy/", {"lang": "en"})
    korean = client.get("/policy/", {"lang": "ko"})
    client.cookies.clear()
    by_header = client.get("/policy/", HTTP_ACCEPT_LANGUAGE="ko")
    client.get("/policy/", {"x": "1"})
    client.get("/policy/", HTTP_HX_REQUEST="true")
    assert renders["policy"] == 5
    assert english.content != korean.content
    assert by_header.content == korean.content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    client.get("/policy/")  # the cookie is an input of the language too
    assert renders["policy"] == 6
    client.get("/policy/")
    assert renders["policy"] == 6


def test_a_new_policy_revision_is_rendered_afresh(client):
    client.get("/policy/")
    with transaction.atomic():
        clause = Clause.objects.filter(retired=False).first()
        clause.body_en = "A freshly edited clause."
        clause.save()
        record_revision(None, "edit", [])
    assert "A freshly edited clause." in client.get("/policy/").content.decode()


def test_stale_answers_are_never_kept_and_fresh_ones_come_back(client, monkeypatch, renders):
    monkeypatch.setattr(cache, "retry_base", 0.0)
    fresh = client.get("/policy/")

    def refuse(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        stale = [client.get("/policy/") for _ in range(2)]
    assert all(STALE_HEADER in response for response in stale)
    assert renders["policy"] == 3
    again = client.get("/policy/")
    assert STALE_HEADER not in again
    assert again.content == fresh.content


def test_the_language_cookie_is_still_set_when_the_language_changes(client):
    client.get("/policy/", {"lang": "ko"})
    client.cookies.clear()
    response = client.get("/policy/", {"lang": "ko"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"


def test_requests_with_a_session_always_go_through(admin_client, renders):
    admin_client.get("/policy/")
    admin_client.get("/policy/")
    assert renders["policy"] == 2


# -- the middleware on its own ------------------------------------------------------------


def inner_view(make):
    calls = {"n": 0}

    def get_response(request):
        calls["n"] += 1
        get_snapshot()  # as every rendered_once view does
        response = make(request)
        setattr(response, MARK, True)
        return response

    return PageCacheMiddleware(get_response), calls


def serve(middleware, method="get"):
    request = getattr(RequestFactory(), method)("/page/")
    with request_scope():
        return middleware(request)


def test_a_marked_page_is_kept_from_its_first_answer():
    middleware, calls = inner_view(lambda request: HttpResponse("page"))
    for _ in range(3):
        assert serve(middleware).content == b"page"
    assert calls["n"] == 1
    assert middleware.paths == {"/page/"}


def with_cookie(request):
    response = HttpResponse("cookie")
    response.set_cookie("who", "me")
    return response


def with_csrf_token(request):
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return HttpResponse("form")


@pytest.mark.parametrize(
    "make",
    [
        lambda request: HttpResponse("bad", status=400),
        lambda request: HttpResponse("private", headers={"Cache-Control": "private"}),
        lambda request: HttpResponse("no-store", headers={"Cache-Control": "no-store"}),
        with_cookie,
        with_csrf_token,
    ],
    ids=["400", "private", "no-store", "cookie", "csrf-token"],
)
def test_answers_that_are_not_for_everyone_are_not_kept(make):
    middleware, calls = inner_view(make)
    for _ in range(3):
        serve(middleware)
    assert calls["n"] == 3


def test_answers_of_views_that_are_not_marked_are_not_kept():
    calls = {"n": 0}

    def get_response(request):
        calls["n"] += 1
        get_snapshot()
        return HttpResponse("plain")

    middleware = PageCacheMiddleware(get_response)
    for _ in range(3):
        serve(middleware)
    assert calls["n"] == 3
    assert middleware.paths == set()


def test_posts_are_never_served_from_memory():
    middleware, calls = inner_view(lambda request: HttpResponse("ok"))
    serve(middleware)
    for _ in range(2):
        serve(middleware, "post")
    assert calls["n"] == 3


def test_without_a_policy_the_request_goes_through_to_the_503(monkeypatch):
    middleware, calls = inner_view(lambda request: HttpResponse("ok"))
    serve(middleware)
    assert middleware.paths == {"/page/"}

    def unavailable():
        raise PolicyUnavailable("database down")

    monkeypatch.setattr("supportscope.web.pagecache.get_snapshot", unavailable)
    serve(middleware)
    assert calls["n"] == 2


def test_the_memory_is_bounded_and_dropped_when_the_policy_changes():
    held = PageCache(max_bytes=10)
    page = Page(b"12345", 200, ())
    held.put(("a",), 1, page)
    held.put(("b",), 1, page)
    assert len(held) == 2
    held.put(("c",), 1, page)  # over 10 bytes: start again
    assert len(held) == 1
    held.put(("d",), 2, page)  # a new policy: the old pages go
    assert held.get(("c",)) is None
    assert held.get(("d",)) is page
    held.put(("huge",), 2, Page(b"x" * 11, 200, ()))
    assert held.get(("huge",)) is None


def test_the_shared_cache_is_cleared_on_demand(client):
    client.get("/policy/")
    client.get("/policy/")
    assert len(pages) > 0
    pages.clear()
    assert len(pages) == 0


def test_a_page_from_memory_carries_every_header_of_the_first_answer(client):
    first = client.get("/policy/", {"lang": "ko"})
    second = client.get("/policy/", {"lang": "ko"})
    assert second.content == first.content
    assert list(second.items()) == list(first.items())
    assert second.headers["content-type"] == first["Content-Type"]  # still case-insensitive


# -- compressed once, for clients that take gzip ------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("GZIP", True),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip;q=0, *", False),
        ("gzip;q=zero", False),
        ("x-gzip-ish", False),
    ],
)
def test_accept_encoding_is_read_by_coding_and_quality(header, expected):
    assert accepts_gzip(header) is expected


def test_a_large_kept_page_goes_out_compressed_to_clients_that_take_gzip(client):
    plain = client.get("/policy/")
    zipped = client.get("/policy/", headers={"accept-encoding": "gzip, deflate, br"})
    again = client.get("/policy/", headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert again.content == zipped.content
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 3
    for response in (plain, zipped):
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Security-Policy"] == plain["Content-Security-Policy"]


def test_the_first_answer_for_a_page_is_already_compressed(client):
    first = client.get("/policy/", headers={"accept-encoding": "gzip", "accept-language": "ko"})
    assert first["Content-Encoding"] == "gzip"
    assert '<html lang="ko">' in gzip.decompress(first.content).decode()


def test_a_client_that_refuses_gzip_gets_the_text(client):
    client.get("/policy/", headers={"accept-encoding": "gzip"})
    refused = client.get("/policy/", headers={"accept-encoding": "gzip;q=0, *"})
    assert "Content-Encoding" not in refused
    assert refused.content.startswith(b"<!doctype html>")


def test_answers_that_are_not_kept_are_never_compressed(client):
    client.get("/healthz")  # a page that is not kept at all
    tiny = client.get("/healthz", headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in tiny
    refused = client.get("/triage/?component=bogus", headers={"accept-encoding": "gzip"})
    assert refused.status_code == 400
    assert "Content-Encoding" not in refused


def test_a_page_worth_compressing_is_kept_in_both_forms():
    response = HttpResponse(b"x" * GZIP_MIN_BYTES)
    page = Page.of(response)
    assert page.gzipped is not None
    assert gzip.decompress(page.gzipped[0]) == page.content
    tiny = Page.of(HttpResponse(b"x" * (GZIP_MIN_BYTES - 1)))
    assert tiny.gzipped is None
    assert tiny.response(gzip_ok=True).content == b"x" * (GZIP_MIN_BYTES - 1)
