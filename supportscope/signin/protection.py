"""django-axes fitted to SupportScope: the client's address, two limits, the lockout page.

Settings (see ``supportscope/settings.py``) wire these in:

- ``AXES_CLIENT_IP_CALLABLE = client_address``: the address from ``client_ip`` with
  ``SUPPORTSCOPE_PROXY_COUNT``, so behind the ingress each client has its own address.
- ``AXES_HANDLER = SignInHandler``: axes' database handler with a second limit.
- ``AXES_LOCKOUT_CALLABLE = lockout_response``: the admin's sign-in page with the reason,
  HTTP 429 and ``Retry-After``.

The two limits. axes compares one number of failures with one limit
(``AXES_FAILURE_LIMIT``); when it is given several lockout parameters it takes the largest
count and still compares it with that one limit. SupportScope wants a low limit for one
user name from one address (``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``),
so a guesser locks only their own attempts at that name, and a higher one for an address
whatever the names (``SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS``), so one client spraying
names is stopped without locking anyone else. ``SignInHandler.get_failures``, the one
place axes reads the count from (before checking a password and after each failure),
returns the pair's count, raised to the per-user limit once the address has reached its
own limit.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supportscope.web.clientip import client_ip


def client_address(request: HttpRequest) -> str:
    """The client's address, trusting ``X-Forwarded-For`` only as far as the proxy count."""
    return client_ip(request.META, settings.SUPPORTSCOPE_PROXY_COUNT)


def _total(attempts: QuerySet[AccessAttempt]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failures(username: str | None, address: str, since: datetime) -> tuple[int, int]:
    """Failed sign-ins since ``since``: (this name from this address, this address)."""
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return _total(recent.filter(username=username)), _total(recent)


def counted(by_name: int, by_address: int) -> int:
    """The failures held against a sign-in, to compare with ``AXES_FAILURE_LIMIT``."""
    if by_address >= settings.SUPPORTSCOPE_SIGNIN_LIMIT_PER_ADDRESS:
        return max(by_name, settings.AXES_FAILURE_LIMIT)
    return by_name


def is_locked(username: str | None, address: str, now: datetime) -> bool:
    """Whether sign-in as ``username`` from ``address`` is refused at ``now``."""
    cool_off: timedelta = get_cool_off()
    return counted(*failures(username, address, now - cool_off)) >= settings.AXES_FAILURE_LIMIT


class SignInHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes is untyped
    """axes' database handler, counting failures against both limits."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        username = get_client_username(request, credentials)
        since = get_cool_off_threshold(request)
        return counted(*failures(username, client_address(request), since))


def lockout_message(minutes: int) -> str:
    return ngettext(
        "Too many failed sign-in attempts. Sign-in is paused: try again in %(minutes)d "
        "minute. Trying sooner makes the wait longer.",
        "Too many failed sign-in attempts. Sign-in is paused: try again in %(minutes)d "
        "minutes. Trying sooner makes the wait longer.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The admin's sign-in page saying why and for how long, with 429 and Retry-After.

    The wait given is the cool-off: this very attempt was recorded as a failure, so a lock
    on the name lasts exactly that long from now, and one on the address at most that long.
    """
    cool_off: timedelta = get_cool_off(request)
    seconds = int(cool_off.total_seconds())
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in paused"),
        "message": lockout_message(math.ceil(seconds / 60)),
        "retry_url": request.get_full_path(),
    }
    response = render(request, "signin/locked.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def lift(attempts: QuerySet[AccessAttempt]) -> int:
    """Forget the given failed sign-ins, lifting the locks they made; how many were removed."""
    removed, _by_model = attempts.delete()
    return removed
