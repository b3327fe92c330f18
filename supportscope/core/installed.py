"""What the customer says they installed or deployed themselves. Pure: no Django imports.

A real ticket mentions in passing what the customer runs on the cluster: "we deploy
kube-router as a DaemonSet", "helm install datadog …", "kubectl apply -f
sysbox-install.yaml", "the Sysbox runtime we installed", "저희가 헬름으로 설치한 데이터독
에이전트". Such a tool is the customer's software (open source or a vendor's), whatever
AKS component it breaks or replaces, and the policy judges it as such.

``installed`` reads a normalized text (``tickettext.normalize``) and returns where each
installed thing is named (the words after or before the install verb, up to a few), with
how it was installed (``Installed.way``: helm, DaemonSet, operator, agent, manifest, or
"installed"). A denied install ("we did not install", "설치하지 않았습니다") is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportscope.core.tickettext import negated


@dataclass(frozen=True, slots=True)
class Installed:
    start: int  # where the installed thing is named, in the normalized text
    end: int
    way: str  # helm, daemonset, operator, agent, manifest, installed
    # said with an install verb ("helm install", "we deployed", "직접 설치한"), not only
    # named with the word for what it is ("the Datadog agent", "we use X")
    explicit: bool = True


# Words that end the name of what was installed.
_STOP_WORDS = (
    "as with on in to via for and which that but because from into using since after "
    "before when while so then of at by into onto across run use we 을 를 이 가 은 는 으로 로"
)
_STOP = frozenset(_STOP_WORDS.split())
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
    운영팀이 담당자가 직접 별도로 따로 추가로 years months weeks days ago yesterday last
    recently earlier previously manually ourselves separately also hi hello team"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
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
_EN_AFTER = re.compile(
    r"\b(?:helm (?:upgrade (?:i |install )|install |upgrade )(?:[^ ]+ )?"  # helm install <release>
    r"|kubectl (?:apply|create) (?:f|filename|k|kustomize) "
    r"|(?:we|i|our team|the team|customer|they|we've|i've) (?:have |had |also |recently |then |"
    r"just |already |initially |originally )?(?:installed|deployed|set up|added|rolled out|"
    r"installed and configured|(?P<use>are running|run|use|are using|manage)) "
    r"(?:our own |our |a |an |the |their |its |own )?"
    r"|(?:self installed|self managed|self hosted|homegrown|home grown) )"
)
_EN_NAMED = re.compile(r" (?:agent|agents|operator|daemonset|exporter|sidecar)\b")
_EN_BEFORE = re.compile(
    r" (?:that|which)(?: we| i| our team)(?: have| had)? (?:installed|deployed|set up|added|"
    r"run|manage|rolled out)\b|"
    r"(?: we| i)(?: have| had)? (?:installed|deployed|added) (?=ourselves|ourself|manually|"
    r"on |in |last |earlier|yesterday|ago|before|recently)|"
    r" (?:installed|deployed) (?:it |them )?(?:ourselves|by us|manually|with helm|via helm|"
    r"through helm|from (?:the|its|their) (?:helm )?chart|as a daemonset|as daemonset)\b|"
    r" (?:daemonset|operator|agent|helm chart|chart) (?:that |which )?(?:we|i) (?:installed|"
    r"deployed|run|added)\b"
)
_KO_BEFORE = re.compile(
    r"(?:[을를] |[을를]?(?: [가-힣a-z]{1,8}(?:으로|로))? )(?:직접 |별도로 |따로 |추가로 )?"
    r"(?:설치|배포|구성|올렸|깔았|깔아)(?:했|하였|해서|한 |하고|해 |됨|했습니다|한$)"
)
_KO_AFTER = re.compile(
    r"(?:직접|저희가|우리가|제가|자체적으로|별도로|따로|헬름으로|helm으로|데몬셋으로|"
    r"daemonset으로|kubectl로) (?:[가-힣a-z]{1,8}(?:으로|로) )?"
    r"(?:설치|배포|구성)(?:한|했던|해 둔|해둔) "
)
_KO_NOT = re.compile(r"^[가-힣]{0,3} ?(?:지 ?않|지 ?말|적 ?(?:이 |은 )?없|안 )")


def _words_after(haystack: str, position: int, limit: int = 3) -> tuple[int, int] | None:
    """The span of the name that starts at ``position``: up to ``limit`` words, ending at
    a stop word or at a word that ends a sentence."""
    words: list[tuple[int, int]] = []
    at = position
    while len(words) < limit and at < len(haystack):
        end = haystack.find(" ", at)
        end = len(haystack) if end == -1 else end
        word = haystack[at:end]
        bare = word.rstrip(".:!?")
        if not bare or bare in _STOP or len(bare) == 1:
            break
        words.append((at, at + len(bare)))
        if bare != word:
            break
        at = end + 1
    while words and haystack[words[0][0] : words[0][1]] in _GENERIC and len(words) > 1:
        words.pop(0)
    if not words or haystack[words[0][0] : words[-1][1]] in _GENERIC:
        return None
    if not _LETTER.search(haystack[words[0][0] : words[-1][1]]):
        return None  # a version, a number
    return words[0][0], words[-1][1]


_LETTER = re.compile(r"[a-z가-힣]")


def _words_before(haystack: str, position: int, limit: int = 3) -> tuple[int, int] | None:
    """The span of the name that ends at ``position``: up to ``limit`` words back, stopping
    at a stop word or at a sentence's end."""
    words: list[tuple[int, int]] = []
    end = position
    while len(words) < limit and end > 0:
        start = haystack.rfind(" ", 0, end) + 1
        word = haystack[start:end]
        if not word or word in _STOP or word[-1:] in ".:!?" or len(word) == 1:
            break
        words.insert(0, (start, end))
        end = start - 1
    while words and haystack[words[0][0] : words[0][1]] in _GENERIC:
        words.pop(0)
    if not words or not _LETTER.search(haystack[words[0][0] : words[-1][1]]):
        return None
    return words[0][0], words[-1][1]


