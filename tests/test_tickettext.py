"""Reading a ticket's text: folding, identifiers, stated durations."""

import math
import re

import pytest

from supportscope.core import tickettext
from supportscope.core.tickettext import (
    durations,
    normalize,
    normalize_marked,
    normalize_ticket,
)


def test_case_width_and_separators_are_folded():
    assert normalize("Service_Mesh-ADD‐on  Ｉｎｇｒｅｓｓ") == "service mesh add on ingress"


def test_the_ticket_reader_spaces_out_every_separator_normalize_knows_but_the_space():
    every = "".join(map(chr, range(0x110000)))
    separators = set(re.findall(r"[\s_\-\u2010-\u2015/·()\[\]{}\"“”,;]", every)) - {" "}
    assert set(tickettext._OTHER_SEPARATOR.findall(every)) == separators
    assert {"\u3000", "\xa0", "\t", "\u2028", "\u2014", "“", ";"} <= separators


@pytest.mark.parametrize(
    "text",
    [
        "\u3000\u3000Pods\xa0\xa0fail — see https://example.org/a/b;\tthen\u2028retry",
        "  (leading) separators, then [brackets]\n\n\nand “quotes”  https://example.org/q",
        "plain text with single spaces only https://example.org/z",
    ],
)
def test_every_run_of_separators_reads_as_one_space_with_identifiers_kept_in_place(text):
    read = normalize_ticket(text)
    assert read.haystack == normalize(text)
    assert "  " not in read.haystack
    assert read.haystack == read.haystack.strip()
    start, end = read.identifiers[0]
    assert read.haystack[start:end].startswith("https: example.org ")


def test_the_products_full_name_reads_as_aks_with_every_position_kept():
    text = "Upgrade an Azure Kubernetes Service (AKS) cluster; Azure Kubernetes Services role"
    assert normalize(text) == "upgrade an aks aks cluster aks role"
    read = normalize_ticket("Azure Kubernetes Service: see https://example.org/x today")
    start, end = read.identifiers[0]
    assert read.haystack[start:end] == "https: example.org x"
    # another Azure service named in full stays as it is
    assert normalize("Azure Kubernetes Fleet Manager") == "azure kubernetes fleet manager"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("we registered AKS-NATGatewayPreview first", "we registered aks natgateway preview first"),
        ("EnableWorkloadIdentityPreview is on", "enableworkloadidentity preview is on"),
        # not joined in mixed case: left as written
        ("the aks-preview extension", "the aks preview extension"),
        ("a PreviewFeature flag", "a previewfeature flag"),
        ("PREVIEWED", "previewed"),
    ],
)
def test_a_feature_flag_named_in_one_word_ending_in_preview_reads_preview(text, folded):
    assert normalize(text) == folded


@pytest.mark.parametrize(
    ("text", "identifiers"),
    [
        ("pull from mcr.microsoft.com/oss/nginx:1.2 fails", ["mcr.microsoft.com oss nginx:1.2"]),
        ("see https://example.org/ingress for it", ["https: example.org ingress"]),
        (
            "annotation service.beta.kubernetes.io/azure-dns-label-name set",
            ["service.beta.kubernetes.io azure dns label name"],
        ),
        ("in MC_rg_aks_westeurope today", ["mc rg aks westeurope"]),
        ("node aks-nodepool1-12345678-vmss000001 down", ["aks nodepool1 12345678 vmss000001"]),
        ("we edited /etc/sysctl.conf and the ingress yaml", []),
        # a cluster's name is no word of the ticket; the extension and AKS's namespaces are
        ("cluster aks-preview-fe (koreacentral) fails", ["aks preview fe"]),
        ("with aks-preview 0.5.1 and the aks-istio-ingress gateway", []),
    ],
)
def test_urls_images_keys_and_generated_names_are_found_as_identifiers(text, identifiers):
    haystack, spans = normalize_marked(text)
    assert haystack == normalize(text)
    assert [haystack[start:end] for start, end in spans] == identifiers


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("the fix came out 4 months ago", 120, 120),
        ("older than 30 days", 30, math.inf),
        ("less than two weeks", 0, 14),
        ("두 달 전에 나온 패치", 60, 60),
        ("한 달 넘게 NotReady", 30, math.inf),
        ("열흘 이내", 0, 10),
        # twelve months or more are the years they make: they meet a year's condition
        ("stopped for more than 12 months", 365, math.inf),
        ("12개월 넘게 중지해 두었습니다", 365, math.inf),
        ("eighteen months ago", 547, 547),
        ("11 months ago", 330, 330),
        # a fraction counts, and "N+" is at least N
        ("stopped 1.5 years ago", 547, 547),
        ("stopped for 12+ months", 365, math.inf),
    ],
)
def test_a_stated_duration_is_read_in_days_with_its_direction(text, low, high):
    (found,) = durations(normalize(text))
    assert (found.low, found.high) == (low, high)


def test_a_text_with_no_duration_has_none():
    assert durations(normalize("pods restart every few minutes")) == ()


@pytest.mark.parametrize(
    "text",
    [
        "I ran az aks stop on Friday evening and the VMs kept running",
        "the node went NotReady yesterday afternoon",
        "어제 az aks stop 으로 중지했는데 VM 이 계속 돌고 있습니다",
        "지난주 금요일부터 노드가 NotReady 입니다",
    ],
)
def test_a_recent_day_named_instead_of_a_time_is_within_two_weeks(text):
    (found,) = durations(normalize(text))
    assert (found.low, found.high, found.recent) == (0, 14, True)


@pytest.mark.parametrize(
    "text",
    [
        "stopped with az aks stop last year; yesterday az aks start failed",
        "작년에 중지한 클러스터를 어제 다시 시작해 봤습니다",
        "NotReady for 45 days now, we only noticed it yesterday",
    ],
)
def test_a_recent_day_does_not_count_beside_a_longer_time(text):
    assert not any(found.recent for found in durations(normalize(text)))


def test_folding_never_makes_or_merges_a_line_break():
    # normalize_ticket folds the whole text once and splits it into lines after: that
    # is the same as folding line by line only if no code point folds into a line break.
    import sys
    import unicodedata

    made = [
        code
        for code in range(sys.maxunicode + 1)
        if code != 10 and "\n" in unicodedata.normalize("NFKC", chr(code)).casefold()
    ]
    assert made == []


@pytest.mark.parametrize(
    "text",
    [
        "the cluster has been working fine for 3 months, and today every node is notready",
        "it ran without issues for two years before this week",
        "몇 달간 잘 돌던 클러스터에서 오늘 노드가 전부 notready 입니다",
        "1년 동안 문제없이 쓰던 노드풀입니다",
    ],
)
def test_how_long_something_worked_before_the_problem_is_no_stated_duration(text):
    haystack = normalize(text)
    assert [haystack[d.start : d.end] for d in durations(haystack)] == []


def test_a_duration_of_the_problem_itself_is_still_read():
    haystack = normalize("it worked fine for years, but the nodes have been notready for 40 days")
    assert [(d.low, d.high) for d in durations(haystack)] == [(40, 40)]


@pytest.mark.parametrize(
    "text",
    [
        "i removed everything whose vendor fix is less than 30 days old from the report",
        "we filtered out findings younger than 30 days",
        "공급업체 수정이 30일이 안 된 항목은 제외했습니다",
    ],
)
def test_the_age_of_what_the_customer_removed_is_no_stated_duration(text):
    haystack = normalize(text)
    assert durations(haystack) == ()
