from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supportscope.core.content import ContentError, read_policy
from supportscope.policy.store import CONTENT_DIR, ImportRefused, import_policy


class Command(BaseCommand):
    help = (
        "Import the policy files into the database. Rows an admin edited are kept; "
        "rows changed on both sides are reported as conflicts and left alone unless --force."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", nargs="?", type=Path, default=CONTENT_DIR)
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite conflicting admin edits with the files' text",
        )

    def handle(self, *args: Any, directory: Path, force: bool, **options: Any) -> None:
        try:
            report = import_policy(read_policy(directory), force=force)
        except ContentError as error:
            raise CommandError(str(error)) from error
        except ImportRefused as error:
            raise CommandError("the tree would be invalid: " + "; ".join(error.problems)) from error
        for label in report.created:
            self.stdout.write(f"created  {label}")
        for label in report.updated:
            self.stdout.write(f"updated  {label}")
        for label in report.kept:
            self.stdout.write(f"kept     {label} (edited in the admin; the file did not change)")
        for label in report.conflicts:
            self.stderr.write(f"CONFLICT {label}: edited in the admin and in the files")
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.kept)} admin edits kept, {len(report.conflicts)} conflicts"
            + (f"; policy revision {report.revision}" if report.revision else "; no change")
        )
        if report.conflicts:
            raise CommandError(
                f"{len(report.conflicts)} conflict(s) left alone; review them in the admin, "
                "or rerun with --force to take the files' text"
            )
