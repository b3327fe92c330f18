"""Reshaping the tree in guided, checked steps: thin views over ``editing``.

Each step is a form that builds one change of records (``reshaping.add_answer``,
``add_follow_up``, ``retire_answer``, ``move_clause``, ``cite_clause``). Opened from a
draft (``?draft=<id>``), the step goes into the draft; otherwise it is checked, its
verdict changes shown for confirmation, and published as one revision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportscope.policy import serial
from supportscope.policy.admin.base import impact_panel, wants
from supportscope.policy.admin.forms import cleaned_of, set_choices
from supportscope.policy.editing import reshaping
from supportscope.policy.editing.drafts import edit_draft
from supportscope.policy.editing.live import live_records, publish_records
from supportscope.policy.editing.reshaping import NewChoice, find
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import (
    LEVEL_CHOICES,
    ChoiceGroup,
    Clause,
    Draft,
    Node,
    Question,
    Verdict,
)
from supportscope.policy.serial import Records

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


def _draft_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("draft") or request.GET.get("draft") or ""
    return int(raw) if raw.isascii() and raw.isdigit() else None


def run_step(
    request: HttpRequest, change: Callable[[Records], Records], summary: str
) -> tuple[int | None, EditRefused | None]:
    """Apply one step: into the draft the page was opened from, or live as one checked
    revision. Returns (revision or draft id, refusal)."""
    draft_id = _draft_id(request)
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
    draft_id = _draft_id(request)
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


def _done(request: HttpRequest, result: int | None, message: str, live_url: str) -> HttpResponse:
    draft_id = _draft_id(request)
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


def _require_change(request: HttpRequest, *perms: str) -> None:
    if not all(request.user.has_perm(f"policy.{perm}") for perm in perms):
        raise PermissionDenied


# -- a new answer with its verdict --------------------------------------------------------


def add_answer(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """Add a choice and its verdict in one step: check, see the impact, confirm, save."""
    _require_change(request, "add_choice", "add_verdict", "change_node")
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
            return _done(request, result, what, url)
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
    return Question.objects.filter(nodes__is_start=True).first()


# -- a follow-up question on a path ----------------------------------------------------------


def _records(request: HttpRequest) -> Records:
    """The policy a step starts from: the draft it was opened from, or the live policy."""
    draft_id = _draft_id(request)
    draft = Draft.objects.filter(pk=draft_id).first() if draft_id is not None else None
    return draft.records if draft is not None else live_records()


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
        if find(self.records, "question", key) is not None:
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
    _require_change(request, "add_question", "add_node", "change_node", "add_verdict")
    data = request.POST if request.method == "POST" else None
    form = FollowUpForm(data, records=_records(request))
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
            NewChoice(row["value"], row["label_en"], row["label_ko"], row["leads_to"])
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
            return _done(request, result, what, reverse("admin:policy_question_changelist"))
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
    _require_change(request, "delete_choice", "change_node")
    form = RetireAnswerForm(
        request.POST or None,
        records=_records(request),
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
            return _done(request, result, what, reverse("admin:policy_question_changelist"))
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


# -- a clause's page: move it, cite it -------------------------------------------------------


def move_clause(model_admin: Any, request: HttpRequest, pk: int) -> HttpResponse:
    _require_change(request, "change_clause")
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
            return _done(request, result, what, url)
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
    _require_change(request, "change_verdict")
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
            return _done(
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
