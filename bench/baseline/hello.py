"""A frameworkless WSGI hello: the physical limit of one page served by gunicorn here.

The benchmark serves it exactly as it serves SupportScope and bare Django, so the ratio
of a page to this one says how much of the remaining cost is any framework at all.
"""

from collections.abc import Callable, Iterable
from typing import Any

BODY = b"Hello from plain WSGI."


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response(
        "200 OK",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(BODY)))],
    )
    return [BODY]
