"""The words around a name in a normalized ticket (``tickettext.normalize``): where the name
of what the customer installed starts and ends, and the words that are no name. Pure: no
Django imports. Shared by the readers of English and of Korean (``core/installed.py``,
``core/installed_ko.py``).
"""

from __future__ import annotations

import re

# Words that end the name of what was installed: joining words, and verbs that start the
# next clause once the comma is gone ("that we installed; pods cannot reach …") or stand
# before "agent" without naming one ("the vendor says their agent …").
_STOP_WORDS = (
    "as with without on in to via for and which that but because from into using since after "
    "before when while so then of at by into onto across run use we installed deployed "
    "instead rather cannot can't couldn't won't doesn't don't didn't isn't aren't wasn't "
    "weren't says said shows showed do does did have has had now only every made not tried "
    "running install upgrade update configure configuring remove delete "
    "last yesterday earlier recently today this it or intentionally successfully the "
    "is are about "
    "을 를 이 가 은 는 으로 로"
)
STOP = frozenset(_STOP_WORDS.split())
# What a customer "installs" that is not a tool: their own application, or AKS itself.
_GENERIC_WORDS = """the a an our my their its it them this that these those it's cluster
    clusters aks
    kubernetes k8s app apps application applications service services deployment
    deployments pod pods node nodes pool pools nodepool version versions update updates
    upgrade upgrades fix patch change changes workload workloads image images container
    containers new latest same everything nothing something anything all some another
    other one two three release releases chart charts it. them. manifest manifests yaml
    file files code microservice microservices api website web frontend backend job jobs
    namespace namespaces secret secrets configmap configmaps cronjob cronjobs test
    staging prod production dev 클러스터 노드 파드 앱 애플리케이션 서비스 배포 이미지 버전
    저희 우리 저희가 우리가 제가 저희는 우리는 저는 고객이 고객사가 팀이 팀에서 개발팀이
    운영팀이 담당자가 직접 별도로 따로 추가로 대신 말고 그래서 그리고 그런데 근데 그래도 또
    years months weeks days ago yesterday last
    recently earlier previously manually ourselves myself themselves me us him her
    separately also hi hello team
    was is are fails failed failing failure error errors hangs hung timeout
    true false null none default warning info build multi support supported key control
    plane identity identities managed user current command configuration config following
    tutorial option options closed watch will url networking network tool tools az
    architecture email several previous requested retry export hostname agentpool both
    exceptions commands"""
GENERIC = frozenset(_GENERIC_WORDS.split())
_NOT_NAME_ENDS = frozenset({"namespace", "namespaces", "error", "errors"})
# Words near an install that say how it was done (``install_way``), the first found wins.
_WAYS = (
    ("daemonset", "daemonset"),
    ("daemon set", "daemonset"),
    ("데몬셋", "daemonset"),
    ("helm", "helm"),
    ("헬름", "helm"),
    ("operator", "operator"),
    ("오퍼레이터", "operator"),
    ("agent", "agent"),
    ("에이전트", "agent"),
    ("kubectl apply", "manifest"),
    ("kubectl create", "manifest"),
)


# A count before a name: "3 member", "5 node", "two replica".
_QUANTITY = re.compile(
    r"(?:[0-9]+|two|three|four|five|six|seven|eight|nine|ten) "
    r"(?:(?:member|node|replica|instance|shard|broker|pod)s? )?"
)


def words_after(haystack: str, position: int, limit: int = 3) -> tuple[int, int] | None:
    """The span of the name that starts at ``position``: up to ``limit`` words, ending at
    a stop word or at a word that ends a sentence."""
    words: list[tuple[int, int]] = []
    at = position
    quantity = _QUANTITY.match(haystack, position)
    if quantity is not None:  # "we deployed a 3-member mongodb replica set": the name follows
        at = quantity.end()
    while len(words) < limit and at < len(haystack):
        end = haystack.find(" ", at)
        end = len(haystack) if end == -1 else end
        on = _ON.match(haystack, end) if haystack[at:end] == "add" else None
        if on is not None:  # "keda http add on": an add-on ends the name ("add-on" normalized)
            end = on.end() - on[0].endswith(" ")
        word = haystack[at:end]
        bare = word.rstrip(".:!?")
        if not bare or bare in STOP or len(bare) == 1:
            break
        words.append((at, at + len(bare)))
        if bare != word:
            break
        at = end + 1
    while words and haystack[words[0][0] : words[0][1]] in GENERIC and len(words) > 1:
        if haystack[words[0][0] : words[0][1]] in _NO_TOOL:
            return None
        words.pop(0)
    # a version before a Latin name is not part of it ("1.30.2 cilium"); before a Korean
    # word it is what the name is ("2.19 버전입니다": the release of the topic said before)
    while (
        len(words) > 1
        and VERSION.fullmatch(haystack[words[0][0] : words[0][1]])
        and LATIN.match(haystack, words[1][0])
    ):
        words.pop(0)
    # nor do where it went and what it printed end it: "the bitnami wordpress namespace",
    # "resources.yaml error"
    while len(words) > 1 and haystack[words[-1][0] : words[-1][1]] in _NOT_NAME_ENDS:
        words.pop()
    if not words or haystack[words[0][0] : words[-1][1]] in GENERIC:
        return None
    if not _LETTER.search(haystack[words[0][0] : words[-1][1]]):
        return None  # a version, a number
    return words[0][0], words[-1][1]


_LETTER = re.compile(r"[a-z가-힣]")
_NO_TOOL = frozenset({"anything", "something", "everything", "nothing"})
_ON = re.compile(r" on[.:!?]?(?: |$)")
VERSION = re.compile(r"v?[0-9]+(?:\.[0-9a-z]+)+")
# An English install names its tool in Latin letters ("helm install 할 때마다" names none).
LATIN = re.compile(r"[0-9a-z]")


def words_before(haystack: str, position: int, limit: int = 3) -> tuple[int, int] | None:
    """The span of the name that ends at ``position``: up to ``limit`` words back, stopping
    at a stop word or at a sentence's end."""
    words: list[tuple[int, int]] = []
    end = position
    counted = 0  # a version ("4.2.5", "v1.3") is not counted: "X chart 4.2.5 controller 1.3.1"
    while counted < limit and end > 0:
        start = haystack.rfind(" ", 0, end) + 1
        word = haystack[start:end]
        if word == "on" and haystack.endswith(" add", 0, start - 1):
            start -= 4  # "keda http add on": an add-on ends the name ("add-on" normalized)
            word = "add on"
        # a markdown heading's marks ("### Harbor operator version") start the name
        if not word.strip("#") or word in STOP or word[-1:] in ".:!?" or len(word) == 1:
            break
        words.insert(0, (start, end))
        counted += VERSION.fullmatch(word) is None
        end = start - 1
    words = without_common_start(haystack, words)
    if not words or not _LETTER.search(haystack[words[0][0] : words[-1][1]]):
        return None
    return words[0][0], words[-1][1]


def without_common_start(haystack: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``words`` (their spans, first to last) without the common words that start them: a
    common word may stand inside a name ("azure workload identity"), not start it."""
    while words and haystack[words[0][0] : words[0][1]] in GENERIC:
        words = words[1:]
    return words


def install_way(haystack: str, start: int, end: int) -> str:
    """How the install said at ``start:end`` was done (``Installed.way``): the first of
    ``_WAYS`` within 40 characters either side, else "installed"."""
    window = haystack[max(0, start - 40) : end + 40]
    for word, way in _WAYS:
        if word in window:
            return way
    return "installed"
