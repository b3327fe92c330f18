from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from supportscope.core.content import write_policy
from supportscope.policy.store import export_data


class Command(BaseCommand):
    help = "Write the policy in the database, tree included, as policy files into DIRECTORY."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        paths = write_policy(directory, export_data())
        self.stdout.write(f"wrote {len(paths)} files to {directory}")
