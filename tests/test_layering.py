"""Layering: no import cycles, the app below the project's middleware, one language list,
and the per-request snapshot scope independent of every other middleware."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import override_settings

from supportscope.policy.snapshot import cache
from supportscope.web.outage import STALE_HEADER
from supportscope.web.pagecache import pages

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("supportscope", "bench")
# Project-level middleware modules; the app (supportscope.policy) must not import them.
PROJECT_MIDDLEWARE = {
    "supportscope.web.middleware",
    "supportscope.web.pagecache",
    "supportscope.web.outage",
    "supportscope.web.requestlog",
    "supportscope.web.health",
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of ours that ``name`` imports, at the top or inside a function.

    ``from package import module`` depends on that module, not on the package's
    ``__init__`` (which Python runs first for any submodule, cycle or not).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & known.keys()
            found.update(submodules or {base})
    return {module for module in found if module in known and module != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_graph_sees_imports_inside_functions():
    graph = import_graph()
    # apps.py imports preview and snapshot inside ready().
    assert {"supportscope.policy.preview", "supportscope.policy.snapshot"} <= graph[
        "supportscope.policy.apps"
    ]


def test_no_module_of_the_app_or_the_benchmark_imports_itself_back():
    assert cycles(import_graph()) == []


def _app_modules() -> list[str]:
    return [name for name in modules() if name.startswith("supportscope.policy")]


@pytest.mark.parametrize("name", _app_modules())
def test_the_app_does_not_import_project_level_middleware(name):
    known = modules()
    assert not imports(name, known[name], known) & PROJECT_MIDDLEWARE


LANGUAGE_LIST = re.compile(r"""["']en["']\s*[,:]\s*(?:["'][^"']*["']\s*,\s*)?["']ko["']""")


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in modules()
        if name.startswith("supportscope") and name != "supportscope.core.languages"
    ],
)
def test_the_language_list_is_written_only_in_supportscope_languages(name):
    source = modules()[name].read_text(encoding="utf-8")
    assert not LANGUAGE_LIST.search(source)


def test_the_language_pattern_finds_the_usual_spellings():
    for spelling in ('("en", "ko")', "{'en', 'ko'}", '["en", "ko"]', '{"en": "English", "ko"'):
        assert LANGUAGE_LIST.search(spelling), spelling


WITHOUT_REQUEST_LOG = [
    name
    for name in settings.MIDDLEWARE
    if name != "supportscope.web.requestlog.RequestLogMiddleware"
]


@pytest.mark.django_db
@override_settings(MIDDLEWARE=WITHOUT_REQUEST_LOG)
def test_without_the_request_log_pages_are_still_kept_and_marked_stale(client, monkeypatch):
    pages.clear()
    client.get("/policy/")
    assert len(pages) == 1  # the page cache still stores: the scope is its own middleware
    held = cache.peek()

    def refused(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    monkeypatch.setattr(cache, "retry_base", 0.0)
    with connection.execute_wrapper(refused):
        answer = client.get("/policy/")
    assert answer[STALE_HEADER] == str(held.revision)
    pages.clear()
