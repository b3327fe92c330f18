"""What the customer says they changed on AKS-managed Azure resources. Pure: no Django.

A real ticket often says in passing that the customer worked on the cluster's Azure
resources directly: "we resized the VMSS with the CLI", "someone edited the inbound rules
on the AKS NSG", "포털에서 MC_ 리소스 그룹의 VM과 디스크를 직접 삭제했습니다". The policy
does not support changes made that way to the resources AKS manages, whatever the ticket
then asks about, so such a sentence is a reason to doubt a "supported" verdict.

It also finds a change the customer made in place to what AKS deploys in kube-system
("kubectl -n kube-system edit ds …", "kube-system 의 DaemonSet limit 을 올렸습니다"), which
the policy treats the same way (``Changed.kind``).

``changed`` reads a normalized text (``tickettext.normalize``) sentence by sentence and
returns each sentence that puts a change verb and a managed resource together, said by the
customer (not denied). It does not decide anything by itself: the suggester holds a
supported verdict open when it finds one (``doubts.doubt``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from supportscope.core.negation import KO_DENIED_AFTER, SENTENCE_END, negated
from supportscope.core.tickettext import HANGUL


@dataclass(frozen=True, slots=True)
class Changed:
    start: int  # the sentence, in the normalized text
    end: int
    resource: str  # the managed resource as written ("vmss", "mc_ 리소스 그룹")
    verb: int  # where the change verb stands
    # "iaas": the cluster's Azure resources (the node resource group and what is in it);
    # "kube-system": what AKS deploys there (a managed add-on's DaemonSet, CoreDNS's own
    # ConfigMap, kube-proxy)
    kind: str = "iaas"


# Resources AKS creates and manages for the cluster (the node resource group and what is in
# it). A network security group counts only as AKS's own (the "default nsg" AKS created with
# the cluster among them): one on the customer's own subnet may be changed.
_RESOURCE = re.compile(
    r"(?<![0-9a-z])(?:vmss|virtual machine scale sets?|scale sets?|mc_[0-9a-z_]*|mc rg|"
    r"mc resource group|node resource group|aks (?:managed )?nsg|default nsg|"
    r"aks agentpool [0-9a-z]+ nsg|"
    r"nsg(?: rules?)? (?:that )?aks (?:had |has )?(?:created|creates|manages|made)|route table|"
    r"network interfaces?|nics?|"
    r"os disks?)(?![0-9a-z])|"
    r"(?:확장 집합|mc 리소스 그룹|노드 리소스 그룹|라우팅 테이블|네트워크 인터페이스|os 디스크|"
    r"aks ?(?:가|이) (?:만든|생성한|관리하는|만들어 둔) nsg)"
)
# Deallocating or stopping the VMs is not among them: the policy rules on that as a way of
# stopping the cluster (the cluster-stop choice asks how it was stopped). A lock is a change
# ("we put CanNotDelete locks on the disks in the node resource group"): it stops AKS from
# changing what it manages.
_VERB = re.compile(
    r"\b(?:deleted|removed|edited|modified|changed|resized|updated|replaced|detached|"
    r"reconfigured|tweaked|overrode|overwrote|applied|added|attached|associated|re-?imaged|"
    r"moved|renamed|scaled|"
    r"disabled|enabled|installed|hardened|restricted|locked(?: down)?|"
    r"(?:put|placed|set)(?: [^ ]+){0,2} locks?)\b|"
    r"(?:삭제|수정|변경|편집|바꿨|바꾸|바꾼|지웠|지운|크기를? 조정|교체|추가|적용|연결|설치|"
    r"이동|옮겼|옮긴|비활성화|잠금을? 걸|잠갔|재이미징|늘렸|줄였|붙였|달았)"
)
# A past participle that describes the resource rather than saying what was done to it:
# after an article, with at most two words between, and right before the resource ("i had
# to create a temporary manually scaled vmss pool" is a new pool, not the scale set changed).
_DESCRIBING = re.compile(r"\b(?:a|an|the)(?: [a-z]+){0,2} $")
# A participle after a present "is" or "are" says how things stand, not what anyone did
# ("the node thinks the disk is attached, but the vmss instance has no such disk").
_STATE = re.compile(r"\b(?:is|are)(?: not)? $")
# Unless it is gone: "when the default nsg is deleted, scaling fails" tells what was done.
_EVENTS = frozenset({"deleted", "removed"})
# A step in the customer's list of what they did, said as a command ("3. delete that
# instance from the scale set"); not a verb after "to" or an article, which no command
# is ("controller manager is trying to delete the lb", "the delete command loops").
_IMPERATIVE = re.compile(
    r"(?<!\bto )(?<!\bthe )(?<!\ba )"
    r"\b(?:delete|remove|edit|modify|change|resize|update|replace|detach|add|attach|apply)\b"
)
# The customer (or someone on their side) did it, by hand: a sentence about what AKS or
# the autoscaler did ("autoscaler가 이미 지운 상태") is not a customer's change. Every form
# starts with one of the first letters looked ahead for: one look rules out most places
# (the pattern runs over every sentence: 0.25 -> 0.14 ms on 5,000 characters).
_ACTOR = re.compile(
    r"(?=[abcdefhimosuvw저제우직포수손팀담고])(?:"
    r"\b(?:we|i|our|us|someone|somebody|admins?|ops|colleagues?|engineers?|he|she|manually|"
    r"by hand|directly|in the portal|from the portal|via the portal|az vmss|az network|"
    # an engineer's summary of the case: "the customer deleted the VMSS instances"
    r"customers?)\b|"
    r"(?:저희|제가|우리|직접|포털에서|수동으로|손으로|수작업으로|팀에서|팀 ?요청|담당자|"
    r"고객(?:사)?(?:가|이|께서|측)))"
)
# What AKS deploys in kube-system, changed in place: "kubectl -n kube-system edit ds
# microsoft-defender-collector-ds", "we patched the kube-proxy DaemonSet in kube-system",
# "kube-system 의 DaemonSet limit 을 올렸습니다". CoreDNS's coredns-custom ConfigMap is the
# documented way to customize it, not a change to a managed component.
# The namespaces AKS deploys managed components into: kube-system, and those of the
# managed add-ons (the Istio add-on, application routing, Azure Policy's Gatekeeper); or
# an add-on's own objects named as such ("the webhooks the Azure Policy add-on creates").
_KUBE_SYSTEM = re.compile(
    r"(?<![0-9a-z])(?:kube ?system|aks istio system|aks istio ingress|app routing system|"
    r"gatekeeper system|add ?ons?(?: [^ ]+){0,6} (?:webhooks?|daemonsets?|deployments?|"
    r"configmaps?)|(?:webhooks?|daemonsets?|deployments?|configmaps?) (?:of|from) (?:the )?"
    r"(?:[^ ]+ ){0,2}add ?ons?|(?:deployments?|daemonsets?|configmaps?) (?:that|which) aks "
    r"(?:manages|deploys|runs))(?![0-9a-z])|"
    r"(?:애드온|add ?on|aks ?가 관리하는|aks ?가 배포한) ?"
    r"(?:이 (?:만든|생성한|배포한|설치한|만드는)|의|에서 만든|) "
    r"(?:[^ ]+ ){0,2}(?:웹훅|webhook|데몬셋|daemonset|디플로이먼트|deployment|"
    r"컨피그맵|configmap)"
)
_KUBE_SYSTEM_VERB = re.compile(
    r"\b(?:edit|edited|patch|patched|modified|changed|raised|increased|lowered|scaled|"
    r"overrode|overwrote|replaced)\b|(?:수정|변경|편집|올렸|내렸|바꿨|바꾼|늘렸|줄였)|"
    # deleted by them, not "it was deleted" (by AKS, which keeps its own objects)
    r"(?<!was )(?<!were )(?<!been )(?<!got )(?<!is )(?<!are )\bdeleted\b|"
    # a managed object deleted with kubectl ("i tried running this: kubectl delete service
    # metrics-server -n kube-system"), not a pod, which its owner recreates (the documented
    # way to restart CoreDNS)
    r"\bkubectl(?: n kube ?system)? delete (?!pods?\b|po\b)"
)
_DOCUMENTED = re.compile(r"coredns custom")
# The managed namespaces as they are written: the normalized text has no hyphens, and the
# proposals page names the resource the customer changed.
_NAMESPACES = {
    "kube system": "kube-system",
    "kubesystem": "kube-system",
    "aks istio system": "aks-istio-system",
    "aks istio ingress": "aks-istio-ingress",
    "app routing system": "app-routing-system",
    "gatekeeper system": "gatekeeper-system",
}
# A Korean sentence drops its subject: a managed component's own object changed in the
# past tense, then what followed ("kube-system 의 CoreDNS 디플로이먼트 레플리카를 1개로
# 줄였더니 …", "metrics-server 디플로이먼트의 limit 을 수정했는데 …"), is the writer's change.
# (looked ahead for first: each form starts with one of those syllables)
_KO_DID = re.compile(
    r"(?=[했였었됐더는지습어고])(?:했|였|었|됐)?(?:더니|는데|지만|습니다|어요|고 )"
)
# A Korean question whether the change may be made ("직접 변경해도 되나요?", "서브넷 NSG 만
# 추가해도 문제가 없을까요?", "수정해도 괜찮을까요"): not made yet.
_KO_MAY_WE = re.compile(
    r"[가-힣]{0,3}도 (?:[^ .!?]+ ){0,8}?(?:되나요|되나|될까요|되는지|되는 건가요|괜찮|"
    r"문제(?:가|는)? 없[을나는]|상관(?:이 )?없|무방)"
)
# "we changed nothing in kube-system": denied after the verb.
_NOTHING_AFTER = re.compile(r"^ (?:nothing|none of)\b")
# "바꾼 설정은 없고", "변경한 내용은 전혀 없습니다": nothing there that was changed.
_KO_NONE_AFTER = re.compile(
    r"^[가-힣]{0,3} [가-힣]{1,4}[은는이가도] (?:(?:전혀|딱히|따로|별도로|아무것도) )?없"
)
# "nothing edited in the vmss", "we never changed the nsg": up to two words between.
_DENIED_BEFORE = re.compile(
    r"\b(?:nothing|no one|nobody|never|not|didn't|didnt|haven't|havent|hasn't|no)"
    r"(?: [^ ]+){0,2} $"
)


def changed(
    haystack: str, breaks: Iterable[int] = (), steps: Iterable[tuple[int, int]] = ()
) -> tuple[Changed, ...]:
    """Each sentence in which the customer says they changed a resource AKS manages.
    ``breaks`` are where a list's items start and end (``Normalized.breaks``): each item
    is read on its own. ``steps`` are the items of a list the customer introduces as what
    they did (``Normalized.steps``): there "delete that instance from the scale set" is
    their step, said without "we"."""
    found: list[Changed] = []
    start = 0
    ends = {m.start() for m in SENTENCE_END.finditer(haystack)}
    ends.update(position - 1 for position in breaks if position > 0)
    steps = tuple(steps)
    korean = HANGUL.search(haystack) is not None
    for end in [*sorted(ends), len(haystack)]:
        if end < start:
            continue
        sentence = haystack[start:end]
        step = any(first <= start + 1 < last for first, last in steps)
        actor = step or _ACTOR.search(sentence) is not None
        if not actor and (not korean or _KO_DID.search(sentence) is None):
            start = end + 1  # neither who did it nor a Korean past tense that implies it
            continue
        for kind, resource, verb in _candidates(sentence, imperative=step):
            if not actor and not (kind == "kube-system" and _KO_DID.match(sentence, verb.end())):
                continue
            at = start + verb.start()
            if not _denied(haystack, sentence, verb, at):
                found.append(
                    Changed(start, end, _NAMESPACES.get(resource[0], resource[0]), at, kind)
                )
                break
        start = end + 1
    return tuple(found)


def _candidates(
    sentence: str, *, imperative: bool = False
) -> Iterator[tuple[str, re.Match[str], re.Match[str]]]:
    """A managed resource and a change verb in one sentence, by kind of resource (with
    ``imperative``, a step of the customer's: "delete that instance" counts)."""
    resource = _RESOURCE.search(sentence)
    verb = _change_verb(sentence, resource) if resource is not None else None
    if resource is not None and verb is None and imperative:
        verb = _IMPERATIVE.search(sentence)
    if resource is not None and verb is not None:
        yield "iaas", resource, verb
    resource = _KUBE_SYSTEM.search(sentence)
    if resource is not None and not _DOCUMENTED.search(sentence):
        verb = _KUBE_SYSTEM_VERB.search(sentence)
        if verb is not None:
            yield "kube-system", resource, verb


def _change_verb(sentence: str, resource: re.Match[str]) -> re.Match[str] | None:
    """The sentence's first change verb that is not a participle describing ``resource``
    (``_DESCRIBING``) or how things stand (``_STATE``)."""
    for verb in _VERB.finditer(sentence):
        if _STATE.search(sentence, 0, verb.start()) and verb[0] not in _EVENTS:
            continue
        if not (
            verb.end() + 1 == resource.start() and _DESCRIBING.search(sentence, 0, verb.start())
        ):
            return verb
    return None


def _denied(haystack: str, sentence: str, verb: re.Match[str], at: int) -> bool:
    before, after = sentence[: verb.start()], sentence[verb.start() :]
    if _DENIED_BEFORE.search(before) or KO_DENIED_AFTER.match(after):
        return True
    if _KO_MAY_WE.match(sentence, verb.end()):
        return True  # "직접 변경해도 되나요?": asks whether they may, has not done it
    rest = sentence[verb.end() :]
    if _NOTHING_AFTER.match(rest) or _KO_NONE_AFTER.match(rest):
        return True  # "we changed nothing in kube-system", "바꾼 설정은 없고"
    return negated(haystack, at, at + len(verb[0]))
