"""The client's address, given how many trusted reverse proxies stand in front of the app.

``SUPPORTSCOPE_PROXY_COUNT`` (settings) says how many proxies the operator runs between
the clients and the app: 0 when clients connect directly, 1 behind the AKS application
routing ingress or a single nginx. Each proxy appends the address it received the request
from to ``X-Forwarded-For``, and the last proxy is the peer the app sees (``REMOTE_ADDR``).
With ``n`` proxies the client is therefore the ``n``-th entry from the right of
``X-Forwarded-For``; anything to its left was written by the client and proves nothing.

The header is never trusted blindly: with no proxies it is ignored, and when it has fewer
entries than there are proxies, or the chosen entry is not an IP address, the request did
not come the way the operator said, and the answer is ``REMOTE_ADDR``.

Pure: no Django. A view passes ``request.META`` and ``settings.SUPPORTSCOPE_PROXY_COUNT``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

# More proxies than this in front of one app is a configuration mistake, not a topology.
MAX_PROXIES = 5


def client_ip(meta: Mapping[str, object], proxy_count: int) -> str:
    """The address of the client that sent this request, as text ("" when there is none)."""
    remote = str(meta.get("REMOTE_ADDR") or "")
    if proxy_count <= 0:
        return remote
    forwarded = str(meta.get("HTTP_X_FORWARDED_FOR") or "")
    # Several X-Forwarded-For headers arrive joined by commas, in order.
    hops = [hop.strip() for hop in forwarded.split(",")] if forwarded.strip() else []
    if len(hops) < proxy_count:
        return remote
    candidate = hops[-proxy_count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
