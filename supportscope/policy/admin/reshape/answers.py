"""Guided steps on answers: add an answer with its verdict (new or existing), and retire
an answer with its routes and whatever only it led to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportscope.policy import serial
from supportscope.policy.admin.base import current_tree
from supportscope.policy.admin.forms import (
    FILTER_LABEL,
    ClauseChoiceField,
    clause_choices,
    cleaned_of,
    set_choices,
)
from supportscope.policy.admin.reshape.steps import (
    done,
    require_perms,
    run_step,
    start_records,
    step_page,
)
from supportscope.policy.editing import reshaping
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import LEVEL_CHOICES, ChoiceGroup, Question, Verdict
from supportscope.policy.serial import Records


class AddAnswerForm(forms.Form):
    """A new choice for a question, and where it leads, as one change to the tree."""

    question = forms.ModelChoiceField(
        queryset=Question.objects.filter(nodes__isnull=False).distinct().order_by("order"),
        label=gettext_lazy("Question"),
        help_text=gettext_lazy(
            "Every node that asks it routes the new answer to the verdict; where each node "
            "offers one group of the answers (the first step), only the node of the new "
            "answer's group."
        ),
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
    citations = ClauseChoiceField(
        queryset=clause_choices(),
        required=False,
        label=gettext_lazy("Cited clauses"),
        widget=forms.SelectMultiple(
            attrs={"size": 8, "class": "clause-picker", "data-filter-label": FILTER_LABEL}
        ),
    )
    modifiers = forms.ModelMultipleChoiceField(
        queryset=Question.objects.filter(modifier__isnull=False),
        required=False,
        label=gettext_lazy("Modifiers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("E.g. preview: asked after the verdict, it can lower it."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = cleaned_of(self, super().clean())
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
        new_name = cleaned.get("verdict_name")
        if new_name and Verdict.objects.filter(name=new_name).exists():
            self.add_error(
                "verdict_name", _("A verdict named %(name)s exists.") % {"name": new_name}
            )
        return cleaned


# -- a new answer with its verdict --------------------------------------------------------


def add_answer(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """Add a choice and its verdict in one step: check, see the impact, confirm, save."""
    require_perms(request, "add_choice", "add_verdict", "change_node")
    form = AddAnswerForm(request.POST or None, initial={"question": _component_question()})
    refusal: EditRefused | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question: Question = data["question"]
        existing = data["existing_verdict"]
        choice = {
            "value": data["value"],
            "label_en": data["label_en"],
            "label_ko": data["label_ko"],
            "description_en": data["description_en"],
            "description_ko": data["description_ko"],
            "group": data["group"].key if data["group"] else None,
        }
        new_verdict = None
        if existing is None:
            new_verdict = {
                "name": data["verdict_name"],
                "level": data["level"],
                "rationale_en": data["rationale_en"],
                "rationale_ko": data["rationale_ko"],
                "make_supported_en": data["make_supported_en"],
                "make_supported_ko": data["make_supported_ko"],
                "citations": [clause.anchor for clause in data["citations"]],
                "modifiers": sorted(q.key for q in data["modifiers"]),
            }
        name = existing.name if existing else data["verdict_name"]

        def change(records: Records) -> Records:
            return reshaping.add_answer(
                records,
                question=question.key,
                choice=choice,
                verdict=existing.name if existing else None,
                new_verdict=new_verdict,
            )

        what = _("%(key)s=%(value)s now leads to %(verdict)s.") % {
            "key": question.key,
            "value": data["value"],
            "verdict": name,
        }
        result, refusal = run_step(
            request,
            change,
            _("added answer %(key)s=%(value)s") % {"key": question.key, "value": data["value"]},
        )
        if refusal is None:
            verdict = Verdict.objects.filter(name=name).first()
            url = (
                reverse("admin:policy_verdict_change", args=[verdict.pk])
                if verdict
                else reverse("admin:policy_question_changelist")
            )
            return done(request, result, what, url)
    return step_page(
        request,
        model_admin,
        title=_("Add an answer with its verdict"),
        intro="",
        form=form,
        refusal=refusal,
        template="admin/policy/add_answer.html",
    )


def _component_question() -> Question | None:
    """The question most new answers go to: the first one, or the one it groups (the
    first step's ``topic`` only picks a group of ``component``), as the engine reads
    the live tree."""
    return Question.objects.filter(key=current_tree().first_key).first()


# -- retiring an answer ----------------------------------------------------------------


class RetireAnswerForm(forms.Form):
    answer = forms.ChoiceField(label=gettext_lazy("Answer to retire"))

    def __init__(self, *args: Any, records: Records, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = serial.by_kind(records)
        rank = {q["key"]: i for i, q in enumerate(kinds["question"])}
        set_choices(
            self,
            "answer",
            [
                (f"{r['question']}={r['value']}", f"{r['question']}={r['value']} — {r['label_en']}")
                for r in sorted(
                    kinds["choice"], key=lambda r: (rank.get(r["question"], 0), r["order"])
                )
            ],
        )


def retire_answer(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """Remove an answer, its routes and what only it led to, in one step; old links
    carrying it get a notice and the question again."""
    require_perms(request, "delete_choice", "change_node")
    form = RetireAnswerForm(
        request.POST or None,
        records=start_records(request),
        initial={"answer": request.GET.get("answer")},
    )
    refusal: EditRefused | None = None
    if request.method == "POST" and form.is_valid():
        question, _sep, value = form.cleaned_data["answer"].partition("=")

        def change(records: Records) -> Records:
            return reshaping.retire_answer(records, question=question, value=value)

        what = _("%(key)s=%(value)s is retired.") % {"key": question, "value": value}
        result, refusal = run_step(
            request,
            change,
            _("retired answer %(key)s=%(value)s") % {"key": question, "value": value},
        )
        if refusal is None:
            return done(request, result, what, reverse("admin:policy_question_changelist"))
    return step_page(
        request,
        model_admin,
        title=_("Retire an answer"),
        intro=_(
            "The answer leaves the questions, with its routes, its overlays and any verdict "
            "or node that only it led to. Links that still carry it keep working: they show "
            "a notice and ask the question again. Check the verdict changes first."
        ),
        form=form,
        refusal=refusal,
    )
