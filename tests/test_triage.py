"""The triage page: steps, prefill, the 400 page, verdicts, receipts, rev notices, embed mode."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportscope.core.engine import resolve
from supportscope.policy.models import Verdict
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.store import record_revision
from tests.triage_html import parse, squash

pytestmark = pytest.mark.django_db

TOPICS = [
    "requests",
    "changes",
    "cluster-state",
    "control-plane",
    "networking",
    "nodes",
    "addons",
]


def get(client: Client, query: str = "", **headers: str):
    return client.get("/triage/" + (f"?{query}" if query else ""), headers=headers)


def page(response):
    return parse(response.content)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def buttons(doc, key: str) -> list[str]:
    return [b.attrs["value"] for b in doc.find_all("button", name=key)]


def hidden_inputs(doc) -> dict[str, str]:
    return {i.attrs["name"]: i.attrs["value"] for i in doc.find_all("input", type="hidden")}


def badge_level(doc) -> str:
    title = doc.find_all("h1", id="verdict-title")[0]
    badge = next(e for e in title.find_all("span") if "badge" in e.attrs.get("class", "").split())
    return next(
        c[6:]
        for c in badge.attrs["class"].split()
        if c.startswith("badge-") and c[6:] in {"supported", "best_effort", "unsupported"}
    )


# -- full page and fragment -----------------------------------------------------


def test_plain_request_gets_the_whole_page(client):
    response = get(client)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<!doctype html>")
    assert 'class="site-nav"' in html
    assert 'id="triage"' in html
    assert "js/triage.js" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_request_gets_only_the_fragment_with_its_title(client):
    response = get(client, "component=ingress", HX_Request="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<title>Which ingress controller is involved?")
    assert "<html" not in html
    assert "site-nav" not in html
    assert "<script" not in html
    doc = parse(html)
    assert len(doc.find_all("div", id="triage")) == 1
    assert buttons(doc, "ingress")[:2] == ["app-routing", "agic"]


def test_history_restore_request_gets_the_whole_page(client):
    response = get(
        client, "component=ingress", HX_Request="true", HX_History_Restore_Request="true"
    )
    assert response.content.decode().startswith("<!doctype html>")


def test_every_hx_get_has_the_same_href_and_forms_work_without_javascript(client):
    doc = page(get(client, "component=cluster-networking&cni=unknown&preview=unknown"))
    links = doc.with_attr("hx-get")
    assert links
    for element in links:
        if element.tag == "a":
            assert element.attrs["href"] == element.attrs["hx-get"]
    form_doc = page(get(client, "component=ingress"))
    form = form_doc.find_all("form")[0]
    assert form.attrs["method"] == "get"
    assert form.attrs["action"] == "/triage/" == form.attrs["hx-get"]


# -- the first step -------------------------------------------------------------


def test_the_first_step_offers_the_groups_with_a_description_for_each(client):
    doc = page(get(client))
    tree = get_snapshot().tree
    values = buttons(doc, "topic")
    assert values == list(tree.questions["topic"].values) == TOPICS
    assert len(values) <= 10
    assert not buttons(doc, "component")
    for button in doc.find_all("button", name="topic"):
        description = button.find_all("span", class_="choice-desc")
        choice = tree.questions["topic"].choice(button.attrs["value"])
        assert squash(description[0].text) == choice.description["en"]


@pytest.mark.parametrize("topic", TOPICS)
def test_a_group_offers_only_its_own_choices_each_with_a_description(client, topic):
    doc = page(get(client, f"topic={topic}"))
    tree = get_snapshot().tree
    values = buttons(doc, "component")
    assert values == [c.value for c in tree.questions["component"].choices if c.group == topic]
    for button in doc.find_all("button", name="component"):
        description = button.find_all("span", class_="choice-desc")
        choice = tree.questions["component"].choice(button.attrs["value"])
        assert squash(description[0].text) == choice.description["en"]


def test_the_first_step_says_what_is_outside_the_policy_when_nothing_fits(client):
    for query in ("", "q=billing"):
        aside = page(get(client, query)).find_all("aside", class_="outside-policy")
        assert len(aside) == 1
        assert "billing request" in squash(aside[0].text)
        assert "no verdict" in squash(aside[0].text)
    korean = page(get(client, "lang=ko")).find_all("aside", class_="outside-policy")[0]
    assert "범위 밖" in korean.text
    assert not page(get(client, "component=ingress")).find_all("aside", class_="outside-policy")


def test_search_box_is_a_get_form_of_its_own_that_works_without_javascript(client):
    doc = page(get(client))
    box = doc.find_all("div", class_="choice-filter")[0]
    assert "hidden" not in box.attrs
    field = doc.find_all("input", id="choice-filter")[0]
    assert (field.attrs["name"], field.attrs["form"]) == ("q", "choice-search")
    form = doc.find_all("form", id="choice-search")[0]
    assert (form.attrs["method"], form.attrs["action"]) == ("get", "/triage/")
    assert field.attrs["hx-get"] == "/triage/"  # the same search, live, with htmx
    assert not page(get(client, "component=ingress")).find_all("div", class_="choice-filter")


def test_first_step_says_step_one_of_at_most_five(client):
    doc = page(get(client))
    assert squash(doc.find_all("p", class_="progress-text")[0].text) == "Step 1 of at most 5"
    assert len(doc.find_all("ol", class_="progress-bar")[0].find_all("li")) == 5


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic=networking", "Step 2 of at most 5"),
        ("component=network-policy", "Step 3 of at most 5"),
        ("component=network-policy&netpol=managed", "Step 4 of at most 5"),
        ("component=ingress", "Step 3 of at most 4"),
        ("component=cve", "Step 3 of at most 4"),
        ("component=cluster-stop", "Step 3 of at most 4"),
        ("component=cluster-stop&stop_method=not-stopped", "Step 4 of at most 4"),
    ],
)
def test_progress_counts_the_longest_way_left(client, query, expected):
    doc = page(get(client, query))
    assert squash(doc.find_all("p", class_="progress-text")[0].text) == expected


def test_unknown_is_offered_only_where_the_question_allows_it(client):
    assert "unknown" not in buttons(page(get(client)), "component")
    assert buttons(page(get(client, "component=ingress")), "ingress")[-1] == "unknown"


# -- prefill and moving through the flow ----------------------------------------


def test_prefill_asks_only_what_is_missing_and_keeps_the_rest_in_the_form(client):
    doc = page(get(client, "component=ingress&cni=azure-cni"))
    assert buttons(doc, "ingress")
    assert not buttons(doc, "component")
    assert not buttons(doc, "cni")
    assert hidden_inputs(doc) == {"topic": "networking", "component": "ingress", "cni": "azure-cni"}
    unused = doc.find_all("dl", class_="answers answers-unused")[0]
    assert "Azure CNI" in squash(unused.text)


def test_complete_answers_show_the_verdict_straight_away(client):
    doc = page(get(client, "component=ingress&ingress=nginx"))
    assert badge_level(doc) == "unsupported"
    # No question left to ask: the one form is "did this answer the ticket?" (analytics).
    assert [form.attrs["action"] for form in doc.find_all("form")] == ["/triage/feedback/"]


@pytest.mark.parametrize(
    ("query", "level"),
    [
        ("component=api-server&preview=ga", "supported"),
        ("component=cluster-networking&appliance=none&cni=byocni&preview=ga", "unsupported"),
        ("component=cluster-networking&appliance=third-party", "unsupported"),
        ("component=ingress&ingress=nginx&preview=ga", "unsupported"),
        ("component=ingress&ingress=app-routing&preview=ga", "supported"),
        ("component=ingress&ingress=app-routing&preview=preview", "best_effort"),
        ("component=third-party-oss&oss=helm&preview=ga", "unsupported"),
        ("component=app-certificate&cert_problem=certificate", "unsupported"),
        ("component=app-certificate&cert_problem=managed-ingress&preview=ga", "supported"),
        ("component=cve&cve_fix_age=under-30-days&cve_source=managed-component", "unsupported"),
        ("component=kubelet&ready_nodes=yes&preview=ga", "supported"),
        (
            "component=kubelet&ready_nodes=no&stop_method=not-stopped&not_ready_for=30-days-or-more",
            "unsupported",
        ),
        ("component=cluster-stop&stop_method=manual-deallocation", "unsupported"),
        ("component=api-server&preview=k8s-alpha", "unsupported"),
        ("component=upstream-bug&installed_by=aks&preview=ga", "supported"),
        ("component=upstream-bug&installed_by=customer-ingress", "unsupported"),
        ("component=network-policy&netpol=custom&cni=azure-cni", "unsupported"),
    ],
)
def test_the_policy_examples_reach_their_verdict_on_the_page(client, query, level):
    assert badge_level(page(get(client, query))) == level


def test_an_old_link_stopping_at_a_fact_asked_since_says_why(client):
    doc = page(get(client, "component=kubelet&preview=ga"))
    assert buttons(doc, "ready_nodes")
    notice = squash(doc.find_all("div", class_="notice notice-asked-since")[0].text)
    assert "asks one more fact" in notice
    assert "Ready node" in notice
    # The same step reached through the first step is not an old link: no notice.
    fresh = page(get(client, "topic=nodes&component=kubelet&preview=ga"))
    assert buttons(fresh, "ready_nodes")
    assert not fresh.find_all("div", class_="notice notice-asked-since")
    body = client.get("/api/v1/verdict", {"component": "kubelet"}).json()
    assert body["notices"] == [{"kind": "asked-since", "key": "ready_nodes"}]
    version = client.get("/api/v1/verdict", {"component": "kubernetes-version"}).json()
    assert version["notices"] == [{"kind": "asked-since", "key": "version_issue"}]


def test_clicking_a_choice_is_the_same_get_as_the_form(client):
    """The form's hidden inputs plus the pressed button make the next step's query string."""
    doc = page(get(client, "component=network-policy"))
    query = {**hidden_inputs(doc), "netpol": "managed"}
    next_doc = page(client.get("/triage/", query))
    assert buttons(next_doc, "cni")
    assert squash(next_doc.find_all("p", class_="progress-text")[0].text) == "Step 4 of at most 5"


def test_an_answer_the_tree_never_asks_is_removed_not_changed(client):
    doc = page(get(client, "component=api-server&advice=yes"))
    rows = {squash(row.find_all("dt")[0].text): row for row in doc.find_all("div", class_="answer")}
    advice = rows["Does the customer ask how to set up, tune or operate this part of AKS?"]
    link = advice.find_all("a", class_="change-link")[0]
    assert squash(link.text).startswith("Remove")
    assert query_of(link.attrs["href"]) == {"topic": "control-plane", "component": "api-server"}
    component = rows["Which one does the ticket fit?"].find_all("a", class_="change-link")[0]
    assert squash(component.text).startswith("Change")
    assert badge_level(page(client.get(link.attrs["href"]))) == "supported"


def test_change_link_drops_only_that_answer_and_keeps_the_others(client):
    doc = page(get(client, "component=cni-plugin&cni=kubenet&preview=preview"))
    rows = doc.find_all("div", class_="answer")
    changes = {
        squash(row.find_all("dt")[0].text): row.find_all("a", class_="change-link")[0].attrs["href"]
        for row in rows
    }
    component_change = changes["Which one does the ticket fit?"]
    assert query_of(component_change) == {
        "topic": "networking",
        "cni": "kubenet",
        "preview": "preview",
    }
    # Changing the group drops the choice that implies it, and keeps the rest.
    topic_change = changes["What is the ticket mainly about?"]
    assert query_of(topic_change) == {"cni": "kubenet", "preview": "preview"}
    assert buttons(page(client.get(topic_change)), "topic")
    # Picking another networking component reuses the kept answers: straight to a verdict
    # (kube-proxy no longer asks the release status: the preview answer takes the link
    # through the preview-feature choice, which keeps the verdict).
    after = page(client.get("/triage/", {**query_of(component_change), "component": "kube-proxy"}))
    assert badge_level(after) == "best_effort"
    # Picking, in another group, one that needs no CNI keeps cni in the link but does not
    # use it.
    other = page(client.get("/triage/", {**query_of(topic_change), "component": "etcd"}))
    assert badge_level(other) == "best_effort"
    assert "kubenet" in squash(other.find_all("dl", class_="answers answers-unused")[0].text)


def test_summary_shows_only_the_answers_the_engine_used(client):
    doc = page(
        get(
            client,
            "component=app-certificate&cert_problem=certificate&preview=preview&ingress=nginx",
        )
    )
    used = doc.find_all("dl", class_="answers")[0]
    assert [squash(dd.find_all("span")[0].text) for dd in used.find_all("dd")] == [
        "The customer asks for something",
        "Certificates for applications",
        "Issuing, renewing or managing the certificate",
    ]
    unused = doc.find_all("dl", class_="answers answers-unused")[0]
    assert len(unused.find_all("dd")) == 2


def test_start_over_goes_to_the_first_step_keeping_language_and_embed(client):
    doc = page(get(client, "component=ingress&lang=ko&embed=1"))
    start = doc.find_all("a", class_="button button-small start-over")[0]
    assert query_of(start.attrs["href"]) == {"lang": "ko", "embed": "1"}


# -- the verdict ----------------------------------------------------------------


def test_verdict_page_quotes_each_cited_clause_and_links_policy_and_official_page(client):
    snapshot = get_snapshot()
    outcome = resolve(snapshot.tree, {"component": "node-iaas-change", "change_directed": "no"})
    doc = page(get(client, "component=node-iaas-change&change_directed=no"))
    items = doc.find_all("li", class_="citation")
    assert len(items) == len(outcome.result.citations) == 5
    for item, anchor in zip(items, outcome.result.citations, strict=True):
        clause = snapshot.clauses[anchor]
        quote = item.find_all("blockquote")[0]
        assert squash(quote.text) == squash(parse(clause.html["en"]).text)
        hrefs = [a.attrs["href"] for a in item.find_all("a")]
        assert f"/policy/#{anchor}" in hrefs
        assert f"https://learn.microsoft.com/azure/aks/support-policies#{clause.section}" in hrefs


def test_verdict_shows_rationale_and_what_would_make_it_supported(client):
    doc = page(get(client, "component=cluster-stop&stop_method=manual-deallocation"))
    verdict = get_snapshot().tree.verdicts["manual-deallocation-unsupported"]
    assert squash(doc.find_all("div", class_="rationale")[0].text) == verdict.rationale["en"]
    make = doc.find_all("div", class_="make-supported")[0]
    assert verdict.make_supported["en"] in squash(make.text)
    assert not page(get(client, "component=api-server&preview=ga")).find_all(
        "div", class_="make-supported"
    )


def test_receipt_has_verdict_answers_citations_permalink_and_revision(client):
    response = get(client, "component=ingress&ingress=nginx&lang=en")
    doc = page(response)
    receipt = doc.find_all("textarea", id="receipt-text")[0]
    assert "readonly" in receipt.attrs
    text = receipt.text
    revision = get_snapshot().revision
    assert text.startswith("**SupportScope verdict: Unsupported**")
    assert "- Which one does the ticket fit? Ingress controller (`component=ingress`)" in text
    assert "- What is the ticket mainly about? Networking fails (`topic=networking`)" in text
    assert "(`ingress=nginx`)" in text
    assert "http://testserver/policy/#unsupported-scenarios--" in text
    assert "https://learn.microsoft.com/azure/aks/support-policies#unsupported-scenarios" in text
    permalink = (
        "http://testserver/triage/?topic=networking&component=ingress&ingress=nginx"
        f"&lang=en&rev={revision}"
    )
    assert f"Permalink: {permalink}&was=unsupported" in text
    assert text.endswith(f"Policy revision: {revision}")
    copy = doc.find_all("button", **{"data-copy": "receipt-text"})[0]
    assert "hidden" in copy.attrs  # shown by JavaScript only; the text is selectable without it
    assert doc.find_all("span", class_="copy-status")[0].attrs["aria-live"] == "polite"


def test_permalink_keeps_the_language_and_leaves_out_embed_and_unused_answers(client):
    doc = page(get(client, "component=restore&cni=kubenet&lang=ko&embed=1"))
    link = doc.find_all("p", class_="permalink")[0].find_all("a")[0].attrs["href"]
    query = query_of(link)
    assert len(query.pop("res")) == 8  # a hash of the verdict's levels and citations
    assert query == {
        "topic": "requests",
        "component": "restore",
        "lang": "ko",
        "rev": str(get_snapshot().revision),
        "was": "unsupported",
        "fp": get_snapshot().fingerprint,
    }


def test_unknown_answer_shows_how_the_verdict_depends_on_it(client):
    doc = page(get(client, "component=ingress&ingress=unknown&preview=ga"))
    table = doc.find_all("table", class_="depends")[0]
    rows = table.find_all("tbody")[0].find_all("tr")
    tree = get_snapshot().tree
    assert [squash(r.find_all("th")[0].text) for r in rows] == [
        c.label["en"] for c in tree.questions["ingress"].choices
    ]
    levels = [r.find_all("span")[0].attrs["class"] for r in rows]
    values = [c.value for c in tree.questions["ingress"].choices]
    managed = {"app-routing", "agic", "istio-addon-gateway"}
    for value, level in zip(values, levels, strict=True):
        expected = "supported" if value in managed else "unsupported"
        assert level == f"badge badge-{expected} badge-small", value
    choose = rows[values.index("nginx")].find_all("a")[0].attrs["href"]
    assert query_of(choose) == {"component": "ingress", "ingress": "nginx", "preview": "ga"}
    reasons = doc.find_all("li", class_="reason")
    assert len(reasons) == 2  # managed (supported) and self-managed (unsupported)
    text = doc.find_all("textarea")[0].text
    assert "`ingress=nginx`: Unsupported" in text
    assert "was=supported,unsupported" in text


def test_two_unknown_answers_give_one_row_per_combination(client):
    doc = page(get(client, "component=cni-plugin&cni=unknown&preview=unknown"))
    rows = doc.find_all("table", class_="depends")[0].find_all("tbody")[0].find_all("tr")
    # four managed CNIs x four release states, and BYOCNI, which no release state changes
    assert len(rows) == 4 * 4 + 1
    headers = [squash(th.text) for th in doc.find_all("thead")[0].find_all("th")]
    assert headers[:2] == [
        "Which network plugin (CNI) does the cluster use?",
        "Is a preview feature or an upstream alpha or beta feature involved?",
    ]
    answers = [squash(dd.text) for dd in doc.find_all("dl", class_="answers")[0].find_all("dd")]
    assert len(answers) == 4  # the group, the choice, and the two unknown answers
    assert all("Don't know" in a for a in answers[2:])


# -- bad values -----------------------------------------------------------------


def test_unknown_value_gets_a_400_page_naming_it_and_linking_the_allowed_values(client):
    response = get(client, "component=bogus&cni=kubenet")
    assert response.status_code == 400
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    doc = parse(html)
    assert squash(doc.find_all("code", class_="bad-value")[0].text) == "bogus"
    assert "<code>component</code>" in html
    links = doc.find_all("ul", class_="allowed-values")[0].find_all("a")
    values = get_snapshot().tree.questions["component"].values
    assert len(links) == len(values)
    for link, value in zip(links, values, strict=True):
        assert query_of(link.attrs["href"]) == {"component": value, "cni": "kubenet"}


@pytest.mark.parametrize(
    ("query", "key", "value", "allowed"),
    [
        ("component=ingress&ingress=haproxy", "ingress", "haproxy", "unknown"),
        ("component=api-server&component=etcd", "component", "api-server,etcd", "etcd"),
        ("component=ingress&lang=fr", "lang", "fr", "ko"),
        ("component=ingress&embed=yes", "embed", "yes", "1"),
        ("component=ingress&rev=abc", "rev", "abc", "1"),
        ("component=ingress&rev=999", "rev", "999", "1"),
        ("component=ingress&rev=-1", "rev", "-1", "1"),
        ("component=ingress&was=great", "was", "great", "best_effort"),
    ],
)
def test_every_bad_parameter_is_a_400_naming_key_and_value(client, query, key, value, allowed):
    response = get(client, query)
    assert response.status_code == 400
    doc = page(response)
    assert squash(doc.find_all("code", class_="bad-value")[0].text) == value
    assert f"<code>{key}</code>" in response.content.decode()
    offered = [
        query_of(a.attrs["href"])[key]
        for a in doc.find_all("ul", class_="allowed-values")[0].find_all("a")
    ]
    assert allowed in offered


def test_400_page_is_translated(client):
    response = get(client, "component=bogus&lang=ko")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "이 링크에 허용되지 않는 값이 있습니다" in html
    assert "API 서버" in html


def test_400_in_embed_mode_stays_embedded(client):
    response = get(client, "component=bogus&embed=1")
    assert response.status_code == 400
    assert "X-Frame-Options" not in response
    assert "frame-ancestors http://127.0.0.1:8765" in response["Content-Security-Policy"]
    assert "site-nav" not in response.content.decode()


def test_400_for_htmx_is_a_fragment(client):
    response = get(client, "component=bogus", HX_Request="true")
    assert response.status_code == 400
    assert response.content.decode().startswith("<title>")


KEYS = ["component", "cni", "ingress", "preview", "netpol", "rev", "was", "lang", "embed", "x"]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(KEYS),
            st.one_of(
                st.sampled_from(["ingress", "unknown", "ga", "1", "0", "ko", "kubenet", "nginx"]),
                st.text(max_size=12),
            ),
        ),
        max_size=6,
    )
)
def test_no_query_string_gets_a_server_error(client, pairs):
    response = client.get("/triage/", pairs and _multi(pairs))
    assert response.status_code in {200, 400}


def _multi(pairs):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value.replace("\x00", ""))
    return query


# -- the rev notice -------------------------------------------------------------


def _change_policy(name: str | None = None, level: str | None = None) -> int:
    with transaction.atomic():
        if name:
            Verdict.objects.filter(name=name).update(level=level)
        return record_revision(None, "test change", [])


def test_current_revision_shows_no_notice(client):
    revision = get_snapshot().revision
    doc = page(get(client, f"component=app-certificate&rev={revision}&was=unsupported"))
    assert not doc.find_all("div", class_="notice")


def test_old_revision_with_a_changed_verdict_says_so(client):
    old = get_snapshot().revision
    new = _change_policy("managed-ingress-supported", "unsupported")
    doc = page(get(client, f"component=ingress&ingress=agic&rev={old}&was=supported"))
    notice = doc.find_all("div", class_="notice notice-changed")[0]
    text = squash(notice.text)
    assert f"revision {old}; now {new}" in text
    assert "The verdict changed: it was Supported, it is now Unsupported." in text
    assert badge_level(doc) == "unsupported"


def test_old_revision_with_the_same_verdict_says_it_is_unchanged(client):
    old = get_snapshot().revision
    _change_policy()
    doc = page(get(client, f"component=ingress&ingress=nginx&rev={old}&was=unsupported"))
    text = squash(doc.find_all("div", class_="notice notice-unchanged")[0].text)
    assert "The policy has changed since this link was made" in text
    assert "The verdict is the same: Unsupported." in text


def test_old_revision_without_the_old_verdict_asks_to_compare(client):
    old = get_snapshot().revision
    _change_policy()
    doc = page(get(client, f"component=ingress&ingress=nginx&rev={old}"))
    assert doc.find_all("div", class_="notice notice-unknown")


def test_old_revision_that_no_longer_reaches_a_verdict_says_what_to_do(client):
    old = get_snapshot().revision
    _change_policy()
    doc = page(get(client, f"component=ingress&rev={old}&was=unsupported"))
    assert "answer the question below" in squash(
        doc.find_all("div", class_="notice notice-incomplete")[0].text
    )


# -- embed mode -----------------------------------------------------------------


def test_embed_mode_may_be_framed_only_by_the_allowed_origins(client):
    response = get(client, "component=ingress&embed=1")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors http://127.0.0.1:8765" in csp
    assert "'none'" not in csp.split("frame-ancestors")[1]


@pytest.mark.parametrize(
    "url", ["/triage/", "/triage/?component=ingress", "/triage/?embed=0", "/triage/map/"]
)
def test_every_other_page_refuses_to_be_framed(client, url):
    response = client.get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_embed_mode_has_no_site_navigation_and_every_link_and_form_keeps_embed(client):
    response = get(client, "component=ingress&embed=1&lang=en")
    html = response.content.decode()
    assert "site-nav" not in html
    assert "site-footer" not in html
    doc = parse(html)
    assert hidden_inputs(doc) == {
        "topic": "networking",
        "component": "ingress",
        "embed": "1",
        "lang": "en",
    }
    for link in doc.find_all("a"):
        href = link.attrs["href"]
        if href.startswith("/triage/") and link.attrs.get("target") != "_blank":
            assert query_of(href).get("embed") == "1", href
    verdict = page(get(client, "component=ingress&ingress=nginx&embed=1"))
    for link in verdict.find_all("a"):
        href = link.attrs["href"]
        if href.startswith("/triage/") and link.attrs.get("target") != "_blank":
            assert query_of(href).get("embed") == "1", href
        if href.startswith("/policy/"):
            assert link.attrs.get("target") == "_blank"  # the policy page cannot be framed


def test_embed_page_offers_the_full_page_in_a_new_tab(client):
    doc = page(get(client, "component=ingress&embed=1&lang=ko"))
    link = doc.find_all("a", class_="embed-open")[0]
    assert link.attrs["target"] == "_blank"
    assert query_of(link.attrs["href"]) == {"component": "ingress", "lang": "ko"}


# -- languages ------------------------------------------------------------------


def test_lang_in_the_query_is_kept_on_every_link_and_form(client):
    doc = page(get(client, "component=network-policy&lang=ko"))
    assert hidden_inputs(doc)["lang"] == "ko"
    assert "Microsoft 관리형 정책 엔진" in squash(doc.find_all("form")[0].text)
    # The site navigation is outside the flow; the language cookie carries it there.
    for link in doc.find_all("div", id="triage")[0].find_all("a"):
        href = link.attrs["href"]
        if href.startswith("/triage/"):
            assert query_of(href).get("lang") == "ko", href


def test_accept_language_picks_korean(client):
    response = client.get("/triage/?component=ingress&ingress=nginx", HTTP_ACCEPT_LANGUAGE="ko")
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "지원되지 않음" in html
    assert "티켓용으로 복사" in html
    assert "SupportScope 판정: 지원되지 않음" in html
    assert "Accept-Language" in response["Vary"]


def test_every_step_is_in_korean(client):
    doc = page(get(client, "lang=ko"))
    labels = [squash(e.text) for e in doc.find_all("span", class_="choice-label")]
    assert labels[0] == "고객이 무언가를 요청함"
    assert "컨트롤 플레인이나 클러스터 작업 실패" in labels
    assert squash(doc.find_all("p", class_="progress-text")[0].text) == "최대 5단계 중 1단계"
    group = page(get(client, "lang=ko&topic=control-plane"))
    # One group on the page: its name is the answer above, not repeated as a legend.
    assert not group.find_all("legend", class_="group-label")
    choices = [squash(e.text) for e in group.find_all("span", class_="choice-label")]
    assert "API 서버" in choices


# -- cost -----------------------------------------------------------------------


def test_verdict_page_costs_one_query(client, django_assert_num_queries):
    get(client, "component=api-server&preview=ga")  # compiles the snapshot
    with django_assert_num_queries(1):
        response = get(client, "component=ingress&ingress=app-routing&preview=preview")
    assert response.status_code == 200


def test_only_get_and_head_are_allowed(client):
    assert client.post("/triage/").status_code == 405
    assert client.head("/triage/").status_code == 200


def test_a_list_item_is_quoted_with_its_lead_in_so_that_it_stands_alone(client):
    snapshot = get_snapshot()
    doc = page(get(client, "component=kubelet&ready_nodes=yes"))
    quotes = [squash(q.text) for q in doc.find_all("blockquote")]
    lead = squash(
        parse(
            snapshot.clauses[
                "microsoft-responsibilities-for-aks-agent-nodes--component-remediation"
            ].html["en"]
        ).text
    )
    assert lead.endswith("include:")
    # The lead-in is quoted once, as the opening of the item's quote, not alone.
    assert not any(q == lead for q in quotes)
    kubelet = [q for q in quotes if q.startswith(lead)]
    assert kubelet
    assert kubelet[0].endswith("Kubelet")
    assert not any(q.endswith(":") for q in quotes)
    # Korean ends the lead-in with "다음과 같습니다." rather than a colon: quoted the same way.
    korean = [
        squash(q.text)
        for q in page(get(client, "component=kubelet&ready_nodes=yes&lang=ko")).find_all(
            "blockquote"
        )
    ]
    assert len(korean) == len(quotes)
    assert korean[0].startswith("에이전트 노드 위에서")
    assert korean[0].endswith("Kubelet")


def test_the_receipt_quotes_the_item_with_its_lead_in_and_the_api_keeps_each_clause(client):
    receipt = page(get(client, "component=kubelet&ready_nodes=yes")).find_all(
        "textarea", id="receipt-text"
    )[0]
    assert "Those components include: … Kubelet" in receipt.text
    body = client.get("/api/v1/verdict", {"component": "kubelet", "ready_nodes": "yes"}).json()
    assert [c["clause"] for c in body["citations"]] == list(
        get_snapshot().tree.verdicts["kubelet-supported"].citations
    )


def test_a_supported_verdict_resting_on_an_exception_says_so_once(client):
    import dataclasses
    from types import MappingProxyType

    from supportscope.core.engine import Result
    from supportscope.policy.steps import verdict_view

    snapshot = get_snapshot()
    shipped = snapshot.tree.verdicts["aks-operations-advice-supported"]
    assert verdict_view(snapshot, Result(shipped), "en").exception is False  # text says it
    plain = dataclasses.replace(
        shipped, rationale=MappingProxyType({"en": "Support can advise.", "ko": "조언합니다."})
    )
    assert verdict_view(snapshot, Result(plain), "en").exception is True
    doc = page(get(client, "component=aks-operations-advice&preview=ga"))
    assert "exception" in squash(doc.find_all("div", class_="rationale")[0].text)


@pytest.mark.parametrize(("lang", "lead"), [("en", "Apart from that: "), ("ko", "그 밖에는: ")])
def test_a_lowering_overlay_leads_and_the_base_text_follows_as_what_holds_apart(client, lang, lead):
    tree = get_snapshot().tree
    doc = page(get(client, f"component=preview-feature&preview=k8s-alpha&lang={lang}"))
    paragraphs = [squash(p.text) for p in doc.find_all("div", class_="rationale")[0].find_all("p")]
    assert paragraphs[0] == tree.verdicts["k8s-alpha-unsupported"].rationale[lang]
    assert paragraphs[1] == lead + tree.verdicts["release-status-supported"].rationale[lang]
    body = client.get(
        "/api/v1/verdict", {"component": "preview-feature", "preview": "k8s-alpha", "lang": lang}
    ).json()
    assert body["rationale"].startswith(tree.verdicts["k8s-alpha-unsupported"].rationale[lang])
