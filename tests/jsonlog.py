"""The log formatter as settings.LOGGING configures it, and a reader for its lines."""

from __future__ import annotations

import json
import logging
import logging.config
from typing import Any

from django.conf import settings


def configured_formatter() -> logging.Formatter:
    """The formatter that settings.LOGGING gives the console handler."""
    name = settings.LOGGING["handlers"]["console"]["formatter"]
    spec = dict(settings.LOGGING["formatters"][name])
    configurator = logging.config.DictConfigurator({"version": 1})
    return configurator.configure_formatter(spec)


def parse_lines(text: str) -> list[dict[str, Any]]:
    """Every line of ``text`` as a JSON object; fails on any line that is not one."""
    lines = text.splitlines()
    parsed = [json.loads(line) for line in lines]
    assert all(isinstance(item, dict) for item in parsed), lines
    return parsed
