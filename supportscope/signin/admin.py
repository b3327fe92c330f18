"""Failed sign-ins in the admin: who is locked out, and an action to lift the lock.

A thin shell over ``protection``: the list shows axes' records under our translated
names, with whether each one is locked now; lifting deletes the selected records.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from supportscope.signin.models import FailedSignIn
from supportscope.signin.protection import is_locked, lift

# An admin action as ModelAdmin.get_actions gives it: (function, name, description).
_Action = tuple[Callable[..., str], str, str]


@admin.register(FailedSignIn)
class FailedSignInAdmin(admin.ModelAdmin[FailedSignIn]):
    list_display = ["user_name", "address", "failures", "last_failure", "locked"]
    list_display_links = None
    search_fields = ["username", "ip_address"]
    actions = ["lift_locks"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, _Action | None]:
        # Lifting is the one way to remove these; no second, generic delete action.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # axes' own field names have no Korean translation: the columns are named here.
    @admin.display(description=_("User name"), ordering="username")
    def user_name(self, attempt: FailedSignIn) -> str:
        return attempt.username or ""

    @admin.display(description=_("Client address"), ordering="ip_address")
    def address(self, attempt: FailedSignIn) -> str:
        return attempt.ip_address or ""

    @admin.display(description=_("Failures"), ordering="failures_since_start")
    def failures(self, attempt: FailedSignIn) -> int:
        count: int = attempt.failures_since_start
        return count

    @admin.display(description=_("Last failure"), ordering="attempt_time")
    def last_failure(self, attempt: FailedSignIn) -> object:
        return attempt.attempt_time

    @admin.display(boolean=True, description=_("Locked now"))
    def locked(self, attempt: FailedSignIn) -> bool:
        return is_locked(attempt.username, attempt.ip_address or "", timezone.now())

    @admin.action(
        permissions=["delete"], description=_("Lift the locks of the selected failed sign-ins")
    )
    def lift_locks(self, request: HttpRequest, queryset: QuerySet[FailedSignIn]) -> None:
        removed = lift(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed sign-in forgotten.",
                "%(count)d failed sign-ins forgotten.",
                removed,
            )
            % {"count": removed},
            messages.SUCCESS,
        )
