"""Drafts in the admin: open one, edit any object in it, preview the site under it, read
its impact report, publish it (now or at a time), rebase or discard it. Thin views over
``editing`` and ``drafts_report``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Field, Model
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supportscope.policy import drafts_report, revisions, serial
from supportscope.policy.editing.checks import ConfirmationNeeded
from supportscope.policy.editing.drafts import (
    discard_draft,
    edit_draft,
    open_draft,
    publish_draft,
    rebase_draft,
    schedule_draft,
)
from supportscope.policy.editing.reshaping import delete_record, set_record
from supportscope.policy.integrity import EditRefused
from supportscope.policy.models import Draft
from supportscope.policy.preview import PREVIEW_COOKIE

# Kinds an admin adds or edits one by one in a draft, in the order the page lists them.
EDITABLE = ("section", "clause", "choicegroup", "question", "choice", "verdict", "node", "modifier")


# -- the form of one record ----------------------------------------------------------


def _excerpt(text: str, size: int = 90) -> str:
    flat = " ".join(text.split())
    return flat[:size] + ("…" if len(flat) > size else "")


def _pairs_text(mapping: dict[str, Any]) -> str:
    return "\n".join(f"{value} -> {target or '-'}" for value, target in mapping.items())


def _parse_pairs(text: str, allow_none: bool) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        value, sep, target = line.partition("->")
        value, target = value.strip(), target.strip()
        if not sep or not value or not target:
            raise forms.ValidationError(
                _("Line %(n)s: write “value -> target”, not %(line)r.")
                % {"n": number, "line": line}
            )
        out[value] = None if allow_none and target == "-" else target
    return out


FILTER_LABEL = gettext_lazy("Filter clauses")


def _model_field(model: type[Model], name: str) -> Field[Any, Any]:
    """The column ``name`` of ``model`` (the serial specs name no reverse relations)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _form_field(model: type[Model], name: str) -> forms.Field:
    """The form field Django makes for the column ``name`` of ``model``."""
    field = _model_field(model, name).formfield()
    if field is None:
        raise TypeError(f"{model.__name__}.{name} has no form field")
    return field


class RecordForm(forms.Form):
    """The editable fields of one kind of policy object, from its ``serial`` spec; related
    objects are picked by natural key among the draft's own records."""

    def __init__(self, *args: Any, kind: str, records: serial.Records, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        spec = serial.SPECS[kind]
        by_kind = serial.by_kind(records)
        for name in spec.fields:
            field = _form_field(spec.model, name)
            if name == "order":
                field.help_text = _("Position among its siblings (1 = first).")
            self.fields[name] = field
        for name, (model, _attr) in spec.keys.items():
            related = serial.kind_of(model)
            options = [(serial.SPECS[related].ident(r),) * 2 for r in by_kind[related]]
            optional = _model_field(spec.model, name).null
            self.fields[name] = forms.ChoiceField(
                choices=[("", "—")] * optional + options,
                required=not optional,
                label=_model_field(spec.model, name).verbose_name,
            )
        if "citations" in spec.extras:
            self.fields["citations"] = forms.MultipleChoiceField(
                choices=[
                    (
                        serial.SPECS["clause"].ident(r),
                        f"{serial.SPECS['clause'].ident(r)} — {_excerpt(r['body_en'])}",
                    )
                    for r in by_kind["clause"]
                    if not r["retired"]
                ],
                label=_("Cited clauses"),
                widget=forms.SelectMultiple(
                    attrs={"size": 10, "class": "clause-picker", "data-filter-label": FILTER_LABEL}
                ),
            )
        if "modifiers" in spec.extras:
            modifier_keys = {r["question"] for r in by_kind["modifier"]}
            self.fields["modifiers"] = forms.MultipleChoiceField(
                choices=[(k, k) for k in sorted(modifier_keys)],
                required=False,
                label=_("Modifiers"),
                widget=forms.CheckboxSelectMultiple,
            )
        if "edges" in spec.extras:
            self.fields["edges"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 6}),
                label=_("Routes"),
                help_text=_("One per line: answer value -> node or verdict name."),
            )
        if "overlays" in spec.extras:
            self.fields["overlays"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}),
                label=_("Overlays"),
                required=False,
                help_text=_("One per line: answer value -> verdict name, or - for none."),
            )

    @classmethod
    def initial_of(cls, kind: str, record: serial.Record) -> dict[str, Any]:
        initial = dict(record)
        if "edges" in record:
            initial["edges"] = _pairs_text(record["edges"])
        if "overlays" in record:
            initial["overlays"] = _pairs_text(record["overlays"])
        return initial

    def clean_edges(self) -> dict[str, str | None]:
        return _parse_pairs(self.cleaned_data["edges"], allow_none=False)

    def clean_overlays(self) -> dict[str, str | None]:
        return _parse_pairs(self.cleaned_data.get("overlays") or "", allow_none=True)

    def record(self) -> serial.Record:
        spec = serial.SPECS[self.kind]
        out: serial.Record = {}
        for name in spec.fields:
            value = self.cleaned_data.get(name)
            out[name] = "" if value is None and name not in spec.scalars else value
        for name in spec.keys:
            out[name] = self.cleaned_data.get(name) or None
        if "citations" in spec.extras:
            out["citations"] = list(self.cleaned_data["citations"])
        if "modifiers" in spec.extras:
            out["modifiers"] = sorted(self.cleaned_data["modifiers"])
        for name in ("edges", "overlays"):
            if name in spec.extras:
                out[name] = self.cleaned_data[name]
        return out


class OpenDraftForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("What is this change?"),
        max_length=200,
        help_text=gettext_lazy("For example: “March 2027 policy update”."),
    )


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=gettext_lazy("Publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=gettext_lazy("In the server's time zone (UTC)."),
    )


# -- the admin -----------------------------------------------------------------------------


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin[Draft]):
    list_display = ("title", "state_display", "created_by", "created", "base_revision")
    list_filter = ("state",)
    search_fields = ("title",)

    @admin.display(description=gettext_lazy("state"))
    def state_display(self, obj: Draft) -> str:
        if obj.state == Draft.OPEN and obj.publish_at:
            return _("scheduled for %(when)s") % {
                "when": timezone.localtime(obj.publish_at).strftime("%Y-%m-%d %H:%M %Z")
            }
        if obj.state == Draft.PUBLISHED:
            return _("published as revision %(n)s") % {"n": obj.published_revision}
        return obj.get_state_display()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _may_edit_policy(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # discard keeps the record of what was proposed

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/edit/<str:key>/", view(self.edit_view), name="policy_draft_edit"),
            path("<int:pk>/impact/", view(self.impact_view), name="policy_draft_impact"),
            path("<int:pk>/act/<str:action>/", view(self.act_view), name="policy_draft_act"),
            *super().get_urls(),
        ]

    def _draft(self, request: HttpRequest, pk: int, write: bool = False) -> Draft:
        draft = get_object_or_404(Draft, pk=pk)
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        if write and not self.has_change_permission(request, draft):
            raise PermissionDenied
        return draft

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not (self.has_add_permission(request) and _may_edit_policy(request)):
            raise PermissionDenied
        form = OpenDraftForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            draft = open_draft(form.cleaned_data["title"], user=request.user)
            messages.success(request, _("Draft opened. The live policy is untouched."))
            return HttpResponseRedirect(reverse("admin:policy_draft_change", args=[draft.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Open a draft"),
            "opts": self.opts,
            "form": form,
            "intro": _(
                "A draft is a copy of the live policy. Change as many objects in it as you "
                "need, preview the site under it, read its impact report, then publish it "
                "as one revision, now or at a set time."
            ),
        }
        return TemplateResponse(request, "admin/policy/draft/open.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not str(object_id).isdigit():
            raise Http404
        draft = self._draft(request, int(object_id))
        report = drafts_report.changes(draft)
        kind = request.GET.get("kind", "verdict")
        kind = kind if kind in EDITABLE else "verdict"
        objects = sorted(
            (
                (key, serial.label(kind, record))
                for key, record in draft.records.items()
                if serial.split_ref(key)[0] == kind
            ),
            key=lambda item: item[1],
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Draft: %(title)s") % {"title": draft.title},
            "opts": self.opts,
            "draft": draft,
            "diffs": report.diffs,
            "live_moved": report.live_moved,
            "kinds": [(k, serial.SPECS[k].model._meta.verbose_name_plural) for k in EDITABLE],
            "kind": kind,
            "objects": objects,
            "previewing": request.COOKIES.get(PREVIEW_COOKIE) == str(draft.pk),
            "schedule_form": ScheduleForm(
                initial={"publish_at": draft.publish_at and timezone.localtime(draft.publish_at)}
            ),
            "can_edit": draft.state == Draft.OPEN and self.has_change_permission(request, draft),
        }
        return TemplateResponse(request, "admin/policy/draft/detail.html", context)

    def edit_view(self, request: HttpRequest, pk: int, key: str) -> HttpResponse:
        """One object of the draft (``kind:new`` adds one)."""
        draft = self._draft(request, pk, write=True)
        kind, ident = serial.split_ref(key)
        if kind not in EDITABLE or (ident != "new" and key not in draft.records):
            raise Http404
        record = draft.records.get(key, {})
        data = request.POST if request.method == "POST" else None
        initial = RecordForm.initial_of(kind, record) if record else {}
        form = RecordForm(data, kind=kind, records=draft.records, initial=initial)
        refusal: EditRefused | None = None
        change: Any = None
        if data is not None and "_delete" in data:
            change, done = (
                (lambda records: delete_record(records, key)),
                _("Removed from the draft: %(o)s") % {"o": serial.label(kind, record)},
            )
        elif data is not None and form.is_valid():
            new = form.record()
            change, done = (
                (lambda records: set_record(records, key, new)),
                _("Saved in the draft: %(o)s") % {"o": serial.label(kind, new)},
            )
        if change is not None and data is not None:
            try:
                edit_draft(pk, change, expected_version=_int(data.get("draft_version")))
            except EditRefused as refused:
                refusal = refused
            else:
                messages.success(request, done)
                return _back(draft, kind)
        if refusal is not None:
            for problem in refusal.problems:
                form.add_error(None, problem)
        base = draft.base.get(key)
        context = {
            **self.admin_site.each_context(request),
            "title": (
                _("Add a %(kind)s to the draft")
                if ident == "new"
                else _("Edit %(kind)s in the draft")
            )
            % {"kind": serial.SPECS[kind].model._meta.verbose_name},
            "subtitle": serial.label(kind, record) if record else "",
            "opts": self.opts,
            "draft": draft,
            "form": form,
            "key": key,
            "is_new": ident == "new",
            "diff": revisions.object_diff(kind, 0, base, record)
            if record and base != record
            else None,
        }
        return TemplateResponse(request, "admin/policy/draft/edit.html", context)

    def impact_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        draft = self._draft(request, pk)
        report = drafts_report.draft_impact(draft)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Impact of draft “%(title)s”") % {"title": draft.title},
            "opts": self.opts,
            "draft": draft,
            "report": report,
            "can_edit": draft.state == Draft.OPEN and self.has_change_permission(request, draft),
        }
        return TemplateResponse(request, "admin/policy/draft/impact.html", context)

    def act_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        return _act(self, request, pk, action)


def _int(raw: Any) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() else None


def _back(draft: Draft, kind: str = "") -> HttpResponse:
    url = reverse("admin:policy_draft_change", args=[draft.pk])
    return HttpResponseRedirect(url + (f"?kind={kind}" if kind else ""))


def _may_edit_policy(request: HttpRequest) -> bool:
    user = request.user
    return all(
        user.has_perm(f"policy.{action}_{kind}")
        for kind in EDITABLE
        for action in ("add", "change", "delete")
    )


ACTIONS = (
    "publish",
    "schedule",
    "unschedule",
    "discard",
    "rebase",
    "preview",
    "unpreview",
    "revert",
)


def _act(model_admin: DraftAdmin, request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in ACTIONS:
        return HttpResponse(
            _("Unknown action %(action)s; expected one of %(allowed)s.")
            % {"action": action, "allowed": ", ".join(ACTIONS)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if action in ("preview", "unpreview"):
        draft = model_admin._draft(request, pk)
        return _preview(request, draft, action == "preview")
    draft = model_admin._draft(request, pk, write=True)
    try:
        if action == "publish":
            saved = publish_draft(
                pk,
                user=request.user,
                confirm=request.POST.get("_impact") or "",
                rebase=False,
            )
            messages.success(
                request,
                _("Published as revision %(n)s.") % {"n": saved.revision}
                if saved.revision
                else _("The draft changed nothing; it is closed."),
            )
        elif action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise EditRefused([str(e) for errors in form.errors.values() for e in errors])
            when: datetime = form.cleaned_data["publish_at"]
            schedule_draft(pk, when)
            messages.success(
                request,
                _("Scheduled: the draft goes live at %(when)s.")
                % {"when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M %Z")},
            )
        elif action == "unschedule":
            schedule_draft(pk, None)
            messages.success(request, _("No longer scheduled."))
        elif action == "discard":
            discard_draft(pk)
            messages.success(request, _("Draft discarded; the live policy is untouched."))
            return HttpResponseRedirect(reverse("admin:policy_draft_changelist"))
        elif action == "rebase":
            merged = rebase_draft(pk, expected_version=_int(request.POST.get("version")))
            messages.success(
                request,
                _("Rebased: the draft now includes the live changes to %(objects)s.")
                % {"objects": ", ".join(merged.theirs) or _("nothing")},
            )
        elif action == "revert":
            key = request.POST.get("key", "")

            def revert(records: serial.Records) -> serial.Records:
                out = dict(records)
                if key in draft.base:
                    out[key] = draft.base[key]
                else:
                    out.pop(key, None)
                return out

            edit_draft(pk, revert, expected_version=None)
            messages.success(request, _("That object is back as it is live."))
    except ConfirmationNeeded:
        messages.warning(
            request,
            _(
                "The impact changed since you read it (the draft or the live policy moved). "
                "Read the report again, then publish."
            ),
        )
        return HttpResponseRedirect(reverse("admin:policy_draft_impact", args=[pk]))
    except EditRefused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
        if action == "publish":
            return HttpResponseRedirect(reverse("admin:policy_draft_impact", args=[pk]))
    return _back(draft)


def _preview(request: HttpRequest, draft: Draft, on: bool) -> HttpResponse:
    if on:
        response: HttpResponse = HttpResponseRedirect(reverse("triage"))
        response.set_cookie(
            PREVIEW_COOKIE,
            str(draft.pk),
            max_age=8 * 3600,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response
    response = _back(draft)
    response.delete_cookie(PREVIEW_COOKIE, samesite="Lax")
    return response
