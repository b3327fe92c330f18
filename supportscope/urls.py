from django.contrib import admin
from django.urls import include, path

from supportscope.analytics import views as analytics
from supportscope.policy import api, proposals, triage, views
from supportscope.web import health
from supportscope.web.pagecache import rendered_once

urlpatterns = [
    # Answers that depend only on the policy, the language and the URL are rendered once
    # per policy revision and then served from memory (see pagecache.py).
    path("", rendered_once(views.home), name="home"),
    path("policy/", rendered_once(views.policy), name="policy"),
    path("triage/", rendered_once(triage.triage), name="triage"),
    path("triage/map/", rendered_once(triage.tree_map), name="tree-map"),
    path("triage/suggest/", proposals.proposals, name="triage-suggest"),
    # Counted, then on to the triage page (analytics/views.py).
    path("triage/feedback/", analytics.feedback, name="triage-feedback"),
    path("triage/proposed/", analytics.proposed, name="triage-proposed"),
    path("api/v1/verdict", rendered_once(api.verdict), name="api-verdict"),
    path("api/v1/suggest", api.suggest, name="api-suggest"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # ProbeMiddleware answers these first; the routes let them be reversed.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
