"""History: every revision, the difference between any two, restoring one object, and
rolling a whole revision back. Thin views over ``revisions`` and ``editing``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from supportscope.policy import revisions
from supportscope.policy.admin.base import ReadOnlyAdmin, impact_panel, wants
from supportscope.policy.editing.live import restore, rollback_revision
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Revision


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "created", "user", "summary", "fingerprint")
    list_display_links = ("number", "summary")
    # A permalink's ``fp`` finds the revision that had that content on this instance.
    search_fields = ("summary", "fingerprint")
    list_select_related = ("user",)
    change_list_template = "admin/policy/revision/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("compare/", view(self.compare_view), name="policy_revision_compare"),
            path(
                "restore/<int:number>/<str:model>/<int:pk>/",
                view(self.restore_view),
                name="policy_revision_restore",
            ),
            path(
                "rollback/<int:number>/",
                view(self.rollback_view),
                name="policy_revision_rollback",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        numbers = list(Revision.objects.order_by("-number").values_list("number", flat=True)[:200])
        return super().changelist_view(
            request, {**(extra_context or {}), "revision_numbers": numbers}
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        revision = get_object_or_404(Revision, pk=unquote(object_id))
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        previous = Revision.objects.filter(number__lt=revision.number).order_by("-number").first()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revision %(number)s") % {"number": revision.number},
            "opts": self.opts,
            "revision": revision,
            "diffs": revisions.revision_diff(revision),
            "previous": previous,
            "untracked": [c for c in revision.changes if "before" not in c],
        }
        return TemplateResponse(request, "admin/policy/revision/detail.html", context)

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        numbers = list(Revision.objects.order_by("-number").values_list("number", flat=True))
        try:
            first = int(request.GET.get("from", numbers[1] if len(numbers) > 1 else 0))
            second = int(request.GET.get("to", numbers[0] if numbers else 0))
        except ValueError:
            return HttpResponse(
                _("from and to must be revision numbers, e.g. ?from=3&to=7."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Changes from revision %(a)s to %(b)s") % {"a": first, "b": second},
            "opts": self.opts,
            "first": first,
            "second": second,
            "numbers": numbers[:200],
            "diffs": revisions.diff_between(first, second),
        }
        return TemplateResponse(request, "admin/policy/revision/compare.html", context)

    def restore_view(self, request: HttpRequest, number: int, model: str, pk: int) -> HttpResponse:
        if model not in revisions.SPECS:
            return HttpResponse(
                _("Unknown kind of object %(model)s; expected one of %(allowed)s.")
                % {"model": model, "allowed": ", ".join(revisions.SPECS)},
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        Model_ = revisions.SPECS[model].model
        if not request.user.has_perm(f"policy.change_{model}"):
            raise PermissionDenied
        get_object_or_404(Revision, number=number)
        target = revisions.state_at(model, pk, number)
        current_obj = Model_._default_manager.filter(pk=pk).first()
        current = revisions.snapshot(current_obj) if current_obj else None
        refusal: EditRefused | None = None
        if request.method == "POST" and target is not None:
            try:
                expected = int(request.POST.get("version", ""))
            except ValueError:
                expected = None
            try:
                restored = restore(
                    model,
                    pk,
                    number,
                    user=request.user,
                    expected_version=expected,
                    **wants(request),
                ).revision
            except EditRefused as refused:
                refusal = refused
            else:
                messages.success(
                    request,
                    _("Restored %(object)s as of revision %(number)s (new revision %(new)s).")
                    % {"object": revisions.label(model, target), "number": number, "new": restored},
                )
                return HttpResponseRedirect(reverse(f"admin:policy_{model}_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore from revision %(number)s") % {"number": number},
            "opts": self.opts,
            "number": number,
            "target": target,
            "diff": revisions.object_diff(model, pk, current, target) if target else None,
            "object_label": revisions.label(model, target or current or {}),
            "current_version": getattr(current_obj, "version", ""),
            **impact_panel(refusal, _("Restore as a new revision")),
        }
        return TemplateResponse(request, "admin/policy/revision/restore.html", context)

    def rollback_view(self, request: HttpRequest, number: int) -> HttpResponse:
        """Undo a whole revision (additions included) as a new revision."""
        if not all(
            request.user.has_perm(f"policy.{action}_{kind}")
            for kind in revisions.SPECS
            for action in ("add", "change", "delete")
        ):
            raise PermissionDenied
        revision = get_object_or_404(Revision, number=number)
        refusal: EditRefused | None = None
        if request.method == "POST":
            try:
                saved = rollback_revision(number, user=request.user, **wants(request))
            except EditRefused as refused:
                refusal = refused
            else:
                messages.success(
                    request,
                    _("Rolled back revision %(number)s as revision %(new)s.")
                    % {"number": number, "new": saved.revision},
                )
                return HttpResponseRedirect(reverse("admin:policy_revision_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Roll back revision %(number)s") % {"number": number},
            "opts": self.opts,
            "revision": revision,
            "diffs": revisions.revision_diff(revision),
            **impact_panel(refusal, _("Roll back as a new revision")),
        }
        return TemplateResponse(request, "admin/policy/revision/rollback.html", context)
