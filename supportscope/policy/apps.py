from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def load_policy_into_empty_database(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """A fresh database serves the shipped policy as soon as ``migrate`` has run."""
    from supportscope.policy.models import Section
    from supportscope.policy.store import load_shipped_policy

    if using == "default" and not Section.objects.using(using).exists():
        load_shipped_policy()


class PolicyConfig(AppConfig):
    name = "supportscope.policy"
    label = "policy"
    verbose_name = _("AKS support policy")

    def ready(self) -> None:
        from supportscope.policy import preview, snapshot

        post_migrate.connect(load_policy_into_empty_database, sender=self)
        # A request that finds a scheduled draft due publishes it (see preview.py).
        snapshot.set_publisher(preview.publish_if_due)
