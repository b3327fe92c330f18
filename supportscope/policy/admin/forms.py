"""Forms of the policy admin: versions and three-way merges, checked deletions, Markdown
with a live preview, and the clause picker (clauses listed with the start of their text)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.models import BaseInlineFormSet
from django.forms.renderers import BaseRenderer
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportscope.core.rendering import render_markdown
from supportscope.policy import revisions
from supportscope.policy.integrity import cited_clause_message, citing_verdicts
from supportscope.policy.models import Clause, Revision, Versioned

MARKDOWN_FIELDS = (
    "body_en",
    "body_ko",
    "rationale_en",
    "rationale_ko",
    "make_supported_en",
    "make_supported_ko",
)


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


def cleaned_of(form: forms.BaseForm, cleaned: dict[str, Any] | None) -> dict[str, Any]:
    """What a ``clean()`` returned; when that is None, Django keeps the form's cleaned data."""
    return form.cleaned_data if cleaned is None else cleaned


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[str, str]]) -> None:
    """Give the choice field ``name`` of ``form`` its choices (``form.fields`` holds Fields)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = choices


class VersionedForm(forms.ModelForm[Any]):
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

    # The object's own form always checks; a row of an inline table only when edited.
    check_always = True

    def clean(self) -> dict[str, Any]:
        cleaned = cleaned_of(self, super().clean())
        if self.instance.pk is not None and (self.check_always or self.has_changed()):
            self.check_version()
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
            # Bound data is a QueryDict (or a dict in tests): both copy; the stubs say Mapping.
            data = self.data.copy()  # type: ignore[attr-defined]
            self.conflict = self._merge(data)
            if self.conflict.both:
                message = _(
                    "Someone else saved this %(object)s while you were editing it, so your "
                    "save was refused. Your text is kept in the form; their saved version is "
                    "shown above the form. Merge what you need and save again to replace theirs."
                )
            else:
                message = _(
                    "Someone else saved this %(object)s while you were editing it, so your "
                    "save was refused. None of the fields you changed were changed by them; "
                    "their changes are now in the form. Check it and save again."
                )
            self.add_error(None, message % {"object": model._meta.verbose_name})
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


class RowForm(VersionedForm):
    """A row of an inline table: its version is checked only when the row was edited."""

    check_always = False


class PolicyInlineFormSet(BaseInlineFormSet[Any, Any, Any]):
    """Checks what row forms cannot: deletions of rows that others edited or verdicts cite.

    A table row has no label per cell, so each field is named for assistive technology
    by its column and row ("Clause, row 2").
    """

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        row = _("new row") if index is None else _("row %(n)s") % {"n": index + 1}
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = _("Delete") if name == "DELETE" else str(field.label or name)
            widget = getattr(field.widget, "widget", field.widget)  # inside the +/✎ wrapper
            widget.attrs.setdefault("aria-label", f"{label}, {row}")

    def clean(self) -> None:
        super().clean()
        problems = []
        # Not ``deleted_forms``: that is empty as soon as any row has an error, such as
        # Django's own "protected related objects" on a cited clause.
        for form in self.forms:
            # _should_delete_form: Django's formset API, private, so not in the stubs.
            if not (self.can_delete and self._should_delete_form(form)):  # type: ignore[attr-defined]
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

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
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


# -- the clause picker ------------------------------------------------------------------

FILTER_LABEL = gettext_lazy("Filter clauses")


def clause_label(clause: Clause) -> str:
    """A clause with the start of its text, so an admin picks by content."""
    text = " ".join(clause.body_en.split())
    return f"{clause.anchor} — {text[:90]}{'…' if len(text) > 90 else ''}"


class ClauseChoiceField(forms.ModelMultipleChoiceField[Clause]):
    """Clauses listed with the start of their text, so an admin picks by content."""

    def label_from_instance(self, obj: Clause) -> str:
        return clause_label(obj)


def clause_choices() -> Any:
    return Clause.objects.select_related("section").filter(retired=False)
