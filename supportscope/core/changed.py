"""What the customer says they changed on AKS-managed Azure resources. Pure: no Django.

A real ticket often says in passing that the customer worked on the cluster's Azure
resources directly: "we resized the VMSS with the CLI", "someone edited the inbound rules
on the AKS NSG", "포털에서 MC_ 리소스 그룹의 VM과 디스크를 직접 삭제했습니다". The policy
does not support changes made that way to the resources AKS manages, whatever the ticket
then asks about, so such a sentence is a reason to doubt a "supported" verdict.

``changed`` reads a normalized text (``tickettext.normalize``) sentence by sentence and
returns each sentence that puts a change verb and a managed resource together, said by the
customer (not denied). It does not decide anything by itself: the suggester holds a
supported verdict open when it finds one (``matcher._doubt``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportscope.core.tickettext import KO_DENIED_AFTER, negated


@dataclass(frozen=True, slots=True)
class Changed:
    start: int  # the sentence, in the normalized text
    end: int
    resource: str  # the managed resource as written ("vmss", "mc_ 리소스 그룹")
    verb: int  # where the change verb stands


# Resources AKS creates and manages for the cluster (the node resource group and what is in
# it). A network security group counts only as AKS's own: one on the customer's own subnet
# may be changed.
_RESOURCE = re.compile(
    r"(?<![0-9a-z])(?:vmss|virtual machine scale sets?|scale sets?|mc_[0-9a-z_]*|mc rg|"
    r"mc resource group|node resource group|aks (?:managed )?nsg|aks agentpool [0-9a-z]+ nsg|"
    r"nsg (?:that )?aks (?:created|creates|manages)|route table|network interfaces?|nics?|"
    r"os disks?)(?![0-9a-z])|"
    r"(?:확장 집합|mc 리소스 그룹|노드 리소스 그룹|라우팅 테이블|네트워크 인터페이스|os 디스크)"
)
# Deallocating or stopping the VMs is not among them: the policy rules on that as a way of
# stopping the cluster (the cluster-stop choice asks how it was stopped).
_VERB = re.compile(
    r"\b(?:deleted|removed|edited|modified|changed|resized|updated|replaced|detached|"
    r"reconfigured|tweaked|overrode|overwrote)\b|"
    r"(?:삭제|수정|변경|편집|바꿨|바꾸|바꾼|지웠|지운|크기를? 조정|교체)"
)
# The customer (or someone on their side) did it, by hand: a sentence about what AKS or
# the autoscaler did ("autoscaler가 이미 지운 상태") is not a customer's change.
_ACTOR = re.compile(
    r"\b(?:we|i|our|us|someone|somebody|admins?|ops|colleagues?|engineers?|he|she|manually|"
    r"by hand|directly|in the portal|from the portal|via the portal|az vmss|az network)\b|"
    r"(?:저희|제가|우리|직접|포털에서|수동으로|팀에서|담당자)"
)
_SENTENCE_END = re.compile(r"[.?!\n]")
# "nothing edited in the vmss", "we never changed the nsg": up to two words between.
_DENIED_BEFORE = re.compile(
    r"\b(?:nothing|no one|nobody|never|not|didn't|didnt|haven't|havent|hasn't|no)"
    r"(?: [^ ]+){0,2} $"
)


def changed(haystack: str) -> tuple[Changed, ...]:
    """Each sentence in which the customer says they changed a resource AKS manages."""
    found: list[Changed] = []
    start = 0
    for end in [m.start() for m in _SENTENCE_END.finditer(haystack)] + [len(haystack)]:
        sentence = haystack[start:end]
        resource = _RESOURCE.search(sentence)
        verb = _VERB.search(sentence) if resource is not None else None
        if resource is not None and verb is not None and _ACTOR.search(sentence):
            at = start + verb.start()
            denied = _DENIED_BEFORE.search(sentence[: verb.start()]) or KO_DENIED_AFTER.match(
                sentence[verb.start() :]
            )
            if denied is None and not negated(haystack, at, start + verb.end()):
                found.append(Changed(start, end, resource[0], at))
        start = end + 1
    return tuple(found)
