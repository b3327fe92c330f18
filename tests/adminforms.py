"""Helpers for admin tests: the POST data an admin's browser would send for a change form,
and opening a draft as an admin does."""

from __future__ import annotations

from typing import Any

from supportscope.policy.models import Draft


def _value(bound: Any) -> Any:
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def _initial(value: Any) -> Any:
    """A field's loaded value as its hidden "initial-" input posts it."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(getattr(item, "pk", item)) for item in value]
    return str(getattr(value, "pk", value))


def form_data(response: Any) -> dict[str, Any]:
    """Every field of the change form in ``response``, as the browser would post it."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for bound in form:
            value = _value(bound)
            if value is not None:
                data[bound.html_name] = value
            if bound.field.show_hidden_initial:
                data[bound.html_initial_name] = _initial(bound.initial)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def post_change(client: Any, url: str, changes: dict[str, Any], **extra: Any) -> Any:
    """Open ``url``, change some fields, and save (``_save``) as an admin would."""
    data = form_data(client.get(url))
    data.update(changes)
    data.update(extra)
    data.setdefault("_save", "Save")
    return client.post(url, {k: v for k, v in data.items() if v is not None})


def open_draft(admin_client, title: str = "Spring update") -> Draft:
    response = admin_client.post("/admin/policy/draft/add/", {"title": title})
    assert response.status_code == 302
    return Draft.objects.get(title=title)
