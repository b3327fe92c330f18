"""How a Korean text says the customer installed, deployed or runs something. Pure: no
Django imports.

"저희가 헬름으로 설치한 데이터독 에이전트", "kured 를 kube-system 에 직접 배포해서 쓰고
있습니다", "Dapr는 저희가 dapr init -k로 직접 설치했습니다": the verb comes last, so each
install is read from its verb back to its object and its way (``installs``). What the
English reader and this one share, where a name starts and ends, is ``core/names.py``;
``core/installed.py`` puts the two together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from supportscope.core.names import (
    GENERIC,
    LATIN,
    STOP,
    VERSION,
    install_way,
    without_common_start,
    words_after,
    words_before,
)
from supportscope.core.negation import KO_DENIED_AFTER, negated
from supportscope.core.tickettext import HANGUL

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
    r"(?:(?:설치|배포|구성|구축)(?:한|했던|해 둔|해둔)|띄운) "
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


def installs(haystack: str) -> Iterator[tuple[int, int, str, bool]]:
    """Where a Korean text (one with Hangul) says the customer installed or runs something,
    in the order the readers find them: each name's start and end, how it was installed
    (``names.install_way``) and whether an install verb said it (``Installed.explicit``)."""
    for start, end in _korean_installs(haystack):
        said = haystack[start:end]
        if KO_DENIED_AFTER.match(haystack[end - 1 : end + 8]):
            continue
        if said.endswith(("한 ", "한")) and said[0] not in "을를":
            continue  # "헬름으로 설치한 데이터독 …": what was installed follows (_KO_AFTER)
        span = _korean_object(haystack, start)
        if span is not None:
            yield (*span, install_way(haystack, span[0], end), True)
    for match in _KO_USED.finditer(haystack):
        span = _korean_object(haystack, match.start())
        if span is None or _KO_MANAGED.match(haystack, span[0]):
            continue
        if not KO_DENIED_AFTER.match(haystack[match.end() : match.end() + 8]):
            way = install_way(haystack, span[0], match.end())
            yield (*span, way, False)
    for match in _KO_DEPLOYS_WITH.finditer(haystack):
        floor = max(0, match.start() - 40)
        tool = _KO_TOOL_BEFORE.search(haystack, floor, match.start())
        if tool is None:
            continue
        name = tool["name"]
        if name not in GENERIC and not _KO_MANAGED.match(name + " ") and name not in _PLUGINS:
            yield tool.start("name"), tool.end("name"), "installed", False
    for match in _KO_NOTED.finditer(haystack):
        span = words_before(haystack, match.start("way") - 1, limit=2)
        if span is not None and not negated(haystack, span[0], match.end()):
            yield (*span, install_way(haystack, span[0], match.end()), True)
    for match in _KO_AFTER.finditer(haystack):
        span = _korean_name_after(haystack, match.end())
        if span is not None:
            yield (*span, install_way(haystack, match.start(), span[1]), True)


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
    if haystack[start:end] in ("로", "으로"):
        # the way's particle written apart: "istio 는 istioctl 로 직접 설치"
        return _object_before_command(haystack, start)
    # over who installed it ("아르고는 저희가 직접 설치") and a particle written apart
    # ("dapr 는 저희가 …")
    while start < end and (
        haystack[start:end] in GENERIC or (haystack[start:end] in _APART and start > 0)
    ):
        end = max(start - 1, 0)
        start = haystack.rfind(" ", 0, end) + 1
    if haystack[start:end] in ("에", "에서"):  # "… containerd 에 helm 으로": a place, apart
        return _object_before_place(haystack, start)
    span = words_before(haystack, end, limit=2)
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
    if all(VERSION.fullmatch(word) or word in _FORM_WORDS for word in words):
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
    if found is None or found["name"] in GENERIC:
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
        if not named and (word in _FORM_WORDS or VERSION.fullmatch(word)):
            start = previous
            continue
        if not named and word in GENERIC and HANGUL.search(word):
            start, name_end = previous, previous - 1
            continue
        if not LATIN.match(word) or word in STOP:
            break
        named.insert(0, (previous, start - 1))
        start = previous
    if not kind:
        named = without_common_start(haystack, named)
    return (named[0][0], name_end) if named else None


def _korean_name_after(haystack: str, position: int) -> tuple[int, int] | None:
    """The name after "직접 설치한 …": up to two words, ending at a particle ("nginx는");
    None when the sentence goes on to deny it ("… nginx는 없습니다")."""
    span = words_after(haystack, position, limit=2)
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
