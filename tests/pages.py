"""Every kind of page SupportScope serves, for the tests that must visit them all.

The accessibility audit, the XSS corpus, the fuzz test and the header checks read this
list, so a new kind of page is added here once. ``{clause}`` in a path stands for the
primary key of a clause, filled in with ``Page.path_for``.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportscope.policy.models import Clause


@dataclass(frozen=True)
class Page:
    path: str
    name: str
    status: int = 200
    needs_login: bool = False
    embeddable: bool = False
    htmx: bool = True  # the page loads htmx (the usage dashboard needs no script)

    def path_for(self) -> str:
        if "{clause}" not in self.path:
            return self.path
        clause = Clause.objects.order_by("section__order", "order").first()
        assert clause is not None, "the shipped policy has clauses"
        return self.path.format(clause=clause.pk)


PAGES = [
    Page("/", "home"),
    Page("/policy/", "policy"),
    Page("/triage/", "triage-start"),
    Page("/triage/?component=ingress", "triage-step"),
    Page("/triage/?component=ingress&ingress=unknown&preview=ga", "triage-depends-on"),
    Page("/triage/?component=api-server&preview=ga", "verdict-supported"),
    Page("/triage/?component=preview-feature&preview=preview", "verdict-best-effort"),
    Page("/triage/?component=app-certificate", "verdict-unsupported"),
    Page("/triage/?q=kong", "triage-search"),
    Page("/triage/?component=kubelet", "verdict-quoting-a-list-item"),
    Page("/triage/?component=system-metadata", "old-value-notice"),
    Page("/triage/map/", "tree-map"),
    Page("/triage/?embed=1", "embed", embeddable=True),
    Page(
        "/triage/?embed=1&parent_origin=http%3A%2F%2F127.0.0.1%3A8765&component=ingress&ingress=nginx",
        "embed-listening",
        embeddable=True,
    ),
    Page("/triage/?component=bogus", "bad-request", status=400),
    Page("/admin/policy/clause/{clause}/change/", "admin-change-form", needs_login=True),
    Page("/admin/analytics/counter/", "usage-dashboard", needs_login=True, htmx=False),
]
PUBLIC_PAGES = [page for page in PAGES if not page.needs_login]
