"""The Django admin for the policy: a thin shell over ``supportscope.policy.editing``.

* ``forms``: versions and three-way merges, checked deletions, Markdown with a preview;
* ``base``: the change-form flow (validate, ``editing.live.save``, show the result);
* ``objects``: one admin per policy object;
* ``reshape``: guided steps (add an answer or a follow-up question, retire an answer,
  move or cite a clause), live or inside a draft;
* ``history``: revisions, differences, restore and roll-back;
* ``drafts``: drafts, their preview, impact report, publication and schedule.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from supportscope.policy.admin import drafts, history, objects, reshape
from supportscope.policy.admin.forms import VersionedForm

admin.site.site_header = gettext_lazy("SupportScope administration")
admin.site.site_title = gettext_lazy("SupportScope admin")
admin.site.index_title = gettext_lazy("Policy administration")

__all__ = ["VersionedForm", "drafts", "history", "objects", "reshape"]
