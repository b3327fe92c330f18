"""Property-based fuzzing of the pages and the API with random and hostile query strings.

No input may produce a 5xx. The API answers 200 with an outcome or 400 with the
documented error shape, whatever the query string, header or bytes it gets.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from supportscope.core.engine import UNKNOWN
from supportscope.policy.snapshot import get_snapshot
from tests.hostile import QUERY_PAYLOADS

pytestmark = pytest.mark.django_db

API = "/api/v1/verdict"
PAGES = ["/", "/policy/", "/triage/", "/triage/map/"]
LEVELS = {"supported", "best_effort", "unsupported"}
ERROR_KEYS = {"error", "field", "value", "allowed", "message"}

# Requests only read, so one database and one client serve every example of a test.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def vocabulary() -> dict[str, list[str]]:
    """Each question's values as shipped in ``policy_content/tree.json``."""
    tree = json.loads((Path(__file__).parent.parent / "policy_content" / "tree.json").read_text())
    return {
        question["key"]: [choice["value"] for choice in question["choices"]]
        for question in tree["questions"]
    }


ALLOWED = vocabulary()
KEYS = list(ALLOWED)
VALUES = [value for values in ALLOWED.values() for value in values]
HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(
        [*string.printable, "\x00", "\u2028", "\ufeff", "한", "글", "é", "\U0001f600", "%", "&"]
    ),
    max_size=40,
)
key_strategy = st.one_of(
    st.sampled_from([*KEYS, "lang", "rev", "embed"]),
    HOSTILE_TEXT,
)
value_strategy = st.one_of(
    st.sampled_from([*VALUES, UNKNOWN, "en", "ko", "1", "0", "-1", "999999999999999999999"]),
    st.sampled_from(QUERY_PAYLOADS),
    HOSTILE_TEXT,
)
# Mostly valid answers (so that many examples reach a verdict) with hostile pairs mixed in.
valid_answers = st.fixed_dictionaries(
    {},
    optional={key: st.sampled_from([*values, UNKNOWN]) for key, values in ALLOWED.items()},
)
query_strategy = st.tuples(
    valid_answers, st.lists(st.tuples(key_strategy, value_strategy), max_size=4)
).map(lambda parts: urlencode([*parts[0].items(), *parts[1]]))
# Raw bytes as a server hands them over: anything, including broken percent-escapes
# and invalid UTF-8 (WSGI passes the query string as latin-1 text).
raw_query_strategy = st.one_of(
    st.binary(max_size=80).map(lambda raw: raw.decode("latin-1")),
    st.text(alphabet="&=%;+#?ab0123456789ZzxX-_.~", max_size=40),
)


def get(client, path: str, query: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.generic("GET", path, QUERY_STRING=query, **headers)


def assert_api_answer(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in {200, 400}, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    event(f"API {response.status_code}, complete={body.get('complete')}")
    if response.status_code == 400:
        assert set(body) >= ERROR_KEYS
        assert body["error"] == "invalid_value"
        assert isinstance(body["allowed"], list)
        assert body["allowed"]
        assert body["value"] not in body["allowed"]
        return
    assert isinstance(body["complete"], bool)
    assert isinstance(body["policy_revision"], int)
    if not body["complete"]:
        assert body["verdict"] is None
        assert {"key", "text", "choices"} <= set(body["next_question"])
    elif body["verdict"] is not None:
        assert body["verdict"] in LEVELS
        assert body["citations"]
    else:
        assert body["depends_on"]["branches"]


@pytest.fixture
def warm(client):
    get_snapshot()
    return client


@FUZZ
@given(query=query_strategy)
# Each kind of answer, whatever the random draw: a question, a verdict, a verdict that
# depends on an unknown answer, and a bad value.
@example(query="")
@example(query="component=third-party-oss&oss=helm&preview=preview")
@example(query="component=ingress&ingress=unknown&preview=unknown")
@example(query="component=ingress&ingress=bogus")
def test_api_answers_200_or_400_for_any_answers(warm, query):
    assert_api_answer(get(warm, API, query))


@FUZZ
@given(query=raw_query_strategy)
def test_api_answers_200_or_400_for_any_raw_query(warm, query):
    assert_api_answer(get(warm, API, query))


@FUZZ
@given(
    query=st.one_of(query_strategy, raw_query_strategy),
    accept_language=st.one_of(st.sampled_from(["ko", "ko-KR,ko;q=0.9", "*", ""]), HOSTILE_TEXT),
)
def test_api_survives_any_accept_language(warm, query, accept_language):
    header = accept_language.encode("utf-8").decode("latin-1")
    assert_api_answer(get(warm, API, query, HTTP_ACCEPT_LANGUAGE=header))


@FUZZ
@given(path=st.sampled_from(PAGES), query=st.one_of(query_strategy, raw_query_strategy))
def test_pages_never_answer_5xx(warm, path, query):
    response = get(warm, path, query)
    assert response.status_code < 500, (path, query)


@FUZZ
@given(
    path=st.sampled_from([*PAGES, API]),
    cookie=HOSTILE_TEXT,
    accept_language=HOSTILE_TEXT,
)
def test_hostile_language_cookie_and_header_never_5xx(warm, path, cookie, accept_language):
    warm.cookies["django_language"] = cookie.encode("utf-8").decode("latin-1")
    response = get(
        warm, path, "", HTTP_ACCEPT_LANGUAGE=accept_language.encode("utf-8").decode("latin-1")
    )
    assert response.status_code < 500, (path, cookie, accept_language)
