"""Publish the scheduled drafts whose time has come (for cron; requests do it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supportscope.policy.editing.drafts import publish_due


class Command(BaseCommand):
    help = "Publish every scheduled draft whose time has come, each as one revision."

    def handle(self, *args: Any, **options: Any) -> None:
        done = publish_due()
        failed = [item for item in done if not item.published]
        for item in done:
            if item.published:
                self.stdout.write(
                    f"published draft {item.draft} ({item.title}) as revision {item.revision}"
                )
        if not done:
            self.stdout.write("no scheduled draft is due")
        if failed:
            raise CommandError(
                "; ".join(
                    f"draft {item.draft} ({item.title}): {' '.join(item.problems)}"
                    for item in failed
                )
            )
