"""Guided steps from a clause's page: move it within its section (the others renumber),
and cite it in chosen verdicts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportscope.policy.admin.forms import set_choices
from supportscope.policy.admin.reshape.steps import done, require_perms, run_step, step_page
from supportscope.policy.editing import reshaping
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Clause, Verdict
from supportscope.policy.serial import Records


def move_clause(model_admin: Any, request: HttpRequest, pk: int) -> HttpResponse:
    require_perms(request, "change_clause")
    clause = get_object_or_404(Clause.objects.select_related("section"), pk=pk)
    siblings = list(clause.section.clauses.order_by("order", "pk"))
    positions = [
        (str(i), f"{i} — {s.key}" + (" " + _("(now)") if s.pk == clause.pk else ""))
        for i, s in enumerate(siblings, start=1)
    ]
    form = MoveForm(
        request.POST or None,
        positions=positions,
        initial={"position": str(siblings.index(clause) + 1)},
    )
    refusal: EditRefused | None = None
    if request.method == "POST" and form.is_valid():
        position = int(form.cleaned_data["position"])

        def change(records: Records) -> Records:
            return reshaping.move_clause(records, anchor=clause.anchor, position=position)

        what = _("%(anchor)s is now at position %(position)s.") % {
            "anchor": clause.anchor,
            "position": position,
        }
        result, refusal = run_step(
            request, change, _("moved clause %(anchor)s") % {"anchor": clause.anchor}
        )
        if refusal is None:
            url = reverse("admin:policy_section_change", args=[clause.section_id])
            return done(request, result, what, url)
    return step_page(
        request,
        model_admin,
        title=_("Move %(anchor)s within its section") % {"anchor": clause.anchor},
        intro=_("The other clauses of the section renumber; no two share a position."),
        form=form,
        refusal=refusal,
    )


class MoveForm(forms.Form):
    position = forms.ChoiceField(label=gettext_lazy("New position"))

    def __init__(self, *args: Any, positions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "position", positions)


class CiteForm(forms.Form):
    verdicts = forms.MultipleChoiceField(
        label=gettext_lazy("Verdicts that should cite it"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "verdict-picker"}),
    )

    def __init__(self, *args: Any, anchor: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(
            self,
            "verdicts",
            [
                (
                    v.name,
                    f"{v.name} ({v.get_level_display()}) — {' '.join(v.rationale_en.split())[:80]}",
                )
                for v in Verdict.objects.exclude(citations__clause__in=_clause_by_anchor(anchor))
            ],
        )


def _clause_by_anchor(anchor: str) -> Any:
    slug, _sep, key = anchor.partition("--")
    return Clause.objects.filter(section__slug=slug, key=key)


def cite_clause(model_admin: Any, request: HttpRequest, pk: int) -> HttpResponse:
    """Add this clause as a citation of chosen verdicts, from the clause's page."""
    require_perms(request, "change_verdict")
    clause = get_object_or_404(Clause.objects.select_related("section"), pk=pk)
    form = CiteForm(request.POST or None, anchor=clause.anchor)
    refusal: EditRefused | None = None
    if request.method == "POST" and form.is_valid():
        names = form.cleaned_data["verdicts"]

        def change(records: Records) -> Records:
            return reshaping.cite_clause(records, anchor=clause.anchor, verdicts=names)

        what = _("%(anchor)s is cited by %(verdicts)s.") % {
            "anchor": clause.anchor,
            "verdicts": ", ".join(names),
        }
        result, refusal = run_step(
            request, change, _("cited %(anchor)s") % {"anchor": clause.anchor}
        )
        if refusal is None:
            return done(
                request, result, what, reverse("admin:policy_clause_change", args=[clause.pk])
            )
    return step_page(
        request,
        model_admin,
        title=_("Cite %(anchor)s in verdicts") % {"anchor": clause.anchor},
        intro=" ".join(clause.body_en.split()),
        form=form,
        refusal=refusal,
        extra={"filter_label": _("Filter verdicts")},
    )
