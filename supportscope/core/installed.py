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

The Korean reading is ``core/installed_ko.py``; the words around a name, ``core/names.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from supportscope.core import installed_ko
from supportscope.core.names import (
    LATIN,
    install_way,
    words_after,
    words_before,
)
from supportscope.core.negation import negated
from supportscope.core.tickettext import HANGUL, Spans


@dataclass(frozen=True, slots=True)
class Installed:
    start: int  # where the installed thing is named, in the normalized text
    end: int
    way: str  # helm, daemonset, operator, agent, manifest, installed
    # said with an install verb ("helm install", "we deployed", "직접 설치한"), not only
    # named with the word for what it is ("the Datadog agent", "we use X")
    explicit: bool = True


# Agents and DaemonSets that AKS itself runs: named with "agent" or "daemonset", they are
# not the customer's ("konnectivity-agent pods restart", "the ama-logs agent").
# A whole word starts each name ("panorama" is a vendor's, not "ama"); a longer form such as
# "azure ip masq" or "container insights" ends in one of these.
_AKS_OWN = re.compile(
    r"(?<![0-9a-z])(?:konnectivity|tunnelfront|aks link|ama|ama logs|omsagent|oms|ip masq|"
    r"cloud node manager|azure cns|kube proxy|coredns|csi azuredisk|csi azurefile|"
    r"csi blob|azure policy|insights)$"
)
_EN_AFTER = re.compile(
    # every form starts with one of these letters: one look rules out most other places
    r"(?=[achikostw])\b"
    r"(?:helm (?:upgrade (?:i |install )|install |upgrade )(?:[0-9a-z][^ ]* )?"  # <release>
    r"|kubectl (?:apply|create) (?:f|filename|k|kustomize) "
    r"|(?:we|i|i'm|we're|our team|the team|customer|they|we've|i've) "
    r"(?:(?:have|had|also|recently|then|"
    r"just|already|initially|originally|successfully|previously|now) ){0,2}"
    r"(?:installed|deployed|set ?up|added|rolled out|"
    # reinstalling it says it was theirs to install: "I have tried reinstalling dysk"; so
    # does trying to install it: "i tried to install flannel and weavenet"
    r"(?:tried )?re ?install(?:ed|ing)|(?:tried|attempted) (?:to (?:install|deploy)|"
    r"installing|deploying)|(?:am |are )?trying to (?:install|deploy)|"
    r"installed and configured|"
    r"(?P<use>(?:are |am |been )?running|runs?|uses?|(?:are |am |been )?using|"
    r"manages?)) "
    r"(?:(?P<own>our own |their own |own )|our |a |an |the |their |its )?"
    r"|(?:self installed|self managed|self hosted|homegrown|home grown) "
    # their own step, said without a subject: "After installing the Weaveworks GitOps for
    # VS Code, selecting a cluster …"
    r"|(?:after|since|then|tried) (?:installing|deploying) (?:the |a |an |our )?)"
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
    r"deployed|run|added)\b|"
    # the install said as a noun: "their keda install via helm2", "our istio installation
    # with istioctl"
    r" (?:install|installation) (?:via|with|using|through) (?:helm ?[0-9]?|"
    r"(?:the |its )?helm charts?|istioctl|kustomize|argo ?cd|flux|terraform)\b"
)


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


# A project's own issue form asks which of its releases the reporter runs ("## What version
# of Dapr? 1.8.3"): a release of theirs, not the add-on AKS runs. Not Kubernetes, AKS or
# the form's own "the component".
# ("what" first, then the word boundary behind it: a pattern that starts with a word is
# looked for as a string, 0.07 -> 0.002 ms on 5,000 characters)
_VERSION_ASKED = re.compile(
    r"what(?<=\bwhat) version of (?!kubernetes\b|k8s\b|aks\b|the\b|your\b|helm\b)"
    r"([a-z][0-9a-z]*(?: [a-z][0-9a-z]*)?)\?? v?\d"
)


