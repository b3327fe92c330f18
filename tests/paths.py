"""The shape of the shipped tree as an engineer walks it: ``python -m tests.paths``.

Prints the number of choices on the first step, the number of complete paths (every
value of every question asked, "don't know" left out) and the clicks to a verdict on
them: the answers a complete path uses, median and maximum.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from supportscope.core.content import read_policy
from supportscope.core.engine import Tree, build_tree, resolve

ROOT = Path(__file__).resolve().parent.parent


def clicks(tree: Tree) -> list[int]:
    """The number of answers of each complete path, depth first."""
    found: list[int] = []

    def walk(answers: dict[str, str]) -> None:
        outcome = resolve(tree, answers)
        if outcome.question is None:
            found.append(len(outcome.answers))
            return
        for value in outcome.question.values:
            walk({**answers, outcome.question.key: value})

    walk({})
    return found


def main() -> int:
    tree = build_tree(read_policy(ROOT / "policy_content").tree)
    first = tree.asked_at(tree.nodes[tree.start])
    paths = clicks(tree)
    print(f"first step: {len(first.choices)} choices ({first.key})")
    print(f"complete paths: {len(paths)}")
    print(f"clicks to a verdict: median {statistics.median(paths)}, maximum {max(paths)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
