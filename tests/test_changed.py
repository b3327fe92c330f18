"""The customer's own changes to AKS-managed resources (supportscope.core.changed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportscope.core.changed import changed
from supportscope.core.content import read_policy
from supportscope.core.engine import Level, build_tree, resolve
from supportscope.core.tickettext import normalize, normalize_ticket
from supportscope.core.vocabulary import suggest_answers

CONTENT = Path(__file__).resolve().parent.parent / "policy_content"


@pytest.mark.parametrize(
    ("text", "resource"),
    [
        ("Last Friday our ops team resized the VMSS of the user pool in the portal.", "vmss"),
        ("Someone edited the inbound rules on the AKS NSG to pass an audit.", "aks nsg"),
        ("포털에서 MC_ 리소스 그룹에 있는 VM 디스크와 NIC를 직접 삭제했습니다.", "mc 리소스 그룹"),
        ("We replaced the OS disk type on the scale set with az vmss update.", "os disk"),
        # added, applied, attached: changes too
        (
            "Our security team applied the NSG baseline to the NSG in the node resource group.",
            "node resource group",
        ),
        ("We added a route to the NVA in the AKS route table last week.", "route table"),
        (
            "I attached our own NSG and deleted the NSG that AKS had created.",
            "nsg that aks had created",
        ),
        ("노드풀 확장 집합에 사내 백신 확장을 포털에서 직접 추가했습니다.", "확장 집합"),
        # a lock put on at a team's request: their change, said without "we"
        ("보안팀 요청으로 MC_ 리소스 그룹의 공인 IP 에 삭제 잠금을 걸었습니다.", "mc 리소스 그룹"),
        # a lock, in English too: it stops AKS changing what it manages
        (
            "Months ago we put CanNotDelete locks on the disks in the node resource group.",
            "node resource group",
        ),
        (
            "Our platform team locked the MC resource group with a ReadOnly lock.",
            "mc resource group",
        ),
        ("Our ops reimaged two VMSS instances from the portal last night.", "vmss"),
        ("인프라팀에서 VMSS 인스턴스를 포털에서 직접 재이미징 했습니다.", "vmss"),
        # moving a resource out of the node resource group changes it too
        (
            "An admin used Move resources in the portal and moved the load balancer out of "
            "MC_rg-web_aks-web_westeurope.",
            "mc rg",
        ),
        (
            "거버넌스 규칙 때문에 저희가 MC_ 리소스 그룹의 공인 IP 를 다른 그룹으로 옮겼습니다.",
            "mc 리소스 그룹",
        ),
        # an engineer's summary of the case: the customer did it
        ("The customer deleted two instances from the VMSS in the MC_ resource group.", "vmss"),
        # the NSG AKS made, named with its rules or in Korean
        (
            "We changed the NSG rules that AKS created on the node subnet.",
            "nsg rules that aks created",
        ),
        ("AKS가 만든 NSG 규칙을 저희가 바꿨더니 트래픽이 끊깁니다.", "aks가 만든 nsg"),
        # the default NSG is the one AKS created with the cluster
        (
            "We moved our rules to our own NSG and deleted the default NSG afterwards.",
            "default nsg",
        ),
        # a scale set resized directly is scaled, or its capacity raised ("늘렸")
        ("We scaled the VMSS directly with az vmss scale to add capacity.", "vmss"),
        ("확장 집합의 용량을 저희가 직접 늘렸습니다.", "확장 집합"),
        # an identity attached ("붙였습니다") to the scale set by hand
        ("팀원이 포털에서 노드 풀 VMSS 에 사용자 할당 관리 ID 를 직접 붙였습니다.", "vmss"),
        # by hand ("손으로"), with no one named
        (
            "비용 정리 중에 MC_ 리소스 그룹의 디스크와 NIC 몇 개를 손으로 지웠습니다.",
            "mc 리소스 그룹",
        ),
        ("고객사가 MC_ 리소스 그룹의 VMSS 인스턴스 두 대를 삭제했습니다.", "mc 리소스 그룹"),
    ],
)
def test_a_change_the_customer_made_to_a_managed_resource_is_found(text, resource):
    found = changed(normalize(text))
    assert [item.resource for item in found] == [resource]


@pytest.mark.parametrize(
    "text",
    [
        # denied
        "To be clear, nothing edited in the VMSS and no extensions were added.",
        "We never changed the node resource group.",
        "We did not put any locks on the node resource group.",
        "라우트 테이블은 그대로고 저희가 route table 항목을 삭제한 적 없음.",
        "고객은 route table을 직접 수정하지 않았다고 함.",
        "저희가 VMSS 에서 직접 바꾼 설정은 없습니다.",
        "kube-system 쪽은 저희가 변경한 내용은 전혀 없습니다.",
        # done by AKS or the autoscaler, not the customer
        "The autoscaler removed the old VMSS instances overnight.",
        # a change on the customer's own subnet NSG, which the policy allows
        "We changed the NSG on our own subnet to allow port 8443.",
        # a resource named, no change
        "The VMSS shows all instances as running in the portal.",
        # added by AKS, or applied to what is the customer's own
        "AKS added two instances to the scale set during the upgrade.",
        "We applied the manifest and the pods on the new nodes crash.",
        # asked of AKS, not done
        "AKS 팀 요청으로 VMSS 인스턴스 목록을 확인해서 보내드립니다.",
        # a participle that describes a new pool, not a change made to the scale set
        "As a stopgap I had to create a temporary manually scaled VMSS pool with more headroom.",
        # how things stand, said with "is"
        "I checked and Kubernetes says the disk is attached, yet the VMSS instance shows none.",
        # a Korean question whether they may make the change
        "MC_ 리소스 그룹의 VMSS 크기를 직접 변경해도 되나요?",
        "노드 NIC 의 NSG 는 그대로 두고 서브넷 NSG 만 추가해도 문제가 없을까요?",
        "MC_ 리소스 그룹의 라우팅 테이블을 직접 수정해도 괜찮을까요?",
    ],
)
def test_a_denied_automatic_allowed_or_mere_mention_is_not_a_change(text):
    assert changed(normalize(text)) == ()


def test_each_sentence_is_read_on_its_own():
    text = normalize("We edited our deployment yaml. The VMSS looks healthy.")
    assert changed(text) == ()  # the verb and the resource are in different sentences


@pytest.mark.parametrize(
    "text",
    [
        "We ran kubectl -n kube-system edit ds microsoft-defender-collector-ds and raised the "
        "CPU limit.",
        "Our admin patched the kube-proxy DaemonSet in kube-system to add a flag.",
        "저희가 직접 kube-system 의 DaemonSet limit 을 300m 로 올렸는데 다시 원복됩니다.",
        # an add-on's own objects, named by what created them
        "The Azure Policy add-on creates its webhooks with failurePolicy Ignore, so we patched "
        "them to Fail.",
        "Azure Policy 애드온이 만든 gatekeeper 웹훅의 failurePolicy 를 저희가 Fail 로 "
        "수정했습니다.",
        # an object said to be AKS's own, wherever it stands
        "We edited the memory limit on the metrics-server deployment that AKS manages and it "
        "keeps going back.",
        "AKS가 관리하는 metrics-server 디플로이먼트의 limit 을 저희가 수정했는데 원래대로 "
        "돌아갑니다.",
        # a Korean sentence without its subject: the writer's change, in the past tense
        "비용 때문에 kube-system 의 CoreDNS 디플로이먼트 레플리카를 1개로 줄였더니 조회가 "
        "느립니다.",
        "AKS가 관리하는 metrics-server 디플로이먼트의 limit 을 수정했는데 자꾸 되돌아갑니다.",
        # a managed object the customer deleted
        "We run our own webhook, so we manually deleted the copy in kube-system; it comes back.",
        # deleted with kubectl, in the command the customer ran
        "To swap in our own, I ran kubectl delete service metrics-server -n kube-system and "
        "the HPA recovered for a minute.",
    ],
)
def test_a_managed_component_changed_in_place_in_kube_system_is_found(text):
    found = changed(normalize(text))
    assert [item.kind for item in found] == ["kube-system"]


def test_a_managed_namespace_is_named_as_it_is_written():
    # the proposals page says "kube-system: the customer says they changed it themselves"
    found = changed(normalize("We patched the kube-proxy DaemonSet in kube-system."))
    assert [item.resource for item in found] == ["kube-system"]


@pytest.mark.parametrize(
    "text",
    [
        # the documented way to customize CoreDNS
        "We edited the coredns-custom ConfigMap in kube-system to add a forwarder.",
        # denied
        "We changed nothing in kube-system.",
        "kube-system 쪽은 저희가 수정하지 않았습니다.",
        # named, not changed
        "We looked at the pods in kube-system and they restart every hour.",
        # deleted, but not by the customer: AKS keeps its own objects
        "I created an extra service in kube-system for the add-on, but it was deleted soon.",
        # a pod deleted is recreated by its owner: the documented way to restart CoreDNS
        "After editing coredns-custom we ran kubectl delete pod -n kube-system -l "
        "k8s-app=kube-dns as the docs say.",
        # without a subject, and no past change: a question about one
        "kube-system 의 CoreDNS 디플로이먼트 레플리카를 줄여도 되나요?",
    ],
)
def test_the_documented_route_a_denial_or_a_look_in_kube_system_is_not_a_change(text):
    assert changed(normalize(text)) == ()


def test_a_managed_add_on_changed_in_kube_system_leads_to_the_managed_component_choice():
    tree = build_tree(read_policy(CONTENT).tree)
    text = (
        "The Defender collector in kube-system is throttled. We edited its DaemonSet in "
        "kube-system ourselves and raised the limits, but AKS put them back."
    )
    found = suggest_answers(tree, text)
    assert found.answers.get("component") == "managed-component-change", found
    assert resolve(tree, found.answers).result.level is Level.UNSUPPORTED


@pytest.mark.parametrize(
    "text",
    [
        "We raised the memory limit of the dashboard deployment AKS runs, but every edit is "
        "rollbacked to the original spec within minutes.",
        "AKS 가 배포한 대시보드 디플로이먼트의 메모리 limit 을 올려도 몇 분 뒤 원래 설정으로 "
        "되돌아갑니다.",
    ],
)
def test_a_managed_component_that_puts_the_customers_edit_back_is_a_managed_component_change(
    text,
):
    tree = build_tree(read_policy(CONTENT).tree)
    found = suggest_answers(tree, text)
    assert found.answers.get("component") == "managed-component-change", found
    assert resolve(tree, found.answers).result.level is Level.UNSUPPORTED


def test_each_line_of_a_list_is_read_on_its_own():
    # Folding makes line breaks spaces; the items of a list still are separate statements.
    text = (
        "What we checked:\n"
        "- the kubelet identity shows up on the VMSS of both node pools\n"
        "- ACR is Premium, public access enabled, no firewall rules\n"
    )
    read = normalize_ticket(text)
    assert changed(read.haystack) != ()  # one long sentence without the line starts
    assert changed(read.haystack, read.breaks) == ()
    listed = normalize_ticket("Steps so far:\n- we resized the VMSS by hand\n- nothing else")
    assert [item.resource for item in changed(listed.haystack, listed.breaks)] == ["vmss"]
    # prose wrapped over two lines stays one sentence
    wrapped = normalize_ticket("Last month our team edited the rules of the\nVMSS in the portal.")
    assert [item.resource for item in changed(wrapped.haystack, wrapped.breaks)] == ["vmss"]


def test_a_step_in_the_customers_list_of_what_they_did_is_their_change():
    # "What we've been doing:" introduces their steps; "delete that instance" needs no "we".
    read = normalize_ticket(
        "A node misbehaves every few weeks. What we've been doing:\n\n"
        "1. kubectl cordon and drain the node\n"
        "2. find the VMSS instance in the MC_ resource group\n"
        "3. delete that instance from the scale set\n\n"
        "Is this OK to keep doing?"
    )
    assert len(read.steps) == 3
    found = changed(read.haystack, read.breaks, read.steps)
    assert [item.resource for item in found] == ["scale set"]
    # a list of questions is no list of steps, and a command there is none of theirs
    asked = normalize_ticket("Questions:\n1. delete the VMSS instance, or wait?\n2. anything else?")
    assert asked.steps == ()
    assert changed(asked.haystack, asked.breaks, asked.steps) == ()


def test_a_verb_after_to_or_an_article_in_a_step_is_no_command_of_theirs():
    # what the cloud controller tries, and the command as a noun, in the step's own lines
    read = normalize_ticket(
        "Internal LB service cannot be deleted.\n\n**How to reproduce it**:\n"
        "1. Scale one node pool to 0 nodes\n"
        "2. Run kubectl delete service my-ilb. The delete command keeps looping; the "
        "controller manager is trying to delete the lb but the vmss is still registered "
        "with it\n"
    )
    assert len(read.steps) == 2
    assert changed(read.haystack, read.breaks, read.steps) == ()
    # the same step said as their command is their change
    told = normalize_ticket(
        "**How to reproduce it**:\n1. Scale one node pool to 0 nodes\n2. Delete the vmss instance\n"
    )
    assert [item.resource for item in changed(told.haystack, told.breaks, told.steps)] == ["vmss"]


# A report in the Kubernetes issue form (ours): the steps to reproduce are what the customer
# did, said as commands.
FORM_STEPS = """Autoscaler ignores the new minimum

