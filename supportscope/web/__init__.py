"""Django plumbing around the apps: the project's middleware (page cache, outage,
request log, probes, security headers), the client address behind proxies, and the
strict settings and log formatting that ``supportscope.settings`` and
``supportscope.gunicorn_conf`` use. See docs/architecture.md.
"""
