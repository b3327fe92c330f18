"""What every guided step shares: the policy it starts from, running it (into the draft it
was opened from, or live as one checked revision), its page and where it goes after."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from supportscope.policy.admin.base import impact_panel, wants
from supportscope.policy.editing.drafts import edit_draft
from supportscope.policy.editing.live import live_records, publish_records
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Draft
from supportscope.policy.serial import Records


def opened_from(request: HttpRequest) -> int | None:
    """The draft the step was opened from (``?draft=<id>``), if any."""
    raw = request.POST.get("draft") or request.GET.get("draft") or ""
    return int(raw) if raw.isascii() and raw.isdigit() else None


def start_records(request: HttpRequest) -> Records:
    """The policy a step starts from: the draft it was opened from, or the live policy."""
    draft_id = opened_from(request)
    draft = Draft.objects.filter(pk=draft_id).first() if draft_id is not None else None
    return draft.records if draft is not None else live_records()


def run_step(
    request: HttpRequest, change: Callable[[Records], Records], summary: str
) -> tuple[int | None, EditRefused | None]:
    """Apply one step: into the draft the page was opened from, or live as one checked
    revision. Returns (revision or draft id, refusal)."""
    draft_id = opened_from(request)
    try:
        if draft_id is not None:
            edit_draft(draft_id, change, expected_version=None)
            return draft_id, None
        live = live_records()
        saved = publish_records(
            change(live),
            user=request.user,
            summary=summary,
            expected_live=live,
            **wants(request),
        )
    except EditRefused as refused:
        return None, refused
    return saved.revision, None


def step_page(
    request: HttpRequest,
    model_admin: Any,
    *,
    title: str,
    intro: str,
    form: forms.Form,
    formsets: Sequence[tuple[str, Any]] = (),
    refusal: EditRefused | None = None,
    template: str = "admin/policy/step.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A step's page: its form and formsets, the draft it works in, and the refusal or the
    verdict changes to confirm."""
    draft_id = opened_from(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": model_admin.opts,
        "form": form,
        "formsets": formsets,
        "draft": Draft.objects.filter(pk=draft_id).first() if draft_id else None,
        **impact_panel(refusal, _("Confirm and publish")),
        **(extra or {}),
    }
    return TemplateResponse(request, template, context)


def done(request: HttpRequest, result: int | None, message: str, live_url: str) -> HttpResponse:
    """After a step: back to the draft it went into, or to ``live_url`` with the revision."""
    draft_id = opened_from(request)
    if draft_id is not None:
        messages.success(request, _("Added to the draft: %(what)s") % {"what": message})
        return HttpResponseRedirect(reverse("admin:policy_draft_change", args=[draft_id]))
    if result is None:
        messages.info(request, _("Nothing changed."))
    else:
        messages.success(
            request,
            _("Saved as revision %(number)s: %(what)s") % {"number": result, "what": message},
        )
    return HttpResponseRedirect(live_url)


def require_perms(request: HttpRequest, *perms: str) -> None:
    """Every step needs all the permissions of the objects it changes."""
    if not all(request.user.has_perm(f"policy.{perm}") for perm in perms):
        raise PermissionDenied
