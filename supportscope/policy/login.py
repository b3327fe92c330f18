"""Admin sign-in throttled against password guessing.

Failures are counted in the database (shared by every worker and instance) per client
address and per user name, over a sliding window. Once either count reaches its limit,
sign-in is refused for that address or name, without checking the password, until the
oldest failure leaves the window. A successful sign-in clears the name's failures.

The client address is ``REMOTE_ADDR``: behind a proxy that is the proxy's address, so
the per-address limit is set well above the per-name one (see the settings below).
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from supportscope.policy.models import LoginFailure


def _limits() -> tuple[int, int, timedelta]:
    per_user = getattr(settings, "SUPPORTSCOPE_LOGIN_FAILURES_PER_USER", 5)
    per_ip = getattr(settings, "SUPPORTSCOPE_LOGIN_FAILURES_PER_IP", 30)
    window = timedelta(seconds=getattr(settings, "SUPPORTSCOPE_LOGIN_WINDOW_SECONDS", 900))
    return per_user, per_ip, window


def _key(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}:{value}".encode()).hexdigest()


def _keys(request: HttpRequest | None, username: str) -> dict[str, str]:
    ip = (request.META.get("REMOTE_ADDR") if request else None) or "unknown"
    return {"ip": _key("ip", ip), "user": _key("user", username.strip().casefold())}


def seconds_locked(request: HttpRequest | None, username: str) -> int:
    """How long sign-in stays refused for this address or name (0: not locked)."""
    per_user, per_ip, window = _limits()
    now = timezone.now()
    since = now - window
    LoginFailure.objects.filter(created__lt=since).delete()
    wait = 0
    for scope, key in _keys(request, username).items():
        limit = per_user if scope == "user" else per_ip
        recent = LoginFailure.objects.filter(scope=scope, key=key, created__gte=since)
        count = recent.count()
        if count >= limit:
            # Locked until enough failures leave the window to drop below the limit.
            oldest = recent.order_by("created").values_list("created", flat=True)[count - limit]
            wait = max(wait, math.ceil((oldest + window - now).total_seconds()))
    return wait


def record_failure(request: HttpRequest | None, username: str) -> None:
    LoginFailure.objects.bulk_create(
        LoginFailure(scope=scope, key=key) for scope, key in _keys(request, username).items()
    )


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(scope="user", key=_keys(None, username)["user"]).delete()


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """Django's admin sign-in form, refusing to check passwords while throttled."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        wait = seconds_locked(self.request, username)
        if wait:
            raise ValidationError(
                _(
                    "Too many failed sign-in attempts. Sign-in is paused for "
                    "%(minutes)d minute(s); try again later."
                ),
                code="throttled",
                params={"minutes": max(1, math.ceil(wait / 60))},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(self.request, username)
            raise
        clear_failures(username)
        return cleaned
