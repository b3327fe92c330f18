"""Locks between test processes (pytest-xdist workers) on one machine."""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def port_lock(port: int) -> Iterator[None]:
    """Hold ``port`` for this process until the block ends; another process waits here."""
    path = Path(tempfile.gettempdir()) / f"supportscope-tests-port-{port}.lock"
    with path.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # released when the file is closed
        yield