# The same question as a form's heading: "### AWX Operator version 2.5.2". Not where the
# name is the platform's, a client's or the form's own ("### Kubernetes platform version").
# (A field said with a colon, "Karpenter Version: v0.7.4", is left alone: kubectl's and
# Helm's own output print "Client Version:", "BuildInfo{Version:" and the like, and a
# supported add-on's ticket lost its answer to a YAML key.)
_VERSION_HEADING = re.compile(r"### ([a-z][0-9a-z-]*(?: [a-z][0-9a-z-]*){0,2}) version v?\d")
_VERSION_NOT_INSTALLED = frozenset(
    "kubernetes k8s aks kubectl cli az azure client server node image os kernel containerd "  # noqa: SIM905
    "docker runc helm go golang terraform provider azurerm platform cluster api chart module "
    "sdk powershell extension preview the your current latest".split()
)
# A manifest said by where it came from: "Yaml used: https://github.com/…/x.yaml", "I'm
# using the following [deployment](https://github.com/…/x.yaml)", looked for right before
# each URL (a pattern tried at every word of the text cost 0.1 ms).
_MANIFEST_USED = re.compile(
    r"\b(?:(?:ya?ml|manifests?)(?: (?:used|applied|deployed))?:|"
    r"(?:using|used|applied|deployed) (?:the following|this|these) "
    r"(?:deployment|manifests?|ya?ml)(?: files?)?) \Z"
)
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
            span = words_after(haystack[:end], command.end())
            if span is not None and LATIN.match(haystack, span[0]):
                _put(found, Installed(*span, install_way(haystack, start, end)))
    if identifiers:
        found = _from_urls(haystack, found, identifiers)
    kept: dict[tuple[int, int], Installed] = {}
    for item in found.values():
        trimmed = _latin_core(haystack, item)
        if not _context_only(haystack, trimmed):
            _put(kept, trimmed)  # two names trimmed to one span are one install
    return tuple(sorted(kept.values(), key=lambda item: (item.start, item.end)))


# Said of something in the same sentence, after it: that it is beside the point ("헬름으로
# 직접 설치한 Kyverno 도 있긴 한데 …", "… but it is not involved", "이번 건과는 무관"), or
# that it works ("Linkerd 를 CLI 로 직접 설치해서 쓰고는 있는데 컨트롤 플레인은 정상입니다",
# "the GPU Operator we installed with Helm runs fine on the first two nodes"). What the
# customer installed, said so, is context, not what the ticket is about.
_ASIDE_WORDS = (
    r"\bnot (?:involved|related|the cause)\b|긴 한데|긴 하지만|긴 하는데|과는 무관|와는 무관|상관없"
    # ruled out by the customer: taken off, and nothing changed
    r"|\b(?:taking|turning|switching|scaling) (?:it|them) (?:off|down)|"
    r"\b(?:removing|disabling|uninstalling|deleting) (?:it|them)\b[^.!?\n]{0,30}?"
    r"\b(?:did ?n[o']t|does ?n[o']t) (?:change|help|fix|make)"
    r"|(?:빼|지워|꺼|내려|삭제해|제거해|비활성화해)도 "
    r"[^.!?\n]{0,20}?(?:똑같|동일|같|그대로|마찬가지)"
    # nothing of theirs moved, or it was not there when it failed, or it fails without it
    r"|\bnothing (?:has )?changed (?:there|on (?:it|them|that side|their side))\b"
    r"|\b(?:it|they) (?:was|were) (?:not|n't) (?:running|installed|deployed) (?:at the time|then)\b"
    r"|\b(?:also )?happens (?:in|on|for|with|without) [^.!?\n]{0,40}? too\b"
    r"|\beven without (?:it|them)\b"
    r"|\b(?:both |all |is |are |have been |has been )?unchanged (?:for|since)\b"
    r"|\b(?:fail|fails|failed|break|breaks|behave|behaves) the same way\b"
    r"|(?:당시에?는?|그때는?) [^.!?\n]{0,12}?(?:실행|동작|설치)(?: 중이 아니|되어 있지 않|하지 않)"
    r"|에서도 (?:똑같이|동일하게|마찬가지로) (?:발생|재현|나)"
    r"|(?:없어도|없이도|빼고도) [^.!?\n]{0,20}?(?:똑같|동일|같|그대로|마찬가지)"
)
# What it named said to work, in Korean only ("그건 정상입니다"): the customer's software
# said so counts for less too (``said_aside``). The English forms in ``_FINE`` ("runs fine",
# "works as expected") did not earn it: measured, they cost right answers.
_KO_SAID_WORKING = r"그건 정상|그쪽은 정상|는 정상(?:입니다|이에요|이고)"
_ASIDE = re.compile(rf"[^.!?\n]{{0,80}}?(?:{_ASIDE_WORDS}|{_KO_SAID_WORKING})")
_FINE = re.compile(
    r"[^.!?\n]{0,80}?(?:정상(?:입니다|이에요|이고|이며|으로 (?:동작|돌아)|적으로)|"
    rf"잘 (?:돌|동작|작동|되)|문제(?:가)? ?없|이상(?:은)? ?없|{_ASIDE_WORDS}|"
    r"\b(?:is|are|looks?|seems?|runs?|running|works?|working)"
    r"(?: [a-z]+){0,2} (?:fine|healthy|normally|as expected)\b)"
)


