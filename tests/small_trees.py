"""Small hand-made trees for the suggester's tests (``tests/test_tiebreak.py``,
``tests/test_matcher.py``)."""

from __future__ import annotations

from supportscope.core.engine import Tree, build_tree


def hand_choice(value: str, terms: list[str]) -> dict:
    """A choice of a small hand-made tree, with its English terms."""
    return {"value": value, "label": {"en": value}, "terms": {"en": terms}}


def hand_verdict(name: str, level: str, modifiers: tuple[str, ...] = ()) -> dict:
    """A verdict of a small hand-made tree, citing one clause."""
    return {
        "name": name,
        "level": level,
        "rationale": {"en": name, "ko": name},
        "citations": ["s--a"],
        "modifiers": list(modifiers),
    }


def what_tree(
    choices: list[dict],
    routes: dict[str, str],
    verdicts: list[dict],
    *,
    questions: tuple[dict, ...] = (),
    modifiers: tuple[dict, ...] = (),
) -> Tree:
    """A tree of one routed question, ``what``, with these choices, routes and verdicts
    (and modifier questions, if any)."""
    return build_tree(
        {
            "start": "what",
            "questions": [{"key": "what", "text": {"en": "What?"}, "choices": choices}, *questions],
            "nodes": [{"name": "what", "question": "what", "next": routes}],
            "verdicts": verdicts,
            "modifiers": list(modifiers),
        }
    )


def advice_tree() -> Tree:
    """Disk (supported) or app (unsupported); the disk's verdict lists ``asks``, a modifier
    whose only overlay is supported too, so it is never asked."""
    return what_tree(
        [
            hand_choice("disk", ["disk"]),
            hand_choice("app", ["app"]),
            hand_choice("howto", ["guidance", "how to"]),
        ],
        {"disk": "disk", "app": "app", "howto": "advised"},
        [
            hand_verdict("disk", "supported", ("asks",)),
            hand_verdict("app", "unsupported", ("asks",)),
            hand_verdict("advised", "supported"),
        ],
        questions=(
            {
                "key": "asks",
                "text": {"en": "Advice?"},
                "choices": [hand_choice("no", []), hand_choice("yes", [])],
            },
        ),
        modifiers=({"question": "asks", "overlays": {"no": None, "yes": "advised"}},),
    )