def _way(haystack: str, start: int, end: int) -> str:
    window = haystack[max(0, start - 40) : end + 40]
    for word, way in _WAYS:
        if word in window:
            return way
    return "installed"


def installed(haystack: str) -> tuple[Installed, ...]:
    """Where the text names something the customer installed or deployed, first to last."""
    found: dict[tuple[int, int], Installed] = {}
    for match in _EN_AFTER.finditer(haystack):
        if negated(haystack, match.start(), match.start() + 1):
            continue
        span = _words_after(haystack, match.end())
        if span is not None:
            way = _way(haystack, match.start(), span[1])
            found[span] = Installed(*span, way, explicit=match["use"] is None)
    for match in _EN_BEFORE.finditer(haystack):
        span = _words_before(haystack, match.start())
        if span is not None and not negated(haystack, span[0], span[1]):
            found.setdefault(span, Installed(*span, _way(haystack, span[0], match.end())))
    for match in _EN_NAMED.finditer(haystack):
        span = _words_before(haystack, match.start(), limit=2)
        if span is not None and not any(span[0] < e and s < span[1] for s, e in found):
            way = _way(haystack, span[0], match.end())
            found.setdefault(span, Installed(*span, way, explicit=False))
    for match in _KO_BEFORE.finditer(haystack):
        if _KO_NOT.match(haystack[match.end() - 1 : match.end() + 8]):
            continue
        span = _korean_object(haystack, match.start())
        if span is not None:
            found.setdefault(span, Installed(*span, _way(haystack, span[0], match.end())))
    for match in _KO_AFTER.finditer(haystack):
        span = _words_after(haystack, match.end(), limit=2)
        if span is not None:
            found.setdefault(span, Installed(*span, _way(haystack, match.start(), span[1])))
    return tuple(sorted(found.values(), key=lambda item: item.start))


def _korean_object(haystack: str, position: int) -> tuple[int, int] | None:
    """The object of a Korean install verb: the word (and the one before it) that carries
    the object particle, or stands right before the verb, at ``position``."""
    end = position
    while end > 0 and haystack[end - 1] in "을를":
        end -= 1
    span = _words_before(haystack, end, limit=2)
    if span is None:
        return None
    start, stop = span
    text = haystack[start:stop]
    if not text or text.endswith(("으로", "로")):
        return None
    return start, stop
