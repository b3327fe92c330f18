"""SUPPORTSCOPE_PROXY_COUNT and the client address taken from X-Forwarded-For accordingly."""

from __future__ import annotations

import pytest

from supportscope.web.clientip import MAX_PROXIES, client_ip
from supportscope.web.env import ConfigError, env_int
from tests.production import run_python


def meta(remote: str = "10.0.0.9", forwarded: str | None = None) -> dict[str, str]:
    found = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        found["HTTP_X_FORWARDED_FOR"] = forwarded
    return found


# -- client_ip ----------------------------------------------------------------------------


def test_without_proxies_the_header_is_ignored_and_the_peer_is_the_client():
    assert client_ip(meta("203.0.113.7", "198.51.100.1"), 0) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_address_that_proxy_appended():
    assert client_ip(meta("10.0.0.9", "203.0.113.7"), 1) == "203.0.113.7"


def test_a_client_cannot_choose_its_address_by_sending_the_header_itself():
    # The client sent "X-Forwarded-For: 192.0.2.1"; the one proxy appended the real peer.
    assert client_ip(meta("10.0.0.9", "192.0.2.1, 203.0.113.7"), 1) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right():
    forwarded = "192.0.2.1, 203.0.113.7, 10.1.0.4"  # forged, client, first proxy
    assert client_ip(meta("10.0.0.9", forwarded), 2) == "203.0.113.7"


def test_several_headers_joined_with_commas_count_as_one_list():
    assert client_ip(meta("10.0.0.9", "192.0.2.1,203.0.113.7"), 1) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "  ", "203.0.113.7"])
def test_fewer_entries_than_proxies_means_the_peer_is_the_answer(forwarded):
    assert client_ip(meta("10.0.0.9", forwarded), 2) == "10.0.0.9"


@pytest.mark.parametrize("entry", ["unknown", "203.0.113.7:5555", "evil.example.com", "", "1.2.3"])
def test_an_entry_that_is_not_an_ip_address_is_not_trusted(entry):
    assert client_ip(meta("10.0.0.9", f"{entry}"), 1) == "10.0.0.9"
    assert client_ip(meta("10.0.0.9", f"203.0.113.7, {entry}"), 1) == "10.0.0.9"


def test_ipv6_addresses_are_given_in_their_normal_form():
    assert client_ip(meta("::1", "2001:DB8:0:0::7"), 1) == "2001:db8::7"


def test_no_address_at_all_is_an_empty_string():
    assert client_ip({}, 0) == ""
    assert client_ip({}, 1) == ""


# -- SUPPORTSCOPE_PROXY_COUNT -------------------------------------------------------------


@pytest.mark.parametrize(("raw", "count"), [(None, 0), ("", 0), ("0", 0), (" 1 ", 1), ("5", 5)])
def test_proxy_count_is_a_small_whole_number_and_defaults_to_zero(raw, count):
    environ = {} if raw is None else {"SUPPORTSCOPE_PROXY_COUNT": raw}
    assert env_int("SUPPORTSCOPE_PROXY_COUNT", 0, MAX_PROXIES, environ) == count


@pytest.mark.parametrize("raw", ["-1", "+1", "1.0", "one", "6", "1 1", "١"])
def test_proxy_count_refuses_anything_else_and_names_the_variable(raw):
    with pytest.raises(ConfigError) as raised:
        env_int("SUPPORTSCOPE_PROXY_COUNT", 0, MAX_PROXIES, {"SUPPORTSCOPE_PROXY_COUNT": raw})
    assert raised.value.name == "SUPPORTSCOPE_PROXY_COUNT"
    assert repr(raw) in str(raised.value)
    assert "from 0 to 5" in str(raised.value)


SHOW = "import django; django.setup(); from django.conf import settings as s; "
SHOW += "print(s.SUPPORTSCOPE_PROXY_COUNT)"


def test_the_setting_is_read_at_start_up():
    assert run_python("-c", SHOW).stdout.strip() == "0"
    assert run_python("-c", SHOW, SUPPORTSCOPE_PROXY_COUNT="1").stdout.strip() == "1"


def test_a_bad_proxy_count_stops_start_up_with_its_name():
    process = run_python("-c", SHOW, SUPPORTSCOPE_PROXY_COUNT="two")
    assert process.returncode != 0
    assert process.stderr.startswith("SupportScope configuration error: SUPPORTSCOPE_PROXY_COUNT: ")
