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
from collections.abc import Iterator
from dataclasses import dataclass, replace

from supportscope.core.negation import KO_DENIED_AFTER, negated
from supportscope.core.tickettext import HANGUL, Spans


@dataclass(frozen=True, slots=True)
class Installed:
    start: int  # where the installed thing is named, in the normalized text
    end: int
    way: str  # helm, daemonset, operator, agent, manifest, installed
    # said with an install verb ("helm install", "we deployed", "직접 설치한"), not only
    # named with the word for what it is ("the Datadog agent", "we use X")
    explicit: bool = True


# Words that end the name of what was installed: joining words, and verbs that start the
# next clause once the comma is gone ("that we installed; pods cannot reach …") or stand
# before "agent" without naming one ("the vendor says their agent …").
_STOP_WORDS = (
    "as with on in to via for and which that but because from into using since after "
    "before when while so then of at by into onto across run use we installed deployed "
    "instead rather cannot can't couldn't won't doesn't don't didn't isn't aren't wasn't "
    "weren't says said shows showed do does did have has had now only every made not tried "
    "running install upgrade update configure configuring remove delete "
    "last yesterday earlier recently today this it or intentionally successfully the "
    "을 를 이 가 은 는 으로 로"
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
_GENERIC = frozenset(_GENERIC_WORDS.split())
_NOT_NAME_ENDS = frozenset({"namespace", "namespaces", "error", "errors"})
# Agents and DaemonSets that AKS itself runs: named with "agent" or "daemonset", they are
# not the customer's ("konnectivity-agent pods restart", "the ama-logs agent").
# A whole word starts each name ("panorama" is a vendor's, not "ama"); a longer form such as
# "azure ip masq" or "container insights" ends in one of these.
_AKS_OWN = re.compile(
    r"(?<![0-9a-z])(?:konnectivity|tunnelfront|aks link|ama|ama logs|omsagent|oms|ip masq|"
    r"cloud node manager|azure cns|kube proxy|coredns|csi azuredisk|csi azurefile|"
    r"csi blob|azure policy|insights)$"
)
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
    # every form starts with one of these letters: one look rules out most other words
    r"\b(?=[chikostw])"
    r"(?:helm (?:upgrade (?:i |install )|install |upgrade )(?:[0-9a-z][^ ]* )?"  # <release>
    r"|kubectl (?:apply|create) (?:f|filename|k|kustomize) "
    r"|(?:we|i|our team|the team|customer|they|we've|i've) (?:(?:have|had|also|recently|then|"
    r"just|already|initially|originally|successfully|previously|now) ){0,2}"
    r"(?:installed|deployed|set up|added|rolled out|"
    # reinstalling it says it was theirs to install: "I have tried reinstalling dysk"; so
    # does trying to install it: "i tried to install flannel and weavenet"
    r"(?:tried )?re ?install(?:ed|ing)|(?:tried|attempted) (?:to (?:install|deploy)|"
    r"installing|deploying)|"
    r"installed and configured|"
    r"(?P<use>are running|runs?|uses?|are using|am using|am running|been using|been running|"
    r"manages?)) "
    r"(?:(?P<own>our own |their own |own )|our |a |an |the |their |its )?"
    r"|(?:self installed|self managed|self hosted|homegrown|home grown) )"
)
# ("Managed Identity Operator role" is a role, not an operator)
_EN_NAMED = re.compile(r" (?:agent|agents|operator|daemonset|exporter|sidecar)\b(?! roles?\b)")
_EN_BEFORE = re.compile(
    r" (?:that|which)(?: we| i| our team)(?: have| had)? (?:installed|deployed|set up|added|"
    r"run|manage|rolled out)\b|"
    r"(?: we| i)(?: have| had)? (?:installed|deployed|added) (?=ourselves|ourself|manually|"
    r"on |in |last |earlier|yesterday|ago|before|recently)|"
    r" (?:(?:was|were|has been|have been) )?(?:installed|deployed) (?:it |them )?"
    r"(?:ourselves|by us|by our (?:[a-z]+ )?team|manually|with helm|via helm|"
    r"through helm|from (?:the|its|their|our) (?:[0-9a-z]+ )?(?:helm )?chart|as a daemonset|"
    r"as daemonset|(?:with|via|using|through) (?:istioctl|kustomize|argo ?cd|flux|terraform)|"
    r"(?:by|with|via|through|from|using) (?:the|its|their|our|the vendor's) (?:own )?"
    r"(?:[0-9a-z]+ )?"  # "with the jetstack chart", "using the upstream installer"
    r"(?:daemonset|installer|install script|script|helm chart|chart|operator|manifests?|cli|"
    r"command line))\b|"
    r" (?:daemonset|operator|agent|helm chart|chart) (?:that |which )?(?:we|i) (?:installed|"
    r"deployed|run|added)\b"
)
# How a Korean text says the customer installed it: "헬름으로", "kubectl로", "데몬셋으로".
# Other "…로" phrases ("azure cni로 배포", "같은 방식으로 설치") say how the cluster was
# built, not that a tool was installed.
_KO_WAYS = r"(?:헬름|helm|kubectl|데몬셋|daemonset|오퍼레이터|operator|차트|chart|매니페스트|yaml)"
_KO_WHERE = r"(?:[0-9a-z가-힣._-]+ )?[0-9a-z가-힣._-]+ ?(?:에|에다|에다가)"
_KO_FETCHED = r"(?:받아|받아서|내려받아|내려받아서|다운받아|다운로드해서|가져와|가져와서)"
# The noun "설치" alone says an install was done unless what follows makes it a plan or a
# topic: "설치 방법", "설치 전", "설치 예정".
_KO_NOUN_DONE = r"설치(?= (?!방법|가이드|문서|예정|전|시 |하려|하면|할 |가능|절차|중)|$)"
# A Korean install verb, then what stands right before it: read verb first, since a
# pattern that could start at every space of a long text costs more than the rest of the
# reading (``_korean_installs``).
_KO_VERB = re.compile(
    r"(?=[직별따추설배구깔올띄])"  # every form starts with one of these: skip other positions
    r"(?:직접 |별도로 |따로 |추가로 )?"
    r"(?:(?:설치|배포|구성)(?:했|하였|해서|한 |하고|해 |됨|했습니다|한$)"
    # "올렸", "올려서" also raise a limit: only "올려 두었" (put up and left) deploys
    r"|깔았|깔아서|(?:올려|깔아) ?(?:두었|뒀|두고|놓았|놨|놓고)"
    # put up (or launched) with a way and used: "dapr 1.14 를 helm 으로 올려 쓰고
    # 있습니다", "helm 으로 RabbitMQ 를 올려서 쓰고 있는데", "cert-manager 를 helm 차트로
    # 올렸습니다", "falco 를 데몬셋으로 띄워서"; or by themselves: "linkerd 를 직접 올려서 씁니다"
    r"|(?:(?<=로 |[을를] )|(?<=직접 ))"
    r"(?P<raised>(?:올려|띄워)서? ?(?:쓰고|써|씁|사용)|(?<=로 )(?:올렸|띄웠|띄워서))"
    # the noun alone, in a terse note ("구성: velero helm chart 로 설치, …"): only after a
    # way ("… 로"), and not "설치 방법", "설치 전", "설치 예정"
    rf"|(?P<noun>{_KO_NOUN_DONE}))"
)
_KO_BEFORE_VERB = re.compile(
    # where it went may stand between ("X 를 kube-system 에 직접 배포"), and so may
    # fetching it first ("X.yaml 을 받아 … 배포")
    rf"(?:[을를] (?:{_KO_FETCHED} )?(?:{_KO_WHERE} )?"
    rf"(?:{_KO_WAYS}(?: [0-9a-z가-힣]+){{0,5}}? ?(?:으로|로) )?(?:{_KO_WHERE} )?"
    # a way word with the object particle after it is the name ("GPU Operator 를 helm 으로")
    rf"|[을를]?(?: {_KO_WAYS}(?! [을를] )(?: [0-9a-z가-힣]+){{0,5}}? ?(?:으로|로))? "
    # after the object particle, any tool named in Latin letters is a way: "istio 를
    # istioctl 로 직접 설치" (without the particle, "azure cni로 배포" says how the cluster
    # was built)
    r"|[을를] [a-z][0-9a-z.-]* ?(?:으로|로) )\Z"
)
# The way, then the name in Latin letters, before the noun alone: "helm 으로 cilium 1.16.3 설치".
_KO_WAY_THEN_NAME = re.compile(rf"{_KO_WAYS} ?(?:으로|로) (?:[0-9a-z][0-9a-z.-]* ){{1,3}}\Z")
# A terse note, often in brackets, that names the way and the noun alone after the tool:
# "Longhorn v1.6.2 (helm 설치)", "kube-prometheus-stack(Helm, 자체 설치)". Brackets and
# commas are gone from the normalized text; the tool is the name before the way.
_KO_NOTED = re.compile(rf"(?<=[0-9a-z.] )(?P<way>{_KO_WAYS})(?: (?:자체|직접))? {_KO_NOUN_DONE}")
# A way said in the clause before "… 를 올려서 쓰고" ("helm 으로 RabbitMQ 를 …").
_KO_WAY_BEFORE = re.compile(rf"{_KO_WAYS} ?(?:으로|로) [^.!?\n]*\Z")
# How far before the verb its object and way are looked for.
_KO_REACH = 160
# "Aqua 에이전트를 데몬셋으로 사용 중", "kured 를 쓰고 있": what the customer runs or
# uses, not said to be installed by them (``Installed.explicit`` is False). The object
# particle is needed ("인그레스는 nginx 쓰고 있는데" says what kind, not what they run), and
# a managed product is not theirs ("관리형 NGINX 를 사용 중").
_KO_USED = re.compile(
    rf"(?:[을를] |[을를](?: {_KO_WAYS}(?: [0-9a-z가-힣]+){{0,5}}? ?(?:으로|로)) )"
    r"(?:(?:저희가|우리가|제가|저희 팀에서|직접) )?"
    r"(?:사용 ?중|사용하고 있|사용하는 중|운영 ?중|운영하고 있|쓰고 있|돌리고 있|씁니다|사용합니다)"
)
_KO_MANAGED = re.compile(r"(?:관리형|매니지드|managed|aks) ")
_PLUGINS = frozenset({"cni", "kubenet", "overlay", "cilium", "calico"})
# "Rancher UI 로 워크로드를 배포합니다", "ArgoCD 로 배포 중": the tool the customer deploys
# with is one they run (``Installed.explicit`` is False), named in Latin letters; a network
# plugin says how the cluster was built ("Azure CNI로 배포했습니다").
_KO_DEPLOYS_WITH = re.compile(
    r"(?=[으로])(?:으로|로) "
    r"(?:[가-힣a-z]+[을를]? ){0,2}?(?:배포|관리|운영) ?(?:합니다|하고|해서|했|하는|하며|중)"
)
# The tool's name right before "…로": Latin letters, a version, "UI" or "CLI".
_KO_TOOL_BEFORE = re.compile(
    r"(?<![0-9a-z가-힣.-])(?P<name>[a-z][0-9a-z.-]*(?: [0-9][0-9a-z.]*)?)"
    r"(?: ui| cli| 콘솔)? ?\Z"
)
_KO_AFTER = re.compile(
    r"(?:직접|저희가|우리가|제가|자체적으로|별도로|따로|헬름으로|helm으로|데몬셋으로|"
    r"daemonset으로|kubectl로) (?:[가-힣a-z]{1,8} ?(?:으로|로) )?"
    r"(?:설치|배포|구성)(?:한|했던|해 둔|해둔) "
)
# A particle written apart from the name before it ("dapr 는", "velero 를").
_APART = frozenset({"은", "는", "을", "를", "도"})
# The last object in a clause, before a place: "neuvector 를 " (no sentence end after it; a
# version's dots are none).
_KO_OBJECT_BEFORE = re.compile(r"[0-9a-z가-힣._-] ?[을를] (?=(?:[^.!?\n]|\.(?=[0-9a-z]))*\Z)")
# Korean particles that end a name: "kured를", "아르고는", "에이전트가".
_KO_PARTICLE = re.compile(r"(?<=[0-9a-z가-힣])(?:은|는|이|가|을|를|도)$")
# A word that says where, not what: "모든 노드에", "클러스터에서".
_KO_PLACE = re.compile(r"(?:에|에서|에는|으로|로)$")


