import os
import shutil

import pytest
from django.utils import translation

from supportscope.policy import freshness
from supportscope.policy.snapshot import cache
from supportscope.web.pagecache import pages
from tests import dbsnapshot

# Playwright's sync API runs an event loop in the main thread; without this,
# live_server's teardown raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The migrated test database, copied once per process: after a transactional test the
    copy is put back (tests/dbsnapshot.py) instead of Django's flush and a reload of the
    shipped policy."""
    from django.test import TransactionTestCase

    with django_db_blocker.unblock():
        dbsnapshot.take()
    flush_after_test = TransactionTestCase._fixture_teardown

    def restore_after_test(self):
        aliases = list(self._databases_names(include_mirrors=False))
        if self.available_apps is not None or not all(map(dbsnapshot.taken, aliases)):
            flush_after_test(self)
            return
        for alias in aliases:
            dbsnapshot.restore(alias)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", restore_after_test)
        yield


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    """Each test's database is rolled back, so no compiled snapshot may outlive it."""
    cache.clear()
    yield
    cache.clear()
    freshness.stop()  # a test that started a watcher (warm_up) leaves none behind
    # A request in Korean leaves Korean active in the thread: the next test starts from
    # the default language, whatever ran before it.
    translation.deactivate()


@pytest.fixture
def clean_pages():
    """An empty page cache before and after the test: pages it reads after changing the
    policy are rendered anew, and it leaves none behind."""
    pages.clear()
    yield
    pages.clear()


@pytest.fixture
def untraced():
    """No coverage tracing while the test runs: every running measurement is stopped, then
    started again after it. (pytest-cov's ``no_cover`` stops only its own, and in an xdist
    worker the one ``patch = ["subprocess"]`` started there then takes over.) For the tests
    that run the lines the small tests cover over every ticket or a ten-thousand-question
    tree, which tracing made three to five times slower."""
    try:
        import coverage
    except ImportError:  # pragma: no cover - coverage is installed with the test extras
        yield
        return
    stopped = []
    while (running := coverage.Coverage.current()) is not None:
        running.stop()
        stopped.append(running)
    yield
    for running in reversed(stopped):
        running.start()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_FLAGS],
    }


def pytest_collection_modifyitems(config, items):
    """Browser tests skip, with the reason printed, where Chromium is not installed."""
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}; .ci/run installs it")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
