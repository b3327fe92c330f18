"""The base of every policy admin: a thin shell over ``editing``.

A POST of a change form is validated by the forms (including the version check and the
three-way merge of ``VersionedForm``), then handed to ``editing.live.save`` with a function
that writes the rows; the result (saved, refused, or verdict changes to confirm) decides
the response. The state of one save lives in local variables, never on the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms.formsets import all_valid
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from supportscope.core.engine import Tree
from supportscope.policy import impact, revisions
from supportscope.policy.admin.forms import (
    MarkdownPreviewWidget,
    PolicyInlineFormSet,
    RowForm,
    VersionedForm,
)
from supportscope.policy.editing.checks import ConfirmationNeeded
from supportscope.policy.editing.live import lock, save
from supportscope.policy.integrity import EditRefused
from supportscope.policy.snapshot import get_snapshot

if TYPE_CHECKING:  # a name of the stubs only
    from django.contrib.admin.options import _FieldsetSpec

IMPACT_TOKEN = "_impact"  # noqa: S105 - a form field name, not a secret
CHECK_BUTTON = "_check"
SHOWN_CHANGES = 300


def current_tree() -> Tree:
    return get_snapshot().tree


def impact_panel(refusal: EditRefused | None, confirm_label: str = "") -> dict[str, Any]:
    """What every page that saves shows about a refusal and the verdict changes: one
    builder for the change forms, the guided steps, restore, roll-back and drafts."""
    changes = refusal.changes if isinstance(refusal, ConfirmationNeeded) else None
    return {
        "policy_refusal": refusal,
        "impact_changes": changes[:SHOWN_CHANGES] if changes else changes,
        "impact_total": len(changes) if changes else 0,
        "impact_token": refusal.token if isinstance(refusal, ConfirmationNeeded) else "",
        "impact_field": IMPACT_TOKEN,
        "check_button": CHECK_BUTTON,
        "confirm_label": confirm_label or _("Save"),
    }


def wants(request: HttpRequest) -> dict[str, Any]:
    """The confirmation token and the check button of a posted form, for ``editing``."""
    return {
        "confirm": request.POST.get(IMPACT_TOKEN) or None,
        "check_only": CHECK_BUTTON in request.POST,
    }


class PolicyAdmin(admin.ModelAdmin[Any]):
    """Base for every policy model: versions, revisions, validation and impact."""

    form = VersionedForm
    markdown_fields: tuple[str, ...] = ()

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes go through the checked delete page
        return actions

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownPreviewWidget(attrs={"rows": 6, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        if kwargs.get("fields"):
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "version"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> _FieldsetSpec:
        fieldsets = super().get_fieldsets(request, obj)
        names = {name for _title, options in fieldsets for name in options["fields"]}
        if "version" not in names:
            first_title, first = fieldsets[0]
            fieldsets = [
                (first_title, {**first, "fields": [*first["fields"], "version"]}),
                *fieldsets[1:],
            ]
        return fieldsets

    # The flow of one POST ------------------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method != "POST" or "_saveasnew" in request.POST:
            return super().changeform_view(request, object_id, form_url, extra_context)
        return self.save_view(request, object_id, form_url)

    def save_view(self, request: HttpRequest, object_id: str | None, form_url: str) -> HttpResponse:
        add = object_id is None
        obj = None if object_id is None else self.get_object(request, unquote(object_id))
        if not add and obj is None:
            # _get_obj_does_not_exist_redirect and _create_formsets: Django's private admin
            # API, which the save flow reuses as changeform_view does; not in the stubs.
            missing: HttpResponse = self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
                request, self.opts, object_id
            )
            return missing
        allowed = (
            self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        fieldsets = self.get_fieldsets(request, obj)
        form_class = self.get_form(
            request, obj, change=not add, fields=flatten_fieldsets(fieldsets)
        )
        form = form_class(request.POST, request.FILES, instance=obj)
        formsets, inline_instances = self._create_formsets(  # type: ignore[attr-defined]
            request, form.instance, change=not add
        )
        refusal: EditRefused | None = None
        form_valid = form.is_valid()
        if all_valid(formsets) and form_valid:
            new_object = self.save_form(request, form, change=not add)
            write = partial(self.write_change, new_object, form, formsets, not add)
            try:
                save(write, user=request.user, **wants(request))
            except EditRefused as refused:
                refusal = refused
                if refused.kind != "confirm":
                    for problem in refused.problems:
                        form.add_error(None, problem)
            else:
                # The stubs type this form a Form, though Django passes get_form's ModelForm.
                message = self.construct_change_message(request, form, formsets, add)  # type: ignore[arg-type]
                if add:
                    self.log_addition(request, new_object, message)
                    return self.response_add(request, new_object)
                self.log_change(request, new_object, message)
                return self.response_change(request, new_object)
        admin_form = helpers.AdminForm(
            form,
            # The stubs type AdminForm's fieldsets narrower than get_fieldsets' own type.
            list(fieldsets),  # type: ignore[arg-type]
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        inline_formsets = self.get_inline_formsets(request, formsets, inline_instances, obj)
        media = self.media + admin_form.media
        for inline_formset in inline_formsets:
            media += inline_formset.media
        title = _("Add %s") if add else _("Change %s")
        context = {
            **self.admin_site.each_context(request),
            "title": title % self.opts.verbose_name,
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": media,
            "inline_admin_formsets": inline_formsets,
            "errors": helpers.AdminErrorList(form, formsets),
            "preserved_filters": self.get_preserved_filters(request),
            **impact_panel(refusal),
        }
        return self.render_change_form(
            request, context, add=add, change=not add, obj=obj, form_url=form_url
        )

    def write_change(
        self,
        obj: Any,
        form: Any,
        formsets: Iterable[Any],
        change: bool,
        recorder: revisions.Recorder,
    ) -> None:
        """Write the object and its inline rows, locking each at its loaded version."""
        locked = False
        if not change:
            obj.save()
            recorder.touched(obj)
        elif form.has_changed():
            lock(obj, form.cleaned_data.get("version"))
            locked = True
            recorder.before(obj)
            obj.save()
            recorder.touched(obj)
        form.save_m2m()
        for formset in formsets:
            locked = self.write_rows(form, formset, change, recorder, locked)

    def write_rows(
        self, form: Any, formset: Any, change: bool, recorder: revisions.Recorder, locked: bool
    ) -> bool:
        """One inline table. Returns whether the parent row is now locked."""
        if revisions.is_tracked(formset.model):
            deleted = []
            for row in formset.initial_forms:
                if row.has_changed():
                    lock(row.instance, row.cleaned_data.get("version"))
                    recorder.before(row.instance)
                    if row in formset.deleted_forms:
                        deleted.append(row.instance.pk)
            for obj in formset.save():
                recorder.touched(obj)
            for pk in deleted:
                recorder.deleted(revisions.model_key(formset.model), pk)
            return locked
        # Rows without a version of their own (citations, routes, overlays) belong to the
        # parent: the parent's version guards them.
        if not formset.has_changed():
            formset.save()
            return locked
        parent = form.instance
        if change and not locked:
            lock(parent, form.cleaned_data.get("version"))
            locked = True
        recorder.before(parent)
        formset.save()
        recorder.touched(parent)
        return locked

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except EditRefused as refused:
            for problem in refused.problems:
                messages.error(request, problem)
            return HttpResponseRedirect(
                reverse(f"admin:policy_{self.opts.model_name}_change", args=[unquote(object_id)])
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        model, pk = revisions.model_key(obj), obj.pk

        def apply(recorder: revisions.Recorder) -> None:
            recorder.before(obj)
            obj.delete()
            recorder.deleted(model, pk)

        save(apply, user=request.user, needs_confirmation=False)

    def get_deleted_objects(
        self, objs: Sequence[Any] | QuerySet[Any], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        deleted, count, perms, protected = super().get_deleted_objects(objs, request)
        cited = self.citing(objs)
        if cited:
            protected = [_("verdict %(name)s cites it") % {"name": name} for name in cited] + list(
                protected
            )
        return deleted, count, perms, protected

    def citing(self, objs: Iterable[Any]) -> list[str]:
        return []

    # What the change form shows besides the fields ----------------------------

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        form = context["adminform"].form
        conflicts = [form.conflict] if getattr(form, "conflict", None) else []
        for inline in context.get("inline_admin_formsets", []):
            conflicts += [
                row.conflict for row in inline.formset.forms if getattr(row, "conflict", None)
            ]
        context.setdefault("policy_refusal", None)
        for key, value in impact_panel(context["policy_refusal"]).items():
            context.setdefault(key, value)
        context.update(policy_conflicts=conflicts, policy_css=True)
        if obj is not None and obj.pk is not None:
            context["history"] = revisions.revisions_of(revisions.model_key(obj), obj.pk)[:10]
            context.update(self.impact_context(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def impact_context(self, obj: Any) -> dict[str, Any]:
        return {}


class PolicyInline(admin.TabularInline[Any, Any]):
    form: type[forms.ModelForm[Any]] = RowForm
    formset = PolicyInlineFormSet
    extra = 0

    def get_formset(
        self, request: HttpRequest, obj: Any = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, forms.ModelForm[Any]]]:
        # ``version`` is a form field (the model's is not editable): keep it out of the
        # model form factory, which would refuse it; the fieldsets still render it.
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if name != "version"]
        return super().get_formset(request, obj, **kwargs)


def citing_context(anchors: list[str]) -> dict[str, Any]:
    """Verdicts and answer paths that cite any of ``anchors`` (in the served tree)."""
    tree = current_tree()
    found = impact.paths_citing(tree, anchors)
    return {
        "citing_verdicts": [tree.verdicts[name] for name in impact.verdicts_citing(tree, anchors)],
        "citing_paths": found[:SHOWN_CHANGES],
        "citing_paths_total": len(found),
        "citing_anchors": anchors,
    }


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Records kept by the system (revisions, retired answers): listed, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