# A count before a name: "3 member", "5 node", "two replica".
_QUANTITY = re.compile(
    r"(?:[0-9]+|two|three|four|five|six|seven|eight|nine|ten) "
    r"(?:(?:member|node|replica|instance|shard|broker|pod)s? )?"
)


def _words_after(haystack: str, position: int, limit: int = 3) -> tuple[int, int] | None:
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
    # nor do where it went and what it printed end it: "the bitnami wordpress namespace",
    # "resources.yaml error"
    while len(words) > 1 and haystack[words[-1][0] : words[-1][1]] in _NOT_NAME_ENDS:
        words.pop()
    if not words or haystack[words[0][0] : words[-1][1]] in _GENERIC:
        return None
    if not _LETTER.search(haystack[words[0][0] : words[-1][1]]):
        return None  # a version, a number
    return words[0][0], words[-1][1]


_LETTER = re.compile(r"[a-z가-힣]")
_VERSION = re.compile(r"v?[0-9]+(?:\.[0-9a-z]+)+")
# An English install names its tool in Latin letters ("helm install 할 때마다" names none).
_LATIN = re.compile(r"[0-9a-z]")


def _words_before(haystack: str, position: int, limit: int = 3) -> tuple[int, int] | None:
    """The span of the name that ends at ``position``: up to ``limit`` words back, stopping
    at a stop word or at a sentence's end."""
    words: list[tuple[int, int]] = []
    end = position
    counted = 0  # a version ("4.2.5", "v1.3") is not counted: "X chart 4.2.5 controller 1.3.1"
    while counted < limit and end > 0:
        start = haystack.rfind(" ", 0, end) + 1
        word = haystack[start:end]
        if not word or word in _STOP or word[-1:] in ".:!?" or len(word) == 1:
            break
        words.insert(0, (start, end))
        counted += _VERSION.fullmatch(word) is None
        end = start - 1
    words = _without_common_start(haystack, words)
    if not words or not _LETTER.search(haystack[words[0][0] : words[-1][1]]):
        return None
    return words[0][0], words[-1][1]


