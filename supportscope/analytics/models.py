"""The only table of the analytics: one number per day, policy revision and counted thing.

There is no per-person or per-request row, no address, user agent, cookie or ticket
text: a row says, for example, that on 2026-11-30 under revision 7 the answer
``ingress=nginx`` was given 41 times.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    day = models.DateField(_("day (UTC)"))
    revision = models.PositiveIntegerField(_("policy revision"))
    kind = models.CharField(_("kind"), max_length=16)
    subject = models.CharField(_("subject"), max_length=100, blank=True, default="")
    value = models.CharField(_("value"), max_length=100, blank=True, default="")
    n = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("usage counter")
        verbose_name_plural = _("usage dashboard")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "revision", "kind", "subject", "value"],
                name="analytics_counter_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} r{self.revision} {self.kind} {self.subject}={self.value}: {self.n}"
