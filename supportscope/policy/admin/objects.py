"""The admin of each policy object: sections and clauses, questions and choices, verdicts,
routes and modifiers. Saving goes through ``PolicyAdmin`` (and so through ``editing``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from supportscope.policy import impact
from supportscope.policy.admin.base import (
    SHOWN_CHANGES,
    PolicyAdmin,
    PolicyInline,
    ReadOnlyAdmin,
    citing_context,
    current_tree,
)
from supportscope.policy.admin.forms import (
    FILTER_LABEL,
    MARKDOWN_FIELDS,
    PolicyInlineFormSet,
    RowForm,
    VersionedForm,
    clause_choices,
    clause_label,
    preview_html,
)
from supportscope.policy.admin.reshape import answers, clauses, follow_up
from supportscope.policy.integrity import cited_clause_message, citing_verdicts
from supportscope.policy.models import (
    Choice,
    ChoiceGroup,
    Citation,
    Clause,
    Edge,
    Modifier,
    Node,
    Overlay,
    Question,
    RetiredAnswer,
    Section,
    Verdict,
)

# -- sections and clauses --------------------------------------------------------


class ClauseInline(PolicyInline):
    model = Clause
    fields = ("version", "order", "key", "kind", "retired", "body_en", "body_ko")
    show_change_link = True
    ordering = ("order",)
    formfield_overrides = {
        Clause._meta.get_field("body_en").__class__: {"widget": forms.Textarea(attrs={"rows": 3})}
    }


class SectionClauseForm(RowForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _check_retire(self)
        return cleaned


def _check_retire(form: forms.ModelForm[Any]) -> None:
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
        section, order = cleaned.get("section"), cleaned.get("order")
        if section is None or order is None:
            return cleaned
        taken = Clause.objects.filter(section=section, order=order).exclude(pk=self.instance.pk)
        other = taken.first()
        if other is not None:
            self.add_error(
                "order",
                _("Clause %(anchor)s already has position %(order)s in this section. Use "
                  "“Move within the section” below: the other clauses renumber.")
                % {"anchor": other.anchor, "order": order},
            )  # fmt: skip
        return cleaned


class ClauseFormSet(PolicyInlineFormSet):
    """A section's clause table: no two clauses share a position."""

    def clean(self) -> None:
        super().clean()
        seen: dict[int, str] = {}
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            order = getattr(form, "cleaned_data", {}).get("order")
            key = getattr(form, "cleaned_data", {}).get("key", "")
            if order is None:
                continue
            if order in seen:
                raise forms.ValidationError(
                    _("Clauses %(a)s and %(b)s share position %(order)s; give each its own.")
                    % {"a": seen[order], "b": key, "order": order}
                )
            seen[order] = key


ClauseInline.formset = ClauseFormSet


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
        tools = {
            "move": reverse("admin:policy_clause_move", args=[obj.pk]),
            "cite": reverse("admin:policy_clause_cite", args=[obj.pk]),
        }
        return {**citing_context([obj.anchor]), "clause_tools": tools}

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "preview/",
                self.admin_site.admin_view(markdown_preview),
                name="policy_markdown_preview",
            ),
            path(
                "<int:pk>/move/",
                self.admin_site.admin_view(partial(clauses.move_clause, self)),
                name="policy_clause_move",
            ),
            path(
                "<int:pk>/cite/",
                self.admin_site.admin_view(partial(clauses.cite_clause, self)),
                name="policy_clause_cite",
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

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "add-answer/",
                self.admin_site.admin_view(self.add_answer_view),
                name="policy_add_answer",
            ),
            path(
                "add-follow-up/",
                self.admin_site.admin_view(partial(follow_up.add_follow_up, self)),
                name="policy_add_follow_up",
            ),
            path(
                "retire-answer/",
                self.admin_site.admin_view(partial(answers.retire_answer, self)),
                name="policy_retire_answer",
            ),
            *super().get_urls(),
        ]

    def add_answer_view(self, request: HttpRequest) -> HttpResponse:
        return answers.add_answer(self, request)


@admin.register(ChoiceGroup)
class ChoiceGroupAdmin(PolicyAdmin):
    list_display = ("order", "key", "label_en", "label_ko")
    list_display_links = ("key",)
    fields = ("key", "order", "label_en", "label_ko", "version")


# -- verdicts, routes, modifiers -----------------------------------------------


class CitationInline(PolicyInline):
    model = Citation
    form = forms.ModelForm
    fields = ("order", "clause")
    ordering = ("order",)
    autocomplete_fields = ()
    min_num = 1

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "clause":
            # The picker shows each clause's text and can be filtered as one types.
            kwargs["queryset"] = clause_choices()
            kwargs["form_class"] = ClausePickField
            kwargs["widget"] = forms.Select(
                attrs={"class": "clause-picker", "data-filter-label": FILTER_LABEL}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClausePickField(forms.ModelChoiceField[Clause]):
    def label_from_instance(self, obj: Clause) -> str:
        return clause_label(obj)


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

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "modifiers":  # only questions that are modifiers can be one
            kwargs["queryset"] = Question.objects.filter(modifier__isnull=False)
            kwargs["help_text"] = _("Questions set up as modifiers, such as preview.")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

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
    form = forms.ModelForm
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
    form = forms.ModelForm
    fields = ("value", "verdict")
    ordering = ("value",)


@admin.register(Modifier)
class ModifierAdmin(PolicyAdmin):
    list_display = ("question",)
    fields = ("question", "version")
    inlines = [OverlayInline]


@admin.register(RetiredAnswer)
class RetiredAnswerAdmin(ReadOnlyAdmin):
    """Answers removed from the tree; links carrying them get a notice. Read-only."""

    list_display = ("question", "value", "label_en", "label_ko")
    search_fields = ("question", "value", "label_en", "label_ko")
