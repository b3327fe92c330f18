"""The Django admin for the policy: edit safely, see the impact, keep every revision.

Every save of a policy object goes through the same steps, inside the admin's
transaction:

1. each changed row is locked optimistically: ``UPDATE … SET version = N + 1 WHERE
   version = N``, with N the version the form was loaded with; 0 rows means someone
   else saved first and the save is refused (the form shows both texts);
2. the rows are written and their before/after snapshots collected;
3. the tree is compiled with the live clauses; if it does not compile, everything is
   rolled back and the problems are shown;
4. the answer paths of the old and the new tree are compared; if any verdict changes,
   the admin confirms that exact list first;
5. a ``Revision`` is recorded and ``PolicyState.revision`` bumped, so every worker
   serves the change on its next request.

A refused step raises ``EditRefused``; the transaction is rolled back and the form is
shown again with what the admin typed and why it was not saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from supportscope.engine import Tree
from supportscope.policy import impact, revisions
from supportscope.policy.integrity import (
    EditRefused,
    cited_clause_message,
    citing_verdicts,
    compiled_tree,
)
from supportscope.policy.models import (
    LEVEL_CHOICES,
    Choice,
    ChoiceGroup,
    Citation,
    Clause,
    Edge,
    Modifier,
    Node,
    Overlay,
    Question,
    Revision,
    Section,
    Verdict,
    Versioned,
)
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.store import record_revision
from supportscope.rendering import render_markdown

admin.site.site_header = gettext_lazy("SupportScope administration")
admin.site.site_title = gettext_lazy("SupportScope admin")
admin.site.index_title = gettext_lazy("Policy administration")

MARKDOWN_FIELDS = (
    "body_en",
    "body_ko",
    "rationale_en",
    "rationale_ko",
    "make_supported_en",
    "make_supported_ko",
)
IMPACT_TOKEN = "_impact"  # noqa: S105 - a form field name, not a secret
CHECK_BUTTON = "_check"
SHOWN_CHANGES = 300


# -- optimistic locking --------------------------------------------------------


def lock(obj: Model, expected: int | None) -> None:
    """Claim ``obj`` at the version the admin loaded, or refuse: the heart of "no lost update".

    ``UPDATE … WHERE version = expected`` matches no row once another save has committed
    (PostgreSQL re-checks the condition after waiting for a concurrent writer; SQLite has
    one writer at a time), so of two saves based on the same version only one succeeds.
    """
    model = type(obj)
    rows = (
        model._default_manager.filter(pk=obj.pk, version=expected).update(
            version=(expected or 0) + 1
        )
        if expected is not None
        else 0
    )
    if rows != 1:
        raise EditRefused(
            [
                _(
                    "%(object)s was changed by someone else while you were editing it. "
                    "Nothing was saved."
                )
                % {"object": obj}
            ],
            kind="stale",
        )
    obj.version = (expected or 0) + 1  # type: ignore[attr-defined]


@dataclass
class ConflictRow:
    label: str
    theirs: str
    mine: str
    lines: list[revisions.Line]
    both: bool  # both changed it (else: only they did, and their text is now in the form)


@dataclass
class Conflict:
    object: str
    revision: Revision | None
    rows: list[ConflictRow]

    @property
    def both(self) -> list[ConflictRow]:
        return [row for row in self.rows if row.both]

    @property
    def theirs_only(self) -> list[ConflictRow]:
        return [row for row in self.rows if not row.both]


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Iterable) and not isinstance(value, str):
        return "\n".join(sorted(str(item) for item in value))
    return str(value)


SKIP_FIELDS = frozenset({"version", "DELETE", "id"})


class VersionedForm(forms.ModelForm):
    """A policy form carrying the version it was loaded at, refusing stale saves.

    Each field also posts the value it was loaded with (``show_hidden_initial``), so a
    refused save can be merged three ways: fields only the other admin changed take
    their text, fields only this admin changed keep theirs, and fields both changed are
    shown side by side.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: Conflict | None = None
        if self.instance.pk is not None:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
            for name, field in self.fields.items():
                if name not in SKIP_FIELDS and not field.widget.is_hidden:
                    field.show_hidden_initial = True

    @property
    def is_main(self) -> bool:
        return hasattr(self, "policy_request")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is not None and (self.is_main or self.has_changed()):
            self.check_version()
        refusal = getattr(getattr(self, "policy_request", None), "policy_refusal", None)
        if refusal is not None and not (refusal.kind == "stale" and self.conflict):
            for problem in refusal.problems:
                self.add_error(None, problem)
        return cleaned

    def check_version(self) -> None:
        model = type(self.instance)
        current = model._default_manager.filter(pk=self.instance.pk).values_list(
            "version", flat=True
        )
        current_version = current.first()
        posted = self.cleaned_data.get("version")
        if current_version is None:
            self.add_error(None, _("This object was deleted by someone else meanwhile."))
        elif posted is not None and posted != current_version:
            data = self.data.copy()
            self.conflict = self._merge(data)
            self.add_error(
                None,
                _(
                    "Someone else saved this %(object)s while you were editing it, so your "
                    "save was refused. Your text is kept in the form; their saved version is "
                    "shown next to yours. Merge what you need and save again to replace theirs."
                )
                % {"object": model._meta.verbose_name},
            )
            # Saving again now deliberately replaces the version the admin has just seen.
            data[self.add_prefix("version")] = str(current_version)
            self.data = data

    def _merge(self, data: Any) -> Conflict:
        """Compare base (loaded), mine (posted) and theirs (saved); write the merge into
        ``data``, which the re-rendered form shows."""
        model = type(self.instance)
        fresh = model._default_manager.get(pk=self.instance.pk)
        rows = []
        for name, field in self.fields.items():
            if name in SKIP_FIELDS or field.widget.is_hidden:
                continue
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field has no saved value
                continue
            theirs_value = getattr(fresh, name)
            if model_field.many_to_many:
                theirs_value = list(theirs_value.all())
            theirs = _display(theirs_value)
            mine = _display(self.cleaned_data.get(name))
            key = self.add_prefix(name)
            initial_key = self.add_initial_prefix(name)
            hidden = field.hidden_widget()
            try:
                base = _display(
                    field.to_python(hidden.value_from_datadict(self.data, self.files, initial_key))
                )
            except ValidationError:
                base = mine
            if theirs in (base, mine):
                continue  # they did not touch it, or both wrote the same
            both = mine != base
            if not both:
                _put(data, key, model_field, theirs_value)
            _put(data, initial_key, model_field, theirs_value, hidden=True)
            rows.append(
                ConflictRow(
                    str(field.label), theirs, mine, revisions.diff_lines(theirs, mine), both
                )
            )
        history = revisions.revisions_of(revisions.model_key(model), self.instance.pk)
        return Conflict(str(fresh), history[0] if history else None, rows)