def _without_common_start(haystack: str, words: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``words`` (their spans, first to last) without the common words that start them: a
    common word may stand inside a name ("azure workload identity"), not start it."""
    while words and haystack[words[0][0] : words[0][1]] in _GENERIC:
        words = words[1:]
    return words


def _way(haystack: str, start: int, end: int) -> str:
    window = haystack[max(0, start - 40) : end + 40]
    for word, way in _WAYS:
        if word in window:
            return way
    return "installed"


# "We installed Dapr as the AKS cluster extension", "enabled through the add-on": the way
# AKS offers it, not a copy of the customer's own.
_THROUGH_AKS = re.compile(
    r" (?:as|via|with|using|through|from) (?:the |an |a |our )?(?:aks |azure |cluster |"
    r"managed |microsoft )*(?:extension|add on|addon|az aks enable addons|az k8s extension)\b"
)


# A step of the customer's own (``Normalized.steps``: "Steps to reproduce", "What we did:")
# that installs, said as a command: "1. Deploy cluster autoscaler with …", "- install
# cilium from its guide", "3. helm install …" (the last already read above). Not "add":
# "3. Add the annotation to the service" adds no tool.
_STEP_COMMAND = r"(?:install|deploy|set ?up) (?:the |a |an |our )?"
_STEP_INSTALL = re.compile(rf"(?:\d{{1,2}}[.)]? |[-*•·] )?{_STEP_COMMAND}")
# The same command later in a step: "1. Follow the guide, set the node count to 1 and
# install cilium".
_STEP_INSTALL_LATER = re.compile(rf" (?:and|then) {_STEP_COMMAND}")


# A manifest said by where it came from: "Yaml used: https://github.com/…/x.yaml", looked
# for right before each URL (a pattern tried at every word of the text cost 0.1 ms).
_MANIFEST_USED = re.compile(r"\b(?:ya?ml|manifests?)(?: (?:used|applied|deployed))?: \Z")
_NON_SPACE = re.compile(r"[^ ]+")
_LATIN_LETTER = re.compile(r"[a-z]")
_KOREAN_ONLY = re.compile(r"[^a-z ]*[가-힣][^a-z ]*")  # a word of Hangul, with no Latin letter
# Korean words for what kind of software it is: part of its name ("Aqua 에이전트").
_KO_KINDS = frozenset({"에이전트", "오퍼레이터", "데몬셋", "드라이버", "컨트롤러", "플러그인"})
# The scheme and host of a URL, as normalized: "https: raw.githubusercontent.com ".
_URL_HOST = re.compile(r"https?: [^ ]+ ")


def installed(haystack: str, steps: Spans = (), identifiers: Spans = ()) -> tuple[Installed, ...]:
    """Where the text names something the customer installed or deployed, first to last;
    ``steps`` are the spans of the customer's own steps (said as commands), and
    ``identifiers`` those of URLs and other names (``tickettext.Normalized``): a manifest
    applied from a URL is named by the URL's path."""
    found = _installed(haystack)
    for start, end in steps:
        first = _STEP_INSTALL.match(haystack, start, end)
        for command in filter(None, (first, *_STEP_INSTALL_LATER.finditer(haystack, start, end))):
            span = _words_after(haystack[:end], command.end())
            if span is not None and _LATIN.match(haystack, span[0]):
                _put(found, Installed(*span, _way(haystack, start, end)))
    if identifiers:
        found = _from_urls(haystack, found, identifiers)
    kept: dict[tuple[int, int], Installed] = {}
    for item in found.values():
        trimmed = _latin_core(haystack, item)
        if not _context_only(haystack, trimmed):
            _put(kept, trimmed)  # two names trimmed to one span are one install
    return tuple(sorted(kept.values(), key=lambda item: (item.start, item.end)))


# What the customer installed, said in the same sentence to be working or beside the point:
# "Linkerd 를 CLI 로 직접 설치해서 쓰고는 있는데 컨트롤 플레인은 정상입니다", "the GPU Operator
# we installed with Helm runs fine on the first two nodes", "헬름으로 직접 설치한 Kyverno 도
# 있긴 한데 …", "… but it is not involved". Context, not what the ticket is about.
_FINE = re.compile(
    r"[^.!?\n]{0,80}?(?:정상(?:입니다|이에요|이고|이며|으로 (?:동작|돌아)|적으로)|"
    r"잘 (?:돌|동작|작동|되)|문제(?:가)? ?없|이상(?:은)? ?없|긴 한데|긴 하지만|긴 하는데|"
    r"\bnot (?:involved|related)\b|"
    r"\b(?:is|are|looks?|seems?|runs?|running|works?|working)"
    r"(?: [a-z]+){0,2} (?:fine|healthy|normally|as expected)\b)"
)


# What the customer uses, named as an add-on or extension ("we use the application routing
# add-on", "애플리케이션 라우팅 애드온을 쓰고 있고"), is AKS's own, not software they run.
_ADD_ON = re.compile(r"\badd ?ons?\b|\bextensions?\b|애드온|확장")


def _context_only(haystack: str, item: Installed) -> bool:
    """Whether a name found is no install the ticket is about: one installed through
    what AKS offers (``_THROUGH_AKS``), one the sentence goes on to say works or is beside
    the point (``_FINE``), or an add-on the customer only says they use (``_ADD_ON``)."""
    return (
        _THROUGH_AKS.match(haystack, item.end) is not None
        or _FINE.match(haystack, item.end) is not None
        or (not item.explicit and _ADD_ON.search(haystack, item.start, item.end + 6) is not None)
    )


def _latin_core(haystack: str, item: Installed) -> Installed:
    """``item`` without the Korean words around a name in Latin letters: they are the
    sentence it stands in ("안녕하세요 dynatrace", "재부팅은 kured", "sysbox 설치"), but
    one after it may say what kind of software it is ("aqua 에이전트")."""
    words = [(m.start(), m.end()) for m in _NON_SPACE.finditer(haystack, item.start, item.end)]
    own = [_KOREAN_ONLY.fullmatch(haystack, *span) is None for span in words]
    if all(own) or not _LATIN_LETTER.search(haystack, item.start, item.end):
        return item
    first = own.index(True)
    last = max(k for k, (a, b) in enumerate(words) if own[k] or haystack[a:b] in _KO_KINDS)
    return replace(item, start=words[first][0], end=words[last][1])


def _from_urls(
    haystack: str, found: dict[tuple[int, int], Installed], identifiers: Spans
) -> dict[tuple[int, int], Installed]:
    """``found`` with a URL named as what was installed ("kubectl apply -f https://…/x.yaml"
    named "https") named by the URL's path instead, and a manifest said by its URL
    ("Yaml used: https://…") added: the path says which project it came from."""
    paths: dict[int, tuple[int, int]] = {}  # where a URL starts: where its path stands
    for start, end in identifiers:
        host = _URL_HOST.match(haystack, start, end)
        if host is not None and host.end() < end:
            paths[start] = (host.end(), end)
    if not paths:
        return found
    named: dict[tuple[int, int], Installed] = {}
    for span, item in found.items():
        path = paths.get(span[0])
        if path is not None:
            span, item = path, Installed(*path, item.way, item.explicit)
        named[span] = item
    for start, path in paths.items():
        if _MANIFEST_USED.search(haystack, max(0, start - 32), start):
            _put(named, Installed(*path, "manifest"))
    return named


def _installed(haystack: str) -> dict[tuple[int, int], Installed]:
    found: dict[tuple[int, int], Installed] = {}
    for match in _EN_AFTER.finditer(haystack):
        if negated(haystack, match.start(), match.start() + 1):
            continue
        span = _words_after(haystack, match.end())
        if span is not None and _LATIN.match(haystack, span[0]):
            way = _way(haystack, match.start(), span[1])
            _put(found, Installed(*span, way, explicit=match["use"] is None or bool(match["own"])))
    for match in _EN_BEFORE.finditer(haystack):
        span = _words_before(haystack, match.start())
        if span is not None and not negated(haystack, span[0], span[1]):
            # said with an install verb: explicit, even where "we use X" named it first
            _put(found, Installed(*span, _way(haystack, span[0], match.end())))
    for match in _EN_NAMED.finditer(haystack):
        span = _words_before(haystack, match.start(), limit=2)
        if span is not None and _AKS_OWN.search(haystack, span[0], span[1]):
            continue
        if span is not None and not any(span[0] < e and s < span[1] for s, e in found):
            way = _way(haystack, span[0], match.end())
            _put(found, Installed(*span, way, explicit=False))
    korean = HANGUL.search(haystack) is not None  # the Korean patterns need Hangul
    for start, end in _korean_installs(haystack) if korean else ():
        said = haystack[start:end]
        if KO_DENIED_AFTER.match(haystack[end - 1 : end + 8]):
            continue
        if said.endswith(("한 ", "한")) and said[0] not in "을를":
            continue  # "헬름으로 설치한 데이터독 …": what was installed follows (_KO_AFTER)
        span = _korean_object(haystack, start)
        if span is not None:
            _put(found, Installed(*span, _way(haystack, span[0], end)))
    for match in _KO_USED.finditer(haystack) if korean else ():
        span = _korean_object(haystack, match.start())
        if span is None or _KO_MANAGED.match(haystack, span[0]):
            continue
        if not KO_DENIED_AFTER.match(haystack[match.end() : match.end() + 8]):
            way = _way(haystack, span[0], match.end())
            _put(found, Installed(*span, way, explicit=False))
    for match in _KO_DEPLOYS_WITH.finditer(haystack) if korean else ():
        floor = max(0, match.start() - 40)
        tool = _KO_TOOL_BEFORE.search(haystack, floor, match.start())
        if tool is None:
            continue
        name = tool["name"]
        if name not in _GENERIC and not _KO_MANAGED.match(name + " ") and name not in _PLUGINS:
            _put(found, Installed(tool.start("name"), tool.end("name"), "installed", False))
    for match in _KO_NOTED.finditer(haystack) if korean else ():
        span = _words_before(haystack, match.start("way") - 1, limit=2)
        if span is not None and not negated(haystack, span[0], match.end()):
            _put(found, Installed(*span, _way(haystack, span[0], match.end())))
    for match in _KO_AFTER.finditer(haystack) if korean else ():
        span = _korean_name_after(haystack, match.end())
        if span is not None:
            _put(found, Installed(*span, _way(haystack, match.start(), span[1])))
    return _names_only(haystack, found) if korean else found


# A Korean word that ends a clause, not a name: "만들어서", "돌리려고", "중인데요", "없고".
_KO_CLAUSE_END = re.compile(
    r"(?:어서|아서|해서|하고|되고|는데|인데|은데|도록|려고|려면|니다|했고|됐고|없고|있고|"
    r"으니|하니|니까|지만|텐데|데요|는지|은지|건지)$"
)


def _names_only(
    haystack: str, found: dict[tuple[int, int], Installed]
) -> dict[tuple[int, int], Installed]:
    """``found`` with each name cut after a Korean clause it starts with ("돌리려고 sysbox"
    -> "sysbox"). A name that is only such a clause ("새로 설치했는데") stays: the customer
    still says they installed something."""
    kept: dict[tuple[int, int], Installed] = {}
    for item in found.values():
        start = item.start
        for word in haystack[item.start : item.end].split(" ")[:-1]:
            if not _KO_CLAUSE_END.search(word):
                break
            start += len(word) + 1
        _put(kept, Installed(start, item.end, item.way, item.explicit))
    return kept


def _put(found: dict[tuple[int, int], Installed], item: Installed) -> None:
    """Keep ``item`` where nothing was found yet, or where only a name was: an install verb
    said of it ("GPU Operator 를 helm 으로 설치") outweighs "the X operator" alone."""
    before = found.get((item.start, item.end))
    if before is None or (item.explicit and not before.explicit):
        found[item.start, item.end] = item


def _korean_installs(haystack: str) -> Iterator[tuple[int, int]]:
    """Where a Korean install is said: from its object particle or its way ("헬름으로") or
    the space before it, through the verb ("… 를 헬름으로 설치했")."""
    after = 0  # each install is read once: the next one starts after it
    for verb in _KO_VERB.finditer(haystack):
        floor = max(after, verb.start() - _KO_REACH)
        before = _KO_BEFORE_VERB.search(haystack[floor : verb.start()])
        if before is None:
            continue
        if verb["noun"] and not (
            before[0].endswith("로 ") or _KO_WAY_THEN_NAME.search(haystack, floor, verb.start())
        ):
            continue  # the noun alone installs only after its way
        if (
            verb["raised"]
            and not verb[0].startswith("직접")
            and not _KO_WAY_BEFORE.search(haystack, floor, verb.start())
        ):
            continue  # "한도를 올려서 쓰고": a limit raised, not a tool put up
        after = verb.end()
        yield floor + before.start(), verb.end()


def _korean_object(haystack: str, position: int) -> tuple[int, int] | None:
    """The object of a Korean install verb: the word (and the one before it) that carries
    the object particle, or stands right before the verb, at ``position``; who installed
    it ("저희가") and a particle are left out, and a place ("모든 노드에") is no object."""
    end = position
    while end > 0 and haystack[end - 1] in "을를":
        end -= 1
    end = len(haystack[:end].rstrip(" "))  # "kured 를 …": a particle written apart
    start = haystack.rfind(" ", 0, end) + 1
    # over who installed it ("아르고는 저희가 직접 설치") and a particle written apart
    # ("dapr 는 저희가 …")
    while start < end and (
        haystack[start:end] in _GENERIC or (haystack[start:end] in _APART and start > 0)
    ):
        end = max(start - 1, 0)
        start = haystack.rfind(" ", 0, end) + 1
    if haystack[start:end] in ("에", "에서"):  # "… containerd 에 helm 으로": a place, apart
        return _object_before_place(haystack, start)
    span = _words_before(haystack, end, limit=2)
    if span is None:
        return None
    start, stop = span
    last_start = haystack.rfind(" ", start, stop) + 1
    last = haystack[last_start:stop]
    if _KO_PLACE.search(last):
        if last.endswith(("으로", "로")):
            return _object_before_command(haystack, last_start)
        return _object_before_place(haystack, last_start)
    if last_start > start and _KO_PLACE.search(haystack[start : last_start - 1]):
        start = last_start  # "백업 용도로 velero 를 …": what for, then what
    particle = _KO_PARTICLE.search(last)
    if particle is not None and particle[0] in "이가" and haystack[position] not in "을를":
        return None  # "애드온이 배포한 …": who deployed it, not what
    if particle is not None and len(last) > len(particle[0]):
        stop -= len(particle[0])
    words = haystack[start:stop].split(" ")
    if all(_VERSION.fullmatch(word) or word in _FORM_WORDS for word in words):
        # "fluent-bit 공식 helm chart(0.47.x)를": the chart and its version name the tool
        # before; "net-kourier (저희가 공식 YAML 로 …)": over who installed it
        return _name_before_form(haystack, start, stop)
    if words[-1] in _FORM_WORDS:
        # "cert-manager helm chart 를": the name stands before how it comes, and may be
        # longer than the word before it
        form = stop - len(words[-1])
        return _name_before_form(haystack, form, stop) or (start, stop)
    if words in (["daemonset"], ["데몬셋"]):
        # "sysbox-deploy-k8s DaemonSet 을 배포": the DaemonSet is named by the words before
        return _name_before_form(haystack, start, stop, kind=True) or (start, stop)
    return start, stop


# A command or tool in Latin letters said as the way ("dapr init -k로"), and the topic or
# object named before it and who did it: "Dapr는 저희가 dapr init -k로 직접 설치" installed
# Dapr.
_KO_TOPIC_BEFORE_COMMAND = re.compile(
    r"(?<![0-9a-z가-힣._-])(?P<name>[a-z][0-9a-z._-]*(?: [a-z][0-9a-z._-]*)?) ?[은는을를] "
    r"(?:(?:저희가|우리가|제가|저희 팀에서|직접) )?"
    r"(?:[0-9a-z._-]+ ){0,3}[0-9a-z._-]+ ?(?:으로|로)\Z"
)


def _object_before_command(haystack: str, way: int) -> tuple[int, int] | None:
    """The object of an install whose way is a command or tool in Latin letters, said with
    a topic or object particle before it (``_KO_TOPIC_BEFORE_COMMAND``); ``None`` where
    the way is Korean or nothing Latin stands before it ("azure cni로 배포" says how a
    cluster was built, and has no particle)."""
    end = haystack.find(" ", way)
    end = end if end > 0 else len(haystack)
    found = _KO_TOPIC_BEFORE_COMMAND.search(haystack, max(0, way - 80), end)
    if found is None or found["name"] in _GENERIC:
        return None
    return found.start("name"), found.end("name")


def _object_before_place(haystack: str, place: int) -> tuple[int, int] | None:
    """The object said before a place that stands between it and the verb: "NeuVector 를
    AKS(1.31, Ubuntu 노드, containerd) 에 helm 으로 설치" (a long place, in one sentence)."""
    found = list(_KO_OBJECT_BEFORE.finditer(haystack, max(0, place - 80), place))
    return _korean_object(haystack, found[-1].end() - 1) if found else None


# Words that say how a tool comes, not which tool: a chart, its version, "official".
_FORM_WORDS = frozenset({"helm", "chart", "차트", "헬름", "공식", "official", "버전", "version"})


def _name_before_form(
    haystack: str, start: int, stop: int, *, kind: bool = False
) -> tuple[int, int] | None:
    """The tool's name before the words of how it comes (``start:stop``): over more such
    words and over who installed it ("저희가", "직접"), then up to three words in Latin
    letters, not starting with a common word (with ``kind``, the name of a DaemonSet, it may:
    "sysbox deploy k8s").
    None when no such word stands there: "저희가 공식 yaml 로 설치" says only how."""
    named: list[tuple[int, int]] = []  # the name's words, first to last
    name_end = stop
    while start > 1 and len(named) < 3:
        previous = haystack.rfind(" ", 0, start - 1) + 1
        word = haystack[previous : start - 1]
        if not named and (word in _FORM_WORDS or _VERSION.fullmatch(word)):
            start = previous
            continue
        if not named and word in _GENERIC and HANGUL.search(word):
            start, name_end = previous, previous - 1
            continue
        if not _LATIN.match(word) or word in _STOP:
            break
        named.insert(0, (previous, start - 1))
        start = previous
    if not kind:
        named = _without_common_start(haystack, named)
    return (named[0][0], name_end) if named else None


def _korean_name_after(haystack: str, position: int) -> tuple[int, int] | None:
    """The name after "직접 설치한 …": up to two words, ending at a particle ("nginx는");
    None when the sentence goes on to deny it ("… nginx는 없습니다")."""
    span = _words_after(haystack, position, limit=2)
    if span is None or _KO_PREDICATE.match(haystack, span[0], span[1]):
        return None
    start, stop = span
    at = start
    for word in haystack[start:stop].split(" "):
        particle = _KO_PARTICLE.search(word)
        if particle is not None and len(word) > len(particle[0]):
            stop = at + len(word) - len(particle[0])
            break
        at += len(word) + 1
    if KO_DENIED_AFTER.match(haystack[stop : stop + 12].lstrip("은는이가을를도 ")):
        return None
    if _KO_VERSION_NAME.match(haystack, start):
        # "KEDA 는 … 저희가 helm 으로 직접 설치한 2.19 버전입니다": the version of the
        # sentence's topic
        sentence = max(haystack.rfind(end, 0, position) for end in ".!?\n") + 1
        topic = _KO_TOPIC.search(haystack, sentence, position)
        return topic.span("name") if topic is not None else None
    return start, stop


# A first word that ends the sentence ("설치해 둔 상태입니다. 현상 …"): nothing is named after
# the verb; the next sentence's first word (here a form's heading) is no name.
_KO_PREDICATE = re.compile(
    r"[^ ]*(?:니다|어요|아요|에요|예요|해요|이다|였다|했다|한다|된다)(?: |\Z)"
)
# A version said as the thing installed ("2.19 버전", "v1.12 버전이"), and the topic or
# object of a Korean sentence named in Latin letters ("KEDA 는", "Istio를").
_KO_VERSION_NAME = re.compile(r"v?[0-9][0-9.x]* ?버전")
_KO_TOPIC = re.compile(r"(?<![0-9a-z가-힣.-])(?P<name>[a-z][0-9a-z.-]*) ?(?:은|는|을|를) ")
