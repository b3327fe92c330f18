"""Counting over HTTP: page views (page-cache hits included) with no query, the feedback
POST, the proposals' confirmation, outages and the setting that turns counting off."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from supportscope.analytics import tally as tally_module
from supportscope.analytics.counting import ANSWER, FEEDBACK, PROPOSAL, START
from supportscope.analytics.models import Counter
from supportscope.policy import freshness
from supportscope.policy.snapshot import cache, get_snapshot
from supportscope.web.outage import STALE_HEADER
from supportscope.web.pagecache import pages

pytestmark = pytest.mark.django_db

NGINX = "/triage/?component=ingress&ingress=nginx"
HOST = "http://testserver"


@pytest.fixture(autouse=True)
def _empty_tally():
    pages.clear()
    tally_module.tally.take()
    yield
    tally_module.tally.take()
    pages.clear()


def counted() -> dict[tuple[str, str, str], int]:
    return {
        (kind, subject, value): n
        for (_d, _r, kind, subject, value), n in tally_module.tally.peek().items()
    }


class QuietWatcher(freshness.Watcher):
    """A watcher that reports no change: the policy row is not read on a warm request."""

    def changes(self) -> int | None:
        return self._count


@pytest.mark.django_db(transaction=True)
def test_a_warm_triage_request_makes_no_query_and_is_still_counted(client, monkeypatch):
    quiet = QuietWatcher()
    monkeypatch.setattr(freshness, "current", lambda: quiet)
    monkeypatch.setattr(freshness, "changes", quiet.changes)
    client.get(NGINX)
    client.get(NGINX)  # kept by the page cache now
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get(NGINX).status_code == 200
    assert len(queries) == 0
    assert counted()[(START, "", "")] == 5  # page-cache hits are counted too
    assert counted()[(ANSWER, "ingress", "nginx")] == 5


def test_the_page_before_decides_which_answer_a_step_counts(client):
    client.get("/triage/?component=ingress", HTTP_REFERER=f"{HOST}/triage/")
    client.get(NGINX, HTTP_REFERER=f"{HOST}/triage/?component=ingress")
    client.get("/triage/?component=ingress", HTTP_REFERER=f"{HOST}{NGINX}")  # Change
    found = counted()
    assert found[(ANSWER, "component", "ingress")] == 1
    assert found[(ANSWER, "ingress", "nginx")] == 1
    assert found[("change", "ingress", "")] == 1
    assert (START, "", "") not in found


def test_a_referer_of_another_site_is_an_entry_and_is_not_kept(client):
    client.get(NGINX, HTTP_REFERER="https://tickets.example.com/ticket/12345?secret=1")
    assert counted()[(START, "", "")] == 1
    assert not any("12345" in str(key) for key in tally_module.tally.peek())


def test_a_400_page_a_history_restore_and_a_head_request_count_nothing(client):
    client.get("/triage/?component=bogus")
    client.get(NGINX, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    client.head(NGINX)
    assert counted() == {}


def test_a_staff_preview_of_a_draft_is_not_counted(client, monkeypatch):
    live = get_snapshot()
    import dataclasses

    from supportscope.analytics import middleware

    monkeypatch.setattr(middleware, "served_snapshot", lambda: dataclasses.replace(live, draft=1))
    client.get(NGINX)
    assert counted() == {}


def test_counting_never_breaks_a_page(client, monkeypatch, caplog):
    from supportscope.analytics import middleware

    def broken(*args):
        raise RuntimeError("a bug in counting")

    monkeypatch.setattr(middleware, "page_events", broken)
    assert client.get(NGINX).status_code == 200
    assert any("not counted" in record.getMessage() for record in caplog.records)


def test_through_a_database_outage_pages_are_served_and_counted_in_memory(client, monkeypatch):
    held = get_snapshot()

    def refused(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    monkeypatch.setattr(cache, "retry_base", 0.0)
    cache.clear()
    cache._snapshot = held  # the worker compiled the policy before the outage
    with connection.execute_wrapper(refused):
        response = client.get(NGINX)
        assert response.status_code == 200
        assert response[STALE_HEADER] == str(held.revision)
        assert tally_module.flusher.flush() is False  # kept for later
    assert counted()[(START, "", "")] == 1
    assert tally_module.flusher.flush() is True
    assert Counter.objects.get(kind=START).n == 1


@override_settings(SUPPORTSCOPE_ANALYTICS=False)
def test_with_counting_off_nothing_is_counted_and_no_feedback_is_asked(client):
    page = client.get(NGINX, HTTP_REFERER=f"{HOST}/triage/?component=ingress")
    assert b"triage/feedback/" not in page.content
    client.get("/triage/proposed/?component=ingress&proposed=component:ingress")
    assert counted() == {}


# -- "did this answer the ticket?" ----------------------------------------------------------


def test_the_verdict_page_asks_with_a_plain_form_of_two_buttons(client):
    html = client.get(NGINX).content.decode()
    assert '<form method="post" action="/triage/feedback/"' in html
    assert 'name="helped" value="yes"' in html
    assert 'name="helped" value="no"' in html
    assert '<input type="hidden" name="ingress" value="nginx">' in html
    assert "csrfmiddlewaretoken" not in html  # the page stays the same for everyone
    assert "<textarea" not in html.split("feedback-form")[1]  # no free text
    question = client.get("/triage/?component=ingress").content.decode()
    assert "triage/feedback/" not in question


def post_feedback(client, helped="yes", **headers):
    data = {"component": "ingress", "ingress": "nginx", "helped": helped, "lang": "ko"}
    return client.post("/triage/feedback/", data, **headers)


def test_feedback_from_this_site_is_counted_per_verdict_and_redirected_back(client):
    answer = post_feedback(client, HTTP_ORIGIN=HOST, HTTP_SEC_FETCH_SITE="same-origin")
    assert answer.status_code == 303
    assert answer["Location"] == (
        "/triage/?component=ingress&ingress=nginx&lang=ko&feedback=sent#feedback"
    )
    assert not answer.cookies  # no cookie at all
    found = counted()
    assert [key for key in found if key[0] == FEEDBACK] == [
        (FEEDBACK, "unmanaged-ingress-unsupported", "yes")
    ]
    thanks = client.get(answer["Location"]).content.decode()
    assert "feedback-form" not in thanks
    assert 'class="feedback"' in thanks
    assert 'role="status"' in thanks


def test_the_thank_you_page_is_not_counted_as_another_verdict(client):
    client.get(NGINX + "&feedback=sent", HTTP_REFERER=f"{HOST}{NGINX}")
    assert counted() == {}


def test_feedback_checks_the_referer_when_the_browser_sends_no_origin(client):
    assert post_feedback(client, HTTP_REFERER=f"{HOST}{NGINX}").status_code == 303
    assert post_feedback(client, "no", HTTP_REFERER="https://evil.example/x").status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": HOST, "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_REFERER": f"{HOST}/triage/"},
    ],
    ids=["no-headers", "other-origin", "cross-site", "same-site"],
)
def test_a_forged_feedback_from_another_site_is_refused_and_not_counted(client, headers):
    answer = post_feedback(client, **headers)
    assert answer.status_code == 403
    assert counted() == {}


def test_a_trusted_origin_may_send_feedback(client):
    with override_settings(CSRF_TRUSTED_ORIGINS=["https://tickets.example.com"]):
        answer = post_feedback(client, HTTP_ORIGIN="https://tickets.example.com")
    assert answer.status_code == 303


def test_bad_feedback_is_a_400_that_names_the_value_and_counts_nothing(client):
    answer = post_feedback(client, "maybe", HTTP_ORIGIN=HOST)
    assert answer.status_code == 400
    assert "'maybe'" in answer.content.decode()
    assert "yes, no" in answer.content.decode()
    incomplete = client.post(
        "/triage/feedback/", {"component": "ingress", "helped": "yes"}, HTTP_ORIGIN=HOST
    )
    assert incomplete.status_code == 400
    assert counted() == {}


def test_feedback_needs_a_post(client):
    assert client.get("/triage/feedback/").status_code == 405


def test_feedback_through_djangos_csrf_enforcing_client_sets_no_cookie():
    strict = Client(enforce_csrf_checks=True)
    answer = post_feedback(strict, HTTP_ORIGIN=HOST)
    assert answer.status_code == 303
    assert "csrftoken" not in answer.cookies


# -- proposals from a ticket's text ---------------------------------------------------------


def test_the_proposals_form_goes_through_the_confirmation_with_the_proposed_pairs(client):
    page = client.post("/triage/suggest/", {"text": "Our self-installed ingress-nginx returns 502"})
    html = page.content.decode()
    assert 'action="/triage/proposed/"' in html
    assert 'name="proposed" value="component:ingress,ingress:nginx' in html


def test_the_confirmation_counts_each_proposal_and_redirects_to_the_clean_link(client):
    answer = client.get(
        "/triage/proposed/?lang=ko&component=ingress&ingress=kong"
        "&proposed=component:ingress,ingress:nginx,bogus:1"
    )
    assert answer.status_code == 303
    assert answer["Location"] == "/triage/?lang=ko&component=ingress&ingress=kong"
    assert counted() == {
        (PROPOSAL, "component", "accepted"): 1,
        (PROPOSAL, "ingress", "changed"): 1,
    }
    assert client.post("/triage/proposed/").status_code == 405


def test_feedback_from_the_embedded_page_returns_to_the_embedded_page(client):
    data = {"component": "ingress", "ingress": "nginx", "helped": "yes", "embed": "1"}
    answer = client.post(
        "/triage/feedback/", data, HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN=HOST
    )
    assert answer.status_code == 303
    assert answer["Location"].endswith("&embed=1&feedback=sent#feedback")
    page = client.get(NGINX + "&embed=1")
    assert b'<input type="hidden" name="embed" value="1">' in page.content


def test_the_events_of_a_page_are_kept_once_but_a_long_query_string_is_never_kept(rf):
    from django.http import HttpResponse

    from supportscope.analytics.middleware import MAX_KEY_CHARS, AnalyticsMiddleware
    from supportscope.policy.snapshot import request_scope

    middleware = AnalyticsMiddleware(lambda request: HttpResponse())
    for path in (NGINX, NGINX, NGINX + "&x=" + "y" * MAX_KEY_CHARS):
        with request_scope():
            get_snapshot()
            middleware(rf.get(path))
    assert len(middleware._memo) == 1
    assert counted()[(START, "", "")] == 3