def _put(data: Any, key: str, model_field: Any, value: Any, hidden: bool = False) -> None:
    """Write a saved value into posted form data, in the shape its widget posts."""
    if hidden and isinstance(value, bool):
        data[key] = str(value)
    elif model_field.many_to_many:
        data.setlist(key, [str(item.pk) for item in value])
    elif model_field.is_relation:
        data[key] = "" if value is None else str(value.pk)
    elif isinstance(value, bool):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        data[key] = "" if value is None else str(value)


class PolicyInlineFormSet(BaseInlineFormSet):
    """Checks what row forms cannot: deletions of rows that others edited or verdicts cite."""

    def clean(self) -> None:
        super().clean()
        problems = []
        # Not ``deleted_forms``: that is empty as soon as any row has an error, such as
        # Django's own "protected related objects" on a cited clause.
        for form in self.forms:
            if not (self.can_delete and self._should_delete_form(form)):
                continue
            obj = form.instance
            if obj.pk is None:
                continue
            if isinstance(obj, Versioned):
                current = (
                    type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True)
                ).first()
                posted = getattr(form, "cleaned_data", {}).get("version")
                if current is not None and posted != current:
                    problems.append(
                        _("%(object)s was changed by someone else; reload before deleting it.")
                        % {"object": obj}
                    )
            if isinstance(obj, Clause):
                verdicts = citing_verdicts([obj])
                if verdicts:
                    problems.append(cited_clause_message(obj, verdicts, _("deleted")))
        if problems:
            raise ValidationError(problems)


