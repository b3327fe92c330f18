"""The usage dashboard in the admin: staff only, one page and its CSV. A thin shell over
``report``; the counters themselves are never edited here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from supportscope.analytics import report
from supportscope.analytics.models import Counter
from supportscope.analytics.tally import today
from supportscope.policy.admin.base import ReadOnlyAdmin
from supportscope.policy.presenters import current_lang
from supportscope.policy.querystring import BadParameter, triage_url
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.treemap import build_map


def _staff(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_staff)


@admin.register(Counter)
class UsageAdmin(ReadOnlyAdmin):
    """Any staff member may read the counters (they hold no personal data); nobody edits them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _staff(request)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="analytics_counter_changelist"),
            path("export.csv", view(self.export_view), name="analytics_counter_export"),
        ]

    def _selection(
        self, request: HttpRequest, revisions: list[int]
    ) -> tuple[report.Selection, str]:
        try:
            return report.select(request.GET, revisions, today()), ""
        except BadParameter as bad:
            allowed = ", ".join(value or _("(all)") for value, _label in bad.allowed)
            message = _("“%(value)s” is not allowed for %(key)s; allowed: %(allowed)s.") % {
                "value": bad.value,
                "key": bad.key,
                "allowed": allowed,
            }
            return report.select({}, revisions, today()), message

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        revisions = report.revisions_counted()
        selection, error = self._selection(request, revisions)
        lang = current_lang()
        snapshot = get_snapshot()
        counts = report.totals(selection)
        daily = report.by_day(selection, ("start", "verdict"))
        tree_map = build_map(snapshot, lang, lambda answers: triage_url(answers))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Usage dashboard"),
            "opts": self.opts,
            "error": error,
            "selection": selection,
            "periods": report.PERIODS,
            "revisions": revisions,
            "live_revision": snapshot.revision,
            "retention": settings.SUPPORTSCOPE_ANALYTICS_DAYS,
            "counting": settings.SUPPORTSCOPE_ANALYTICS,
            "summary": report.summary(counts),
            "daily": report.daily_chart(
                selection, {"bar-start": daily["start"], "bar-verdict": daily["verdict"]}
            ),
            "daily_rows": [
                (day, daily["start"].get(day, 0), daily["verdict"].get(day, 0))
                for day in report.days(selection)
            ],
            "levels": report.level_chart(counts, _("Depends on an answer")),
            "verdicts": report.verdict_rows(counts),
            "unknowns": report.unknown_rows(counts, snapshot.tree, lang),
            "stops": report.stop_rows(counts, snapshot.tree, lang),
            "actions": report.action_rows(counts, snapshot.tree, lang),
            "heat": report.heat_map(tree_map, counts),
        }
        return TemplateResponse(
            request, "admin/analytics/dashboard.html", context, status=400 if error else 200
        )

    def export_view(self, request: HttpRequest) -> HttpResponse:
        selection, error = self._selection(request, report.revisions_counted())
        if error:
            return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
        found = report.rows(selection).order_by("day", "revision", "kind", "subject", "value")
        response = HttpResponse(report.csv_text(found), content_type="text/csv; charset=utf-8")
        name = f"supportscope-usage-{selection.start}-{selection.end}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response
