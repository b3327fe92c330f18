"""The customer's own changes to AKS-managed Azure resources (supportscope.core.changed)."""

from __future__ import annotations

import pytest

from supportscope.core.changed import changed
from supportscope.core.tickettext import normalize


@pytest.mark.parametrize(
    ("text", "resource"),
    [
        ("Last Friday our ops team resized the VMSS of the user pool in the portal.", "vmss"),
        ("Someone edited the inbound rules on the AKS NSG to pass an audit.", "aks nsg"),
        ("포털에서 MC_ 리소스 그룹에 있는 VM 디스크와 NIC를 직접 삭제했습니다.", "mc 리소스 그룹"),
        ("We replaced the OS disk type on the scale set with az vmss update.", "os disk"),
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
        "라우트 테이블은 그대로고 저희가 route table 항목을 삭제한 적 없음.",
        "고객은 route table을 직접 수정하지 않았다고 함.",
        # done by AKS or the autoscaler, not the customer
        "The autoscaler removed the old VMSS instances overnight.",
        # a change on the customer's own subnet NSG, which the policy allows
        "We changed the NSG on our own subnet to allow port 8443.",
        # a resource named, no change
        "The VMSS shows all instances as running in the portal.",
    ],
)
def test_a_denied_automatic_allowed_or_mere_mention_is_not_a_change(text):
    assert changed(normalize(text)) == ()


def test_each_sentence_is_read_on_its_own():
    text = normalize("We edited our deployment yaml. The VMSS looks healthy.")
    assert changed(text) == ()  # the verb and the resource are in different sentences
