"""WSGI entry point for gunicorn: ``gunicorn supportscope.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportscope.settings")

application = get_wsgi_application()

# Every worker compiles the policy before its first request, when the database answers.
from supportscope.analytics import tally  # noqa: E402 - needs Django set up
from supportscope.policy.snapshot import warm_up  # noqa: E402 - needs Django set up

warm_up()
# Usage counters are written from a thread of each worker every few seconds (analytics/).
tally.start()
