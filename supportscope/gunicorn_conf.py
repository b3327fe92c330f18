"""gunicorn's settings for the container: ``gunicorn -c python:supportscope.gunicorn_conf``.

* Binds 0.0.0.0:8000 with 2 sync workers; ``WEB_CONCURRENCY`` (1 to 32) changes the
  number, and gunicorn's own ``GUNICORN_CMD_ARGS`` can override any setting here.
* Worker heartbeat files live in ``/tmp``, the one writable place when the root
  filesystem is read-only (an ``emptyDir`` in deploy/deployment.yaml).
* On SIGTERM the workers finish the requests they have, for up to 20 s; Kubernetes waits
  ``terminationGracePeriodSeconds`` (40 s), after the pod's ``preStop`` pause, before it kills.
* A stopping worker writes the usage counters it still holds (``worker_exit``; see
  supportscope/analytics/tally.py), so a graceful stop loses none.
* gunicorn's own log lines are JSON like the app's (logformat.py); the access log stays
  off, since the app writes one line per request itself (requestlog.py).
"""

from __future__ import annotations

from typing import Any

from supportscope.web.env import env_int
from supportscope.web.logformat import json_formatter

bind = "0.0.0.0:8000"
workers = env_int("WEB_CONCURRENCY", default=2, maximum=32, minimum=1)
worker_class = "sync"
worker_tmp_dir = "/tmp"  # noqa: S108 - the emptyDir; heartbeats only, nothing secret
timeout = 30
graceful_timeout = 20
# gunicorn 24+ opens a control socket under $HOME, which is read-only in the container.
control_socket_disable = True

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": json_formatter()},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}


def worker_exit(server: Any, worker: Any) -> None:
    """Write the worker's last usage counts before it exits (atexit does it too)."""
    try:
        from supportscope.analytics.tally import flush_at_exit
    except Exception:  # the worker never loaded the app
        return
    flush_at_exit()
