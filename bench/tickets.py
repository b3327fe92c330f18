"""Two long ticket texts (ours) for timing the suggester: 5,000 characters each.

A real ticket of that size is mostly pasted logs around a few sentences, so each is a
short description followed by log lines, repeated up to the length.
"""

from __future__ import annotations

LENGTH = 5_000

_EN_HEAD = (
    "Hello support, since this morning our production cluster (Azure CNI, 1.30) has "
    "pods stuck in ContainerCreating on two node pools, and the ingress in front of the "
    "checkout service answers 502 Bad Gateway for about a third of requests. We use the "
    "application routing add-on for ingress and did not change anything ourselves; the "
    "last change was a node image upgrade on Friday. Logs from the kubelet and the "
    "controller are below. Could you please check what is going on?\n\n"
)
_EN_LOG = (
    "Nov 30 08:14:{s:02d} aks-user-{n}-vmss000004 kubelet[3112]: E1130 08:14:{s:02d} "
    "pod_workers.go:1298] Error syncing pod, skipping: failed to setup network for "
    "sandbox: plugin type=azure-vnet failed (add): IPAM returned no address\n"
    "2026/11/30 08:14:{s:02d} [error] upstream timed out (110: Connection timed out) while "
    "reading response header from upstream, server: shop.example.com, request: GET /cart\n"
)
_KO_HEAD = (
    "안녕하세요. 오늘 아침부터 운영 클러스터(Azure CNI, 1.30)의 노드 풀 두 개에서 파드가 "
    "ContainerCreating 상태로 멈춰 있고, 결제 서비스 앞의 인그레스가 요청의 3분의 1 정도에 "
    "502를 반환합니다. 인그레스는 애플리케이션 라우팅 애드온을 쓰고 있고 저희가 바꾼 것은 "
    "없습니다. 마지막 변경은 금요일의 노드 이미지 업그레이드였습니다. 아래 kubelet과 "
    "컨트롤러 로그를 첨부합니다. 확인 부탁드립니다.\n\n"
)


def _fill(head: str) -> str:
    lines = [head]
    index = 0
    while sum(len(line) for line in lines) < LENGTH:
        lines.append(_EN_LOG.format(s=index % 60, n=index % 3))
        index += 1
    return "".join(lines)[:LENGTH]


ENGLISH = _fill(_EN_HEAD)
KOREAN = _fill(_KO_HEAD)
