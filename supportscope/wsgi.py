"""WSGI entry point for gunicorn: ``gunicorn supportscope.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportscope.settings")

application = get_wsgi_application()

# Every worker compiles the policy before its first request, when the database answers.
from supportscope.policy.snapshot import warm_up  # noqa: E402 - needs Django set up

warm_up()
