"""The guided step that asks a new question on one path: its answers in both languages,
where each leads, and any new verdicts with their citations, checked as one change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportscope.policy import serial
from supportscope.policy.admin.forms import (
    FILTER_LABEL,
    ClauseChoiceField,
    clause_choices,
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
from supportscope.policy.models import LEVEL_CHOICES, Node, Verdict
from supportscope.policy.serial import Records


def _route_choices(records: Records) -> list[tuple[str, str]]:
    out = []
    for node in serial.by_kind(records)["node"]:
        for value, target in node["edges"].items():
            label = f"{node['question']}={value} (node {node['name']}) → {target}"
            out.append((f"{node['name']}|{value}", label))
    return out


class FollowUpForm(forms.Form):
    at = forms.ChoiceField(
        label=gettext_lazy("Ask it after this answer"),
        help_text=gettext_lazy("The path this answer ends in now gets the new question."),
    )
    key = forms.SlugField(
        label=gettext_lazy("Question key"),
        help_text=gettext_lazy("The query parameter name (public contract), e.g. network-plugin."),
    )
    text_en = forms.CharField(label=gettext_lazy("Question (English)"), max_length=300)
    text_ko = forms.CharField(label=gettext_lazy("Question (Korean)"), max_length=300)
    help_en = forms.CharField(label=gettext_lazy("Help (English)"), max_length=300, required=False)
    help_ko = forms.CharField(label=gettext_lazy("Help (Korean)"), max_length=300, required=False)
    allow_unknown = forms.BooleanField(label=gettext_lazy("Offer “don't know”"), required=False)

    def __init__(self, *args: Any, records: Records, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = records
        set_choices(self, "at", _route_choices(self.records))

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"]
        if reshaping.find(self.records, "question", key) is not None:
            raise forms.ValidationError(_("A question %(key)s exists.") % {"key": key})
        return key


class NewChoiceForm(forms.Form):
    value = forms.SlugField(label=gettext_lazy("Value"))
    label_en = forms.CharField(label=gettext_lazy("Label (English)"), max_length=200)
    label_ko = forms.CharField(label=gettext_lazy("Label (Korean)"), max_length=200)
    leads_to = forms.CharField(
        label=gettext_lazy("Leads to"),
        help_text=gettext_lazy("An existing verdict or node, or a new verdict named below."),
        widget=forms.TextInput(attrs={"list": "route-targets"}),
    )


class NewVerdictForm(forms.Form):
    name = forms.SlugField(label=gettext_lazy("New verdict name"))
    level = forms.ChoiceField(choices=[("", "—"), *LEVEL_CHOICES], label=gettext_lazy("Level"))
    rationale_en = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Rationale (English)")
    )
    rationale_ko = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Rationale (Korean)")
    )
    citations = ClauseChoiceField(
        queryset=clause_choices(),
        label=gettext_lazy("Cited clauses"),
        widget=forms.SelectMultiple(
            attrs={"size": 6, "class": "clause-picker", "data-filter-label": FILTER_LABEL}
        ),
    )


ChoiceRows = formset_factory(NewChoiceForm, extra=1, min_num=2, validate_min=True)
VerdictRows = formset_factory(NewVerdictForm, extra=1)


def _filled(formset: Any) -> list[dict[str, Any]]:
    return [row.cleaned_data for row in formset.forms if row.has_changed() and row.cleaned_data]


def add_follow_up(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """A new question asked on one path, its answers, where they lead, and any new
    verdicts with their citations: one step, checked as a whole."""
    require_perms(request, "add_question", "add_node", "change_node", "add_verdict")
    data = request.POST if request.method == "POST" else None
    form = FollowUpForm(data, records=start_records(request))
    choices = ChoiceRows(data, prefix="choice")
    verdicts = VerdictRows(data, prefix="verdict")
    refusal: EditRefused | None = None
    if data is not None and form.is_valid() & choices.is_valid() & verdicts.is_valid():
        node, _sep, value = form.cleaned_data["at"].partition("|")
        question = {
            k: form.cleaned_data[k]
            for k in ("key", "text_en", "text_ko", "help_en", "help_ko", "allow_unknown")
        }
        new_choices = [
            reshaping.NewChoice(row["value"], row["label_en"], row["label_ko"], row["leads_to"])
            for row in _filled(choices)
        ]
        new_verdicts = [
            {
                **{k: row[k] for k in ("name", "level", "rationale_en", "rationale_ko")},
                "citations": [clause.anchor for clause in row["citations"]],
            }
            for row in _filled(verdicts)
        ]

        def change(records: Records) -> Records:
            return reshaping.add_follow_up(
                records,
                node=node,
                value=value,
                question=question,
                choices=new_choices,
                new_verdicts=new_verdicts,
            )

        what = _("%(key)s is asked after %(node)s answered %(value)s.") % {
            "key": question["key"],
            "node": node,
            "value": value,
        }
        result, refusal = run_step(
            request, change, _("added follow-up question %(key)s") % {"key": question["key"]}
        )
        if refusal is None:
            return done(request, result, what, reverse("admin:policy_question_changelist"))
    targets = [
        *Verdict.objects.values_list("name", flat=True),
        *Node.objects.values_list("name", flat=True),
    ]
    return step_page(
        request,
        model_admin,
        title=_("Add a follow-up question"),
        intro=_(
            "A new fact decides the verdict on one path: pick the answer after which it is "
            "asked, write the question and its answers in both languages, and say where each "
            "answer leads: an existing verdict, or a new one described below with its "
            "citations. Everything is checked as one change."
        ),
        form=form,
        formsets=[(_("Its answers"), choices), (_("New verdicts (optional)"), verdicts)],
        refusal=refusal,
        extra={"route_targets": targets},
    )
