"""The pure core (``supportscope/core/``) imports neither Django nor the rest of the app.

Every import of every module there is read with ``ast`` (at the top, inside functions
and under ``TYPE_CHECKING`` alike; relative imports resolved): it may name the standard
library, plain libraries (``markdown``, ``nh3``) and ``supportscope.core`` itself, never
Django, a library built on Django, or another part of ``supportscope``. So the core can
be read, changed and tested without Django in mind (docs/architecture.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "supportscope" / "core"
CORE_PACKAGE = "supportscope.core"
# Libraries that need Django (the project's dependencies that are Django apps or plugins).
DJANGO_LIBRARIES = {"django", "django_htmx", "django_stubs_ext", "axes", "whitenoise"}


def module_name(path: Path, root: Path) -> str:
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    return name.removesuffix(".__init__")


def imported(path: Path, name: str) -> list[tuple[int, str]]:
    """(line, module) of every import in a file; ``from a import b`` counts as ``a.b``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def impure(module: str) -> bool:
    top = module.split(".")[0]
    if top in DJANGO_LIBRARIES:
        return True
    if top != "supportscope":
        return False
    return not (module == CORE_PACKAGE or module.startswith(f"{CORE_PACKAGE}."))


def violations(path: Path, root: Path) -> list[str]:
    name = module_name(path, root)
    return [
        f"{path.relative_to(root)}:{line}: {module}"
        for line, module in imported(path, name)
        if impure(module)
    ]


CORE_FILES = sorted(CORE.rglob("*.py"))


def test_the_core_holds_the_pure_modules():
    names = {path.stem for path in CORE_FILES}
    assert {
        "engine",
        "model",
        "validation",
        "matcher",
        "walk",
        "doubts",
        "tickettext",
        "stepfilter",
        "vocabulary",
        "content",
    } <= names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_no_core_module_imports_django_or_the_rest_of_the_app(path):
    assert violations(path, ROOT) == []


def test_the_check_fails_on_a_module_that_reaches_outside_the_core(tmp_path):
    core = tmp_path / "supportscope" / "core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("", encoding="utf-8")
    bad = core / "bad.py"
    bad.write_text(
        "from __future__ import annotations\n"
        "import re\n"
        "import markdown\n"
        "from supportscope.core.engine import Tree\n"
        "from . import languages\n"
        "import django.conf\n"
        "from django.http import HttpResponse\n"
        "from supportscope.policy.snapshot import get_snapshot\n"
        "from .. import web\n"
        "from supportscope import settings\n"
        "def later():\n"
        "    import axes\n"
        "    from ..web.env import env_int\n",
        encoding="utf-8",
    )
    assert violations(bad, tmp_path) == [
        "supportscope/core/bad.py:6: django.conf",
        "supportscope/core/bad.py:7: django.http.HttpResponse",
        "supportscope/core/bad.py:8: supportscope.policy.snapshot.get_snapshot",
        "supportscope/core/bad.py:9: supportscope.web",
        "supportscope/core/bad.py:10: supportscope.settings",
        "supportscope/core/bad.py:12: axes",
        "supportscope/core/bad.py:13: supportscope.web.env.env_int",
    ]
