"""Pages rendered once per policy revision, language and URL, then served from memory."""

import pytest
from django.db import OperationalError, connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from supportscope.middleware import mark_embeddable
from supportscope.outage import STALE_HEADER
from supportscope.pagecache import PageCache, _Page, pages, rendered_once
from supportscope.policy import document
from supportscope.policy.models import Clause
from supportscope.policy.snapshot import cache, get_snapshot, request_scope
from supportscope.policy.store import record_revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many times the /policy/ page was really rendered."""
    count = {"n": 0}
    real = document.document_html

    def counting(snapshot, lang):
        count["n"] += 1
        return real(snapshot, lang)

    monkeypatch.setattr("supportscope.policy.views.document_html", counting)
    return count


def test_the_second_request_for_a_page_is_not_rendered_again(client, renders):
    first = client.get("/policy/")
    second = client.get("/policy/")
    assert renders["n"] == 1
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_warm_page_costs_one_query(client, django_assert_num_queries):
    client.get("/policy/")
    with django_assert_num_queries(1):
        client.get("/policy/")


def test_a_first_render_also_costs_one_query_once_the_policy_is_compiled(
    client, django_assert_num_queries
):
    get_snapshot()
    with django_assert_num_queries(1):
        client.get("/policy/", {"lang": "en"})


def test_languages_urls_and_htmx_requests_are_kept_apart(client, renders):
    english = client.get("/policy/", {"lang": "en"})
    korean = client.get("/policy/", {"lang": "ko"})
    client.get("/policy/", HTTP_ACCEPT_LANGUAGE="ko")
    client.get("/policy/", {"x": "1"})
    client.get("/policy/", HTTP_HX_REQUEST="true")
    assert renders["n"] == 5
    assert english.content != korean.content
    assert client.get("/policy/", {"lang": "ko"}).content == korean.content
    assert renders["n"] == 5


def test_a_new_policy_revision_is_rendered_afresh(client):
    client.get("/policy/")
    with transaction.atomic():
        clause = Clause.objects.filter(retired=False).first()
        clause.body_en = "A freshly edited clause."
        clause.save()
        record_revision(None, "edit", [])
    assert "A freshly edited clause." in client.get("/policy/").content.decode()


def test_stale_and_fresh_pages_are_kept_apart(client, monkeypatch):
    monkeypatch.setattr(cache, "retry_base", 0.0)
    fresh = client.get("/policy/")

    def refuse(*args):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        stale = client.get("/policy/")
    assert STALE_HEADER in stale
    assert stale.content != fresh.content
    again = client.get("/policy/")
    assert STALE_HEADER not in again
    assert again.content == fresh.content


def test_the_language_cookie_is_still_set_on_a_page_served_from_memory(client):
    client.get("/policy/", {"lang": "ko"})
    client.cookies.clear()
    response = client.get("/policy/", {"lang": "ko"})
    assert response.cookies["django_language"].value == "ko"


def view_for(response_factory):
    calls = {"n": 0}

    @rendered_once
    def view(request):
        calls["n"] += 1
        return response_factory(request)

    return view, calls


def serve(view, path="/page/"):
    request = RequestFactory().get(path)
    with request_scope():
        return view(request)


def test_marks_that_middleware_reads_survive_the_cache():
    view, calls = view_for(lambda request: mark_embeddable(HttpResponse("embed")))
    serve(view)
    response = serve(view)
    assert calls["n"] == 1
    assert response.supportscope_embeddable is True
    assert response.xframe_options_exempt is True


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
    view, calls = view_for(make)
    serve(view)
    serve(view)
    assert calls["n"] == 2


def test_posts_are_never_served_from_memory():
    view, calls = view_for(lambda request: HttpResponse("ok"))
    for _ in range(2):
        with request_scope():
            view(RequestFactory().post("/page/"))
    assert calls["n"] == 2


def test_the_memory_is_bounded_and_dropped_when_the_policy_changes():
    held = PageCache(max_bytes=10)
    page = rendered_page(b"12345")
    held.put(("a",), 1, page)
    held.put(("b",), 1, page)
    assert len(held) == 2
    held.put(("c",), 1, page)  # over 10 bytes: start again
    assert len(held) == 1
    held.put(("d",), 2, page)  # a new policy: the old pages go
    assert held.get(("c",)) is None
    assert held.get(("d",)) is page
    held.put(("huge",), 2, rendered_page(b"x" * 11))
    assert held.get(("huge",)) is None


def rendered_page(content):
    return _Page(content=content, status=200, headers=(), attributes=())


def test_the_shared_cache_is_cleared_on_demand(client):
    client.get("/policy/")
    assert len(pages) > 0
    pages.clear()
    assert len(pages) == 0
