"""Denials, and changes only asked about or looked at (supportscope.core.negation)."""

import pytest

from supportscope.core.negation import negated, unmade_change
from supportscope.core.tickettext import normalize


@pytest.mark.parametrize(
    ("text", "term", "denied"),
    [
        ("we never ran az aks stop", "az aks stop", True),
        ("the managed add on not upstream istio", "istio", True),
        ("nginx is not responding", "nginx", False),
        ("the default vnet, no custom subnet", "custom subnet", True),
        ("there is no ingress response", "ingress", False),
        ("az aks stop 은 안 썼어요", "az aks stop", True),
        ("istio를 직접 설치한 게 아니라 애드온입니다", "istio", True),
        ("카펜터가 노드를 안 만들어요", "카펜터", False),
        ("인그레스가 동작하지 않습니다", "인그레스", False),
        ("a ga version, no preview features", "preview", True),
        ("no ssh changes and no daemonsets touching the host", "ssh", True),
        ("no daemonsets touching the host", "daemonsets", True),
        ("there are no nodes ready", "nodes", False),
        ("the upstream one, not the aks service mesh add on", "service mesh add on", True),
        ("pods can not reach the api server", "api server", False),
        ("feature gate 손댄 거 없음", "feature gate", True),
        ("데몬셋으로 뭘 바꾼 건 전혀 없고", "데몬셋", True),
        ("노드에 접속하거나 데몬셋으로 뭘 바꾼 건 전혀 없고", "노드에 접속", True),
        ("ssh로 접속하거나 설정을 바꾸지 않았습니다", "ssh", True),
        ("노드에 ssh로 접속하거나 재부팅하면 해결됩니다", "ssh", False),
        ("노드에 접속하거나 로그를 보려고 합니다. 설정은 바꾸지 않았습니다", "노드에 접속", False),
        ("저희가 노드에 직접 들어가서 바꾼 설정은 없고", "노드에 직접 들어가", True),
        ("정책 문제가 아니라 npm 자체가 동작을 안 하는 것 같습니다", "npm", False),
        ("ingress nginx 컨트롤러가 트래픽을 안 넘겨요", "ingress nginx", False),
        ("노드 3대가 notready 로 바뀌었고 아직 안 돌아옵니다", "notready", False),
        ("helm으로 설치한 애드온은 없습니다", "helm", True),
        ("노드에 들어가서 바꾼 설정이 원인 같습니다", "노드에 들어가", False),
        ("we'd prefer not to touch the scale set directly", "scale set directly", True),
        ("support told us not to edit the vmss", "vmss", True),
        ("pdb 없고, 업그레이드 전에 노드 쪽 변경한 거 없습니다", "pdb", True),
        ("api 서버 응답이 없습니다", "api 서버", False),
        ("the tls handshake never starts. ingress nginx is ours", "ingress nginx", False),
        ("we never ran az aks stop on it", "az aks stop", True),
        # what the cluster never gets is a symptom
        ("the service never gets an external ip", "external ip", False),
        ("the node did not receive a private ip", "private ip", False),
        ("the pod never starts: warning failedmount 76s", "failedmount", False),
        ("node metrics never reach prometheus managed by azure", "prometheus", False),
        # nor what it never leaves
        ("half of the pods never leave containercreating", "containercreating", False),
        ("the nodes did not get past notready", "notready", False),
        # a change never made stays denied
        ("we never changed the nsg on that subnet", "nsg", True),
        # a negation is a whole word
        ("the sidecars go stale whenever istiod restarts", "istiod", False),
        ("the cluster is two minor versions behind", "versions", False),
        ("the new pods did not show up in container insights", "container insights", False),
        # a term that is what the system fails to do, unless the customer says they didn't
        ("the managed disks would not attach", "attach", False),
        ("the corporate dns cannot resolve the private zone", "resolve", False),
        ("we did not attach anything by hand", "attach", True),
        ("windows build agent, aks preview not installed", "aks preview", True),
        ("the service mesh is not used by this app", "service mesh", True),
        ("istio wasn't deployed on this cluster", "istio", True),
        ("the aks preview extension is not working", "aks preview extension", False),
        ("coredns not ready after the upgrade", "coredns", False),
        ("we don't actually need any preview feature", "preview feature", True),
        ("istio 는 설치되어 있지 않습니다", "istio", True),
        ("aks-preview 확장은 깔려 있지 않고", "aks preview", True),
        ("istio 미설치 상태입니다", "istio", True),
        ("aks-preview 는 없습니다", "aks preview", True),
        ("istio 는 따로 없고 add-on 만 씁니다", "istio", True),
        ("helm chart 가 설치되지 않습니다", "helm chart", False),
        ("networkpolicy 가 적용되어 있지 않은 것처럼 동작합니다", "networkpolicy", False),
        # a clause ended ("-고", "-며", "-는데") starts another: its denial is its own
        ("인그레스는 앱 라우팅 애드온을 쓰고 있고 저희가 바꾼 것은 없습니다", "앱 라우팅", False),
        ("argocd로 배포하고 있으며 수동으로 바꾼 건 없습니다", "argocd", False),
        ("kured를 돌리고 있는데 재부팅은 안 했습니다", "kured", False),
        ("calico를 설치하고 나서 바꾼 것은 없습니다", "calico", False),
        (
            "metrics server 는 기본 설치된 것이고 저희가 건드린 적은 없습니다",
            "metrics server",
            False,
        ),
        # "-고" going on with the verb is one clause: "쓰고 있지 않습니다" is not using it
        ("istio 애드온은 쓰고 있지 않습니다", "istio", True),
        ("keda는 켜고 있지 않아요", "keda", True),
        # "씁니다", "써요": the plain forms of "use" deny as "안 썼어요" does
        ("keda 는 헬름으로 설치해서 쓰고 있고 add-on 은 안 씁니다", "add on", True),
        ("keda 는 헬름으로 설치해서 쓰고 있고 add-on 은 안 씁니다", "keda", False),
        ("퍼블릭 ip 는 안 써요", "퍼블릭 ip", True),
    ],
)
def test_a_mention_is_denied_only_when_it_says_the_thing_was_not_used(text, term, denied):
    haystack = normalize(text)
    start = haystack.index(term)
    assert negated(haystack, start, start + len(term)) is denied


@pytest.mark.parametrize(
    ("text", "term", "why"),
    [
        ("should we ssh into the nodes and run apt upgrade ourselves?", "apt upgrade", "asked"),
        ("do we need to edit /etc/hosts on every node?", "etc", "asked"),
        ("is it ok to change the sysctl on the node?", "sysctl", "asked"),
        ("저희가 노드에 들어가서 apt upgrade 해야 하는지 알려주세요", "apt upgrade", "asked"),
        ("노드에 직접 들어가도 되나요?", "노드에 직접 들어가", "asked"),
        (
            "I checked with kubectl debug node and /etc/kubernetes/certs has 3 files.",
            "etc",
            "looked",
        ),
        ("노드에 접속해서 확인해 보니 인증서 파일이 없습니다", "노드에 접속", "looked"),
        ("we ran apt upgrade on the nodes last week. should we open a case?", "apt upgrade", None),
        ("노드에 접속해서 apt upgrade 했습니다", "apt upgrade", None),
        ("we ssh'd into the node and edited the kubelet config", "edited", None),
        ("I checked the node over ssh and changed the kubelet flags", "ssh", None),
    ],
)
def test_a_change_only_asked_about_or_looked_at_is_told_from_one_made(text, term, why):
    haystack = normalize(text)
    start = haystack.index(normalize(term))
    assert unmade_change(haystack, start, start + len(normalize(term))) == why