def said_aside(haystack: str, position: int) -> bool:
    """Whether the sentence goes on from ``position`` to say that what it named is beside
    the point (``_ASIDE``), or in Korean that it works: the customer's software named so
    counts for less in the ranking (``ranking.rank``)."""
    return _ASIDE.match(haystack, position) is not None


# What the customer uses, named as an add-on or extension ("we use the application routing
# add-on", "애플리케이션 라우팅 애드온을 쓰고 있고"), is AKS's own, not software they run.
_ADD_ON = re.compile(r"\badd ?ons?\b|\bextensions?\b|애드온|확장")
# An extension the customer deploys, named as one ("deploy the bicep dapr extensions") or
# named right before the word ("flux 확장을 설치했습니다"): what AKS offers, installed the way
# AKS offers it. Not a project named an add-on (the KEDA HTTP add-on is one of its own,
# installed from its chart), nor a scale set ("확장 집합"), nor a VM extension: "the Aqua
# Enforcer VM extension", a custom script extension or an agent's extension put on the
# nodes is the customer's own software.
# (the name may be the word alone: "dapr 클러스터 확장을 설치" names "확장")
_EXTENSION_NAMED = re.compile(r"(?<![^ ])(?:extensions?|확장)$")
_EXTENSION_AFTER = re.compile(r" (?:extensions?\b|확장(?! ?집합))")
_VM_EXTENSION = re.compile(r"(?:\bvm|vmss|script|agent|에이전트)$")
_VM_NEAR = re.compile(r"\b(?:vm|vmss|script|agent)\b|에이전트|노드에|확장 ?집합")
# A feature named as one ("we use the AKS start/stop preview feature", "노드 자동 프로비저닝
# 기능을 켰습니다", "after installing NAP mode from the docs"): what AKS offers, not
# software the customer runs.
_FEATURE_AFTER = re.compile(r" (?:preview )?(?:features?|mode)\b| (?:미리 ?보기 |프리뷰 )?기능")
_FEATURE_NAMED = re.compile(r"(?:\bfeatures?|\bmode| 기능)$")


# Vulnerability scanners: in a ticket about a CVE they found, the one the customer runs is
# the messenger ("our Trivy Operator, installed from its Helm chart, still reports
# CVE-2024-45337 in an AKS image"), not what the ticket is about.
_SCANNERS = re.compile(
    r"(?:trivy|grype|anchore|snyk|clair|kubescape|qualys|prisma|twistlock|neuvector)\b"
)
_CVE = re.compile(r"\bcves?\b")


