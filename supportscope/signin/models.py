"""Our name for axes' record of failed sign-ins, so the admin shows it translated.

A proxy model: no table of its own, the rows are axes' ``AccessAttempt``. One row per
user name, address and browser (user agent), counting failures until its cool-off ends.
"""

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _


class FailedSignIn(AccessAttempt):  # type: ignore[misc]  # axes is untyped (see pyproject)
    class Meta:
        proxy = True
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        ordering = ["-attempt_time"]