**What happened**:
The node count stays at 5 after lowering the minimum.

**How to reproduce it (as minimally and precisely as possible)**:
1. Deploy cluster-autoscaler with --nodes=5:10 on the agent pool
2. Edit the deployment with kubectl -n kube-system edit deployment cluster-autoscaler
3. Lower the minimum to 2

**Environment**:
- Kubernetes version: 1.30.4
- Others: changed the minimum in the portal too
"""


def test_the_steps_to_reproduce_of_an_issue_form_are_the_customers_own():
    read = normalize_ticket(FORM_STEPS)
    assert [read.haystack[start:end][:12] for start, end in read.steps] == [
        "1. deploy cl",
        "2. edit the ",
        "3. lower the",
    ]  # the environment list under the next heading is not among them
    found = changed(read.haystack, read.breaks, read.steps)
    assert [(item.kind, item.resource) for item in found] == [("kube-system", "kube-system")]
    # the same list under a heading that asks for nothing done is no list of steps
    plain = normalize_ticket(FORM_STEPS.replace("How to reproduce it", "Questions"))
    assert plain.steps == ()


def test_a_managed_add_ons_namespace_is_managed_like_kube_system():
    # The Istio add-on's own ConfigMap, edited in place, is a managed component changed.
    read = normalize_ticket(
        "Istio 기반 서비스 메시 애드온 사용 중입니다.\n\n저희가 해 본 것:\n"
        "1. kubectl edit configmap istio-asm-1-24 -n aks-istio-system 해서 accessLogFile 추가\n"
        "2. Telemetry 리소스 생성\n"
    )
    assert len(read.steps) == 2
    found = changed(read.haystack, read.breaks, read.steps)
    assert [(item.kind, item.resource) for item in found] == [("kube-system", "aks-istio-system")]