def _context_only(haystack: str, item: Installed) -> bool:
    """Whether a name found is no install the ticket is about: one installed through
    what AKS offers (``_THROUGH_AKS``), one the sentence goes on to say works or is beside
    the point (``_FINE``), an add-on the customer only says they use (``_ADD_ON``), an
    extension AKS offers (``_aks_extension``), a feature named as one (``_FEATURE_AFTER``,
    ``_FEATURE_NAMED``), or a scanner in a ticket about the CVEs it reports
    (``_SCANNERS``)."""
    return (
        _THROUGH_AKS.match(haystack, item.end) is not None
        or _FINE.match(haystack, item.end) is not None
        or (not item.explicit and _ADD_ON.search(haystack, item.start, item.end + 6) is not None)
        or _aks_extension(haystack, item)
        or _said_to_be(haystack, item, _FEATURE_NAMED, _FEATURE_AFTER) is not None
        or (_SCANNERS.match(haystack, item.start) is not None and _CVE.search(haystack) is not None)
    )


def _aks_extension(haystack: str, item: Installed) -> bool:
    """Whether the name found is an extension AKS offers (``_EXTENSION_NAMED``), not a VM
    extension on the nodes."""
    end = _said_to_be(haystack, item, _EXTENSION_NAMED, _EXTENSION_AFTER)
    if end is None:
        return False
    if end == item.start:  # the name is the kind word alone: the words before say whose
        return _VM_NEAR.search(haystack, max(0, end - 16), end) is None
    return _VM_EXTENSION.search(haystack, item.start, end) is None


def _said_to_be(
    haystack: str, item: Installed, named: re.Pattern[str], after: re.Pattern[str]
) -> int | None:
    """Where the name found ends before a word that says what kind of thing it is, at the
    end of the name (``named``: "flux 확장", "프로비저닝 기능") or right after it (``after``:
    "start stop preview feature"); ``None`` where no such word stands."""
    found = named.search(haystack, item.start, item.end)
    if found is not None:
        return found.start()
    return item.end if after.match(haystack, item.end) is not None else None


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
        if _MANIFEST_USED.search(haystack, max(0, start - 48), start):
            _put(named, Installed(*path, "manifest"))
    return named


def _installed(haystack: str) -> dict[tuple[int, int], Installed]:
    found: dict[tuple[int, int], Installed] = {}
    for match in _EN_AFTER.finditer(haystack):
        if negated(haystack, match.start(), match.start() + 1):
            continue
        span = words_after(haystack, match.end())
        if span is not None and LATIN.match(haystack, span[0]):
            way = install_way(haystack, match.start(), span[1])
            _put(found, Installed(*span, way, explicit=match["use"] is None or bool(match["own"])))
    for match in _EN_BEFORE.finditer(haystack):
        span = words_before(haystack, match.start())
        if span is not None and not negated(haystack, span[0], span[1]):
            # said with an install verb: explicit, even where "we use X" named it first
            _put(found, Installed(*span, install_way(haystack, span[0], match.end())))
    for match in _EN_NAMED.finditer(haystack):
        span = words_before(haystack, match.start(), limit=2)
        if span is not None and _AKS_OWN.search(haystack, span[0], span[1]):
            continue
        if span is not None and not any(span[0] < e and s < span[1] for s, e in found):
            way = install_way(haystack, span[0], match.end())
            _put(found, Installed(*span, way, explicit=False))
    for match in _VERSION_ASKED.finditer(haystack):
        _put(found, Installed(match.start(1), match.end(1), "installed"))
    for match in _VERSION_HEADING.finditer(haystack):
        if _VERSION_NOT_INSTALLED.isdisjoint(match[1].split(" ")):
            _put(found, Installed(match.start(1), match.end(1), "installed"))
    korean = HANGUL.search(haystack) is not None  # the Korean patterns need Hangul
    for start, end, way, explicit in installed_ko.installs(haystack) if korean else ():
        _put(found, Installed(start, end, way, explicit))
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
