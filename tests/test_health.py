"""The liveness and readiness probes, in each state of the database and the policy."""

import pytest
from django.db import OperationalError

from supportscope.core.engine import TreeError
from supportscope.policy import snapshot
from supportscope.policy.snapshot import cache
from supportscope.web import health

pytestmark = pytest.mark.django_db

POD_IP_HOST = "10.244.3.17:8000"


@pytest.fixture
def no_retry_wait(monkeypatch):
    """Ask the database again on the next request after a failure."""
    monkeypatch.setattr(cache, "retry_base", 0.0)


def refuse_connection():
    raise OperationalError("connection refused")


@pytest.fixture
def database_down(monkeypatch, no_retry_wait):
    monkeypatch.setattr(snapshot, "current_state", refuse_connection)
    return monkeypatch


def test_readyz_is_ready_with_the_revision_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["revision"] == snapshot.current_state()[0] >= 1


def test_readyz_compiles_the_tree_so_a_ready_worker_holds_one(client):
    assert cache.peek() is None
    client.get("/readyz")
    assert cache.peek() is not None


def test_healthz_is_alive_without_asking_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_is_not_ready_while_the_database_is_down_but_a_tree_is_held(
    client, monkeypatch, no_retry_wait
):
    revision = client.get("/readyz").json()["revision"]
    monkeypatch.setattr(snapshot, "current_state", refuse_connection)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert "database unreachable" in body["reason"]
    assert body["revision"] == revision
    assert client.get("/healthz").status_code == 200


def test_readyz_is_not_ready_when_the_database_is_down_and_no_tree_was_compiled(
    client, database_down
):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == "database unreachable and no policy compiled yet"
    assert client.get("/healthz").status_code == 200


def test_readyz_reports_a_tree_that_does_not_compile(client, monkeypatch):
    def broken(revision):
        raise TreeError(["node 'x' routes to unknown 'y'"])

    monkeypatch.setattr(snapshot, "compile_snapshot", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "does not compile" in response.json()["reason"]


def test_readyz_tells_a_broken_tree_from_a_down_database_when_no_policy_is_held(
    client, monkeypatch
):
    def unavailable(check_now=False):
        try:
            raise TreeError(["cycle through a -> a"])
        except TreeError as error:
            raise snapshot.PolicyUnavailable(str(error)) from error

    monkeypatch.setattr(health, "get_snapshot", unavailable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["reason"] == health.BROKEN_TREE


def test_readyz_recovers_when_the_database_comes_back(client, database_down):
    assert client.get("/readyz").status_code == 503
    database_down.undo()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_probes_answer_any_host_such_as_the_pod_ip_of_a_kubelet_probe(client):
    assert client.get("/healthz", HTTP_HOST=POD_IP_HOST).status_code == 200
    assert client.get("/readyz", HTTP_HOST=POD_IP_HOST).status_code == 200
    # Every other page still refuses a host that is not allowed.
    assert client.get("/policy/", HTTP_HOST=POD_IP_HOST).status_code == 400


def test_probes_are_not_redirected_to_https_while_pages_are(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/policy/").status_code == 301


def test_probes_set_no_cookie_and_are_never_cached(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path, {"lang": "ko"})
        assert not response.cookies
        assert "no-cache" in response["Cache-Control"]


def test_head_is_answered_and_other_methods_are_refused(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_readyz_asks_the_database_even_while_pages_wait_before_asking_again(client, monkeypatch):
    client.get("/readyz")
    monkeypatch.setattr(cache, "retry_base", 60.0)
    monkeypatch.setattr(snapshot, "current_state", refuse_connection)
    assert client.get("/readyz").status_code == 503
    assert cache.db_down
    monkeypatch.undo()
    # Pages wait for the pause to end; the probe does not, and ends the outage for all.
    assert client.get("/policy/").headers.get("SupportScope-Policy-Stale")
    assert client.get("/readyz").status_code == 200
    assert not cache.db_down
    assert "SupportScope-Policy-Stale" not in client.get("/policy/").headers