# -- Markdown with live preview -----------------------------------------------


class MarkdownPreviewWidget(forms.Textarea):
    """A Markdown textarea followed by its preview, refreshed by htmx as the admin types.

    The preview is rendered on the server by ``render_markdown``, the function that
    renders the public page, so what the admin sees is what readers will see.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer=None):  # type: ignore[no-untyped-def]
        preview_id = f"preview-{(attrs or {}).get('id') or name}"
        url = reverse("admin:policy_markdown_preview") + f"?field={name}"
        attrs = {
            **(attrs or {}),
            "hx-post": url,
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{preview_id}",
            "hx-swap": "innerHTML",
            "aria-describedby": preview_id,
        }
        textarea = super().render(name, value, attrs, renderer)
        preview = render_to_string(
            "admin/policy/markdown_preview.html",
            {"html": preview_html(value or ""), "preview_id": preview_id, "whole": True},
        )
        return format_html(
            '<div class="md-field">{}{}</div>',
            textarea,
            mark_safe(preview),  # noqa: S308 - rendered by a template from sanitized HTML
        )


def preview_html(text: str) -> Any:
    html = render_markdown(text)
    return mark_safe(html or f'<p class="md-empty">{_("(empty)")}</p>')  # noqa: S308 - sanitized


# -- the base admin ------------------------------------------------------------


def _summary(entries: list[dict[str, Any]]) -> str:
    words = {
        "added": gettext_lazy("added"),
        "changed": gettext_lazy("changed"),
        "deleted": gettext_lazy("deleted"),
    }
    parts = [f"{words.get(e['change'], e['change'])} {e['object']}" for e in entries]
    text = "; ".join(parts)
    return text if len(text) <= 300 else text[:297] + "…"


def finish_change(
    request: HttpRequest,
    recorder: revisions.Recorder,
    old_tree: Tree,
    summary: str | None = None,
    *,
    confirm: bool = True,
) -> int | None:
    """Validate, show the impact if needed, record the revision. Inside the transaction."""
    entries = recorder.entries()
    if not entries:
        return None
    try:
        new_tree = compiled_tree()
    except EditRefused as refused:
        if any("can never be reached" in problem for problem in refused.problems):
            refused.problems.append(
                _(
                    "A new verdict or answer must be routed in the same step: use "
                    "“Add an answer with its verdict” on the questions page."
                )
            )
        raise
    changes = impact.compare(old_tree, new_tree)
    token = impact.fingerprint(changes)
    wants_check = CHECK_BUTTON in request.POST
    if confirm and (wants_check or (changes and request.POST.get(IMPACT_TOKEN) != token)):
        refusal = EditRefused(
            [
                _("Nothing is saved yet: check the verdict changes below, then confirm.")
                if changes
                else _("Nothing is saved yet: this change alters no verdict.")
            ],
            kind="confirm",
        )
        refusal.changes = changes  # type: ignore[attr-defined]
        refusal.token = token  # type: ignore[attr-defined]
        raise refusal
    return record_revision(request.user, summary or _summary(entries), entries)


def current_tree() -> Tree:
    return get_snapshot().tree


class PolicyAdmin(admin.ModelAdmin):
    """Base for every policy model: versions, revisions, validation and impact."""

    form = VersionedForm
    markdown_fields: tuple[str, ...] = ()

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes go through the checked delete page
        return actions

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownPreviewWidget(attrs={"rows": 6, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("fields"):
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "version"]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"policy_request": request})

    def get_fieldsets(self, request: HttpRequest, obj: Any = None):  # type: ignore[no-untyped-def]
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

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        request.policy_old_tree = current_tree()
        request.policy_recorder = revisions.Recorder()
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditRefused as refused:
            # Rolled back. Show the same form again: it is now invalid and says why.
            request.policy_refusal = refused
            request.policy_recorder = revisions.Recorder()
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        recorder: revisions.Recorder = request.policy_recorder  # type: ignore[attr-defined]
        if change:
            if not form.has_changed():
                return  # nothing to write; do not overwrite others with what was loaded
            lock(obj, form.cleaned_data.get("version"))
            recorder.before(obj)
            request.policy_locked = True  # type: ignore[attr-defined]
        obj.save()
        recorder.touched(obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        recorder: revisions.Recorder = request.policy_recorder  # type: ignore[attr-defined]
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
            return
        # Rows without a version of their own (citations, routes, overlays) belong to the
        # parent: the parent's version guards them.
        if not formset.has_changed():
            formset.save()  # nothing to write, but the admin's change message expects it
            return
        parent = form.instance
        if change and not getattr(request, "policy_locked", False):
            lock(parent, form.cleaned_data.get("version"))
            request.policy_locked = True  # type: ignore[attr-defined]
        recorder.before(parent)
        formset.save()
        recorder.touched(parent)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        finish_change(
            request,
            request.policy_recorder,  # type: ignore[attr-defined]
            request.policy_old_tree,  # type: ignore[attr-defined]
        )

    def delete_view(self, request, object_id, extra_context=None):  # type: ignore[no-untyped-def]
        try:
            return super().delete_view(request, object_id, extra_context)
        except EditRefused as refused:
            for problem in refused.problems:
                messages.error(request, problem)
            return HttpResponseRedirect(
                reverse(f"admin:policy_{self.opts.model_name}_change", args=[unquote(object_id)])
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        recorder = revisions.Recorder()
        recorder.before(obj)
        model, pk = revisions.model_key(obj), obj.pk
        old_tree = current_tree()
        obj.delete()
        recorder.deleted(model, pk)
        finish_change(request, recorder, old_tree, confirm=False)

    def get_deleted_objects(self, objs, request):  # type: ignore[no-untyped-def]
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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):  # type: ignore[no-untyped-def]
        refusal = getattr(request, "policy_refusal", None)
        form = context["adminform"].form
        conflicts = [form.conflict] if getattr(form, "conflict", None) else []
        for inline in context.get("inline_admin_formsets", []):
            conflicts += [
                row.conflict for row in inline.formset.forms if getattr(row, "conflict", None)
            ]
        changes = getattr(refusal, "changes", None)
        context.update(
            policy_refusal=refusal,
            policy_conflicts=conflicts,
            impact_changes=changes[:SHOWN_CHANGES] if changes else changes,
            impact_total=len(changes) if changes else 0,
            impact_token=getattr(refusal, "token", ""),
            check_button=CHECK_BUTTON,
            impact_field=IMPACT_TOKEN,
            policy_css=True,
        )
        if obj is not None and obj.pk is not None:
            context["history"] = revisions.revisions_of(self.opts.model_name, obj.pk)[:10]
            context.update(self.impact_context(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def impact_context(self, obj: Any) -> dict[str, Any]:
        return {}


class PolicyInline(admin.TabularInline):
    formset = PolicyInlineFormSet
    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        # ``version`` is a form field (the model's is not editable): keep it out of the
        # model form factory, which would refuse it; the fieldsets still render it.
        fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [name for name in fields if name != "version"]
        return super().get_formset(request, obj, **kwargs)


# -- sections and clauses --------------------------------------------------------


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


class ClauseInline(PolicyInline):
    model = Clause
    fields = ("version", "order", "key", "kind", "retired", "body_en", "body_ko")
    show_change_link = True
    ordering = ("order",)
    formfield_overrides = {
        Clause._meta.get_field("body_en").__class__: {"widget": forms.Textarea(attrs={"rows": 3})}
    }


class SectionClauseForm(VersionedForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _check_retire(self)
        return cleaned


def _check_retire(form: forms.ModelForm) -> None:
    obj = form.instance
    if obj.pk is None or not form.cleaned_data.get("retired"):
        return
    was_retired = type(obj)._default_manager.filter(pk=obj.pk, retired=True).exists()
    if was_retired:
        return
    verdicts = citing_verdicts([obj])
    if verdicts:
        form.add_error("retired", cited_clause_message(obj, verdicts, _("retired")))


ClauseInline.form = SectionClauseForm


@admin.register(Section)
class SectionAdmin(PolicyAdmin):
    list_display = ("order", "slug", "title_en", "title_ko", "level")
    list_display_links = ("slug",)
    search_fields = ("slug", "title_en", "title_ko")
    fields = ("slug", "order", "level", "title_en", "title_ko", "version")
    inlines = [ClauseInline]

    def citing(self, objs: Iterable[Any]) -> list[str]:
        return citing_verdicts(Clause.objects.filter(section__in=list(objs)))

    def impact_context(self, obj: Any) -> dict[str, Any]:
        return citing_context([clause.anchor for clause in obj.clauses.all()])


class ClauseForm(VersionedForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _check_retire(self)
        return cleaned


@admin.register(Clause)
class ClauseAdmin(PolicyAdmin):
    form = ClauseForm
    list_display = ("anchor_display", "kind", "order", "retired")
    list_filter = ("section", "kind", "retired")
    search_fields = ("key", "body_en", "body_ko")
    list_select_related = ("section",)
    fields = ("section", "key", "order", "kind", "retired", "body_en", "body_ko", "version")
    markdown_fields = MARKDOWN_FIELDS

    @admin.display(description=gettext_lazy("anchor"), ordering="section__order")
    def anchor_display(self, obj: Clause) -> str:
        return obj.anchor

    def citing(self, objs: Iterable[Any]) -> list[str]:
        return citing_verdicts(objs)

    def impact_context(self, obj: Any) -> dict[str, Any]:
        return citing_context([obj.anchor])

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path(
                "preview/",
                self.admin_site.admin_view(markdown_preview),
                name="policy_markdown_preview",
            ),
            *super().get_urls(),
        ]


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The preview of one Markdown field of the posted form (staff only, via admin_view)."""
    name = request.GET.get("field", "")
    if not name.endswith(MARKDOWN_FIELDS) or name not in request.POST:
        return HttpResponse(
            _("Unknown field %(name)s; expected one of %(allowed)s.")
            % {"name": name, "allowed": ", ".join(MARKDOWN_FIELDS)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return TemplateResponse(
        request, "admin/policy/markdown_preview.html", {"html": preview_html(request.POST[name])}
    )


# -- questions and choices -------------------------------------------------------


class ChoiceInline(PolicyInline):
    model = Choice
    form = VersionedForm
    fields = (
        "version",
        "order",
        "value",
        "label_en",
        "label_ko",
        "description_en",
        "description_ko",
        "terms_en",
        "terms_ko",
        "group",
    )
    ordering = ("order",)


@admin.register(Question)
class QuestionAdmin(PolicyAdmin):
    list_display = ("order", "key", "text_en", "text_ko", "allow_unknown")
    list_display_links = ("key",)
    search_fields = ("key", "text_en", "text_ko")
    fields = (
        "key",
        "order",
        "text_en",
        "text_ko",
        "help_en",
        "help_ko",
        "allow_unknown",
        "version",
    )
    inlines = [ChoiceInline]

    def get_urls(self):  # type: ignore[no-untyped-def]
        return [
            path(
                "add-answer/",
                self.admin_site.admin_view(self.add_answer_view),
                name="policy_add_answer",
            ),
            *super().get_urls(),
        ]

    def add_answer_view(self, request: HttpRequest) -> HttpResponse:
        return add_answer(self, request)


@admin.register(ChoiceGroup)
class ChoiceGroupAdmin(PolicyAdmin):
    list_display = ("order", "key", "label_en", "label_ko")
    list_display_links = ("key",)
    fields = ("key", "order", "label_en", "label_ko", "version")


# -- verdicts, routes, modifiers -----------------------------------------------


class CitationInline(PolicyInline):
    model = Citation
    fields = ("order", "clause")
    ordering = ("order",)
    autocomplete_fields = ()
    min_num = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "clause":
            kwargs["queryset"] = Clause.objects.select_related("section").filter(retired=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Verdict)
class VerdictAdmin(PolicyAdmin):
    list_display = ("order", "name", "level")
    list_display_links = ("name",)
    list_filter = ("level",)
    search_fields = ("name", "rationale_en", "rationale_ko")
    fields = (
        "name",
        "order",
        "level",
        "rationale_en",
        "rationale_ko",
        "make_supported_en",
        "make_supported_ko",
        "modifiers",
        "version",
    )
    filter_horizontal = ()
    inlines = [CitationInline]
    markdown_fields = MARKDOWN_FIELDS

    def impact_context(self, obj: Any) -> dict[str, Any]:
        tree = current_tree()
        found = [path for path in impact.paths(tree) if obj.name in _names(path)]
        return {
            "verdict_paths": found[:SHOWN_CHANGES],
            "verdict_paths_total": len(found),
        }


def _names(found: impact.Path) -> set[str]:
    return {part.name for part in found.result.parts}


class EdgeInline(PolicyInline):
    model = Edge
    fk_name = "node"
    fields = ("value", "to_node", "to_verdict")
    ordering = ("value",)


@admin.register(Node)
class NodeAdmin(PolicyAdmin):
    list_display = ("order", "name", "question", "is_start")
    list_display_links = ("name",)
    fields = ("name", "order", "question", "is_start", "version")
    inlines = [EdgeInline]


class OverlayInline(PolicyInline):
    model = Overlay
    fields = ("value", "verdict")
    ordering = ("value",)


@admin.register(Modifier)
class ModifierAdmin(PolicyAdmin):
    list_display = ("question",)
    fields = ("question", "version")
    inlines = [OverlayInline]


# -- adding an answer with its verdict, in one checked step ---------------------


class AddAnswerForm(forms.Form):
    """A new choice for a question, and where it leads, as one change to the tree."""

    question = forms.ModelChoiceField(
        queryset=Question.objects.filter(nodes__isnull=False).distinct().order_by("order"),
        label=gettext_lazy("Question"),
        help_text=gettext_lazy("Every node that asks it routes the new answer to the verdict."),
    )
    value = forms.SlugField(
        label=gettext_lazy("Value"),
        help_text=gettext_lazy("The query parameter value (public contract), e.g. azure-policy."),
    )
    label_en = forms.CharField(label=gettext_lazy("Label (English)"), max_length=200)
    label_ko = forms.CharField(label=gettext_lazy("Label (Korean)"), max_length=200)
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), max_length=300, required=False
    )
    description_ko = forms.CharField(
        label=gettext_lazy("Description (Korean)"), max_length=300, required=False
    )
    group = forms.ModelChoiceField(
        queryset=ChoiceGroup.objects.order_by("order"),
        required=False,
        label=gettext_lazy("Group"),
    )
    existing_verdict = forms.ModelChoiceField(
        queryset=Verdict.objects.order_by("order"),
        required=False,
        label=gettext_lazy("Lead to an existing verdict"),
        help_text=gettext_lazy("Or leave empty and describe a new verdict below."),
    )
    verdict_name = forms.SlugField(required=False, label=gettext_lazy("New verdict name"))
    level = forms.ChoiceField(
        choices=[("", "—"), *LEVEL_CHOICES], required=False, label=gettext_lazy("Level")
    )
    rationale_en = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Rationale (English)"),
    )
    rationale_ko = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=gettext_lazy("Rationale (Korean)"),
    )
    make_supported_en = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("What would make it supported (English)"),
    )
    make_supported_ko = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("What would make it supported (Korean)"),
    )
    citations = forms.ModelMultipleChoiceField(
        queryset=Clause.objects.select_related("section").filter(retired=False),
        required=False,
        label=gettext_lazy("Cited clauses"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    modifiers = forms.ModelMultipleChoiceField(
        queryset=Question.objects.filter(modifier__isnull=False),
        required=False,
        label=gettext_lazy("Modifiers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("E.g. preview: asked after the verdict, it can lower it."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        question, value = cleaned.get("question"), cleaned.get("value")
        if question and value and question.choices.filter(value=value).exists():
            self.add_error(
                "value",
                _("%(key)s already has the value %(value)s.")
                % {"key": question.key, "value": value},
            )
        if cleaned.get("existing_verdict"):
            return cleaned
        for name in ("verdict_name", "level", "rationale_en", "rationale_ko", "citations"):
            if not cleaned.get(name):
                self.add_error(name, _("Needed for a new verdict."))
        name = cleaned.get("verdict_name")
        if name and Verdict.objects.filter(name=name).exists():
            self.add_error("verdict_name", _("A verdict named %(name)s exists.") % {"name": name})
        return cleaned


def _next_order(model: type[Model], **filters: Any) -> int:
    return (model._default_manager.filter(**filters).aggregate(m=Max("order"))["m"] or 0) + 1


def save_new_answer(data: dict[str, Any], recorder: revisions.Recorder) -> Verdict:
    """Write the new choice, its verdict (if new) and its routes. Caller holds the transaction."""
    question: Question = data["question"]
    choice = Choice.objects.create(
        question=question,
        value=data["value"],
        order=_next_order(Choice, question=question),
        label_en=data["label_en"],
        label_ko=data["label_ko"],
        description_en=data["description_en"],
        description_ko=data["description_ko"],
        group=data["group"],
    )
    recorder.touched(choice)
    verdict = data["existing_verdict"]
    if verdict is None:
        verdict = Verdict.objects.create(
            name=data["verdict_name"],
            order=_next_order(Verdict),
            level=data["level"],
            rationale_en=data["rationale_en"],
            rationale_ko=data["rationale_ko"],
            make_supported_en=data["make_supported_en"],
            make_supported_ko=data["make_supported_ko"],
        )
        for order, clause in enumerate(data["citations"], start=1):
            Citation.objects.create(verdict=verdict, clause=clause, order=order)
        verdict.modifiers.set(data["modifiers"])
        recorder.touched(verdict)
    for node in Node.objects.filter(question=question):
        lock(node, node.version)
        recorder.before(node)
        Edge.objects.create(node=node, value=choice.value, to_verdict=verdict)
        recorder.touched(node)
    return verdict


def add_answer(model_admin: PolicyAdmin, request: HttpRequest) -> HttpResponse:
    """Add a choice and its verdict in one step: check, see the impact, confirm, save."""
    if not (
        model_admin.has_add_permission(request)
        and request.user.has_perm("policy.add_verdict")
        and request.user.has_perm("policy.change_node")
    ):
        raise PermissionDenied
    form = AddAnswerForm(request.POST or None, initial={"question": _component_question()})
    refusal: EditRefused | None = None
    if request.method == "POST" and form.is_valid():
        recorder = revisions.Recorder()
        old_tree = current_tree()
        try:
            with transaction.atomic():
                verdict = save_new_answer(form.cleaned_data, recorder)
                number = finish_change(request, recorder, old_tree)
        except EditRefused as refused:
            refusal = refused
        except IntegrityError as error:
            refusal = EditRefused([str(error)])
        else:
            messages.success(
                request,
                _("Saved as revision %(number)s: %(key)s=%(value)s now leads to %(verdict)s.")
                % {
                    "number": number,
                    "key": form.cleaned_data["question"].key,
                    "value": form.cleaned_data["value"],
                    "verdict": verdict.name,
                },
            )
            return HttpResponseRedirect(reverse("admin:policy_verdict_change", args=[verdict.pk]))
    changes = getattr(refusal, "changes", None)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Add an answer with its verdict"),
        "opts": model_admin.opts,
        "form": form,
        "policy_refusal": refusal,
        "impact_changes": changes[:SHOWN_CHANGES] if changes else changes,
        "impact_total": len(changes) if changes else 0,
        "impact_token": getattr(refusal, "token", ""),
        "impact_field": IMPACT_TOKEN,
        "check_button": CHECK_BUTTON,
    }
    return TemplateResponse(request, "admin/policy/add_answer.html", context)


def _component_question() -> Question | None:
    return Question.objects.filter(nodes__is_start=True).first()


# -- revisions: history, diff, restore -------------------------------------------


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("number", "created", "user", "summary")
    list_display_links = ("number", "summary")
    search_fields = ("summary",)
    list_select_related = ("user",)
    change_list_template = "admin/policy/revision/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self):  # type: ignore[no-untyped-def]
        view = self.admin_site.admin_view
        return [
            path("compare/", view(self.compare_view), name="policy_revision_compare"),
            path(
                "restore/<int:number>/<str:model>/<int:pk>/",
                view(self.restore_view),
                name="policy_revision_restore",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        numbers = list(Revision.objects.order_by("-number").values_list("number", flat=True)[:200])
        return super().changelist_view(
            request, {**(extra_context or {}), "revision_numbers": numbers}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
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
                restored = restore(request, model, pk, number, target)
            except EditRefused as refused:
                refusal = refused
            else:
                messages.success(
                    request,
                    _("Restored %(object)s as of revision %(number)s (new revision %(new)s).")
                    % {"object": revisions.label(model, target), "number": number, "new": restored},
                )
                return HttpResponseRedirect(reverse(f"admin:policy_{model}_change", args=[pk]))
        changes = getattr(refusal, "changes", None)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore from revision %(number)s") % {"number": number},
            "opts": self.opts,
            "number": number,
            "target": target,
            "diff": revisions.object_diff(model, pk, current, target) if target else None,
            "object_label": revisions.label(model, target or current or {}),
            "current_version": getattr(current_obj, "version", ""),
            "policy_refusal": refusal,
            "impact_changes": changes[:SHOWN_CHANGES] if changes else changes,
            "impact_total": len(changes) if changes else 0,
            "impact_token": getattr(refusal, "token", ""),
            "impact_field": IMPACT_TOKEN,
            "check_button": CHECK_BUTTON,
        }
        return TemplateResponse(request, "admin/policy/revision/restore.html", context)


def restore(request: HttpRequest, model: str, pk: int, number: int, target: dict[str, Any]) -> int:
    """Write the object back as it was at revision ``number``, as a new revision."""
    recorder = revisions.Recorder()
    old_tree = current_tree()
    Model_ = revisions.SPECS[model].model
    with transaction.atomic():
        existing = Model_._default_manager.filter(pk=pk).first()
        if existing is not None:
            try:
                expected = int(request.POST.get("version", ""))
            except ValueError:
                expected = None
            lock(existing, expected)
            recorder.before(existing)
        try:
            with transaction.atomic():
                obj = revisions.apply_snapshot(model, pk, target)
        except revisions.RestoreError as error:
            raise EditRefused(error.problems) from error
        except IntegrityError as error:
            raise EditRefused([str(error)]) from error
        recorder.touched(obj)
        summary = _("restored %(object)s to revision %(number)s") % {
            "object": revisions.label(model, target),
            "number": number,
        }
        result = finish_change(request, recorder, old_tree, summary)
        if result is None:
            raise EditRefused([_("It is already in that state; nothing to restore.")])
    return result
