"""Old parameter values, and what they mean in today's tree. Pure: no Django imports.

The query-string vocabulary is a public contract: ticket forms carry links built
with it. When a value is renamed, or an answer moves to another question, the old
link must still give the same verdict. ``upgrade`` rewrites old answers into
today's, and says what it changed so that a page can tell the engineer.

Two kinds of change are kept here:

* ``RENAMED``: a value that now has another name (key -> old value -> new value);
* the release-status move: ``preview`` used to be asked on nearly every path. It is
  now asked only where a feature is involved, so an old link that carries a
  non-GA ``preview`` on one of the supported paths that no longer ask it
  (``RELEASE_MOVED_FROM``) is routed through the ``preview-feature`` choice, which
  does ask it: the verdict is the one it was. A ticket's text that names a preview
  or alpha feature is read the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from supportscope.engine import Level, Tree, resolve
from supportscope.matcher import Suggestion, suggest

RENAMED: Mapping[str, Mapping[str, str]] = {
    "component": {
        "kube-system-addon": "managed-addon",
        "system-metadata": "aks-tags",
    },
}

RELEASE_KEY = "preview"
RELEASE_DEFAULT = "ga"
RELEASE_COMPONENT = "preview-feature"
# The first answers whose supported verdicts asked the release status until the tree
# was reshaped around the ticket, and no longer do.
RELEASE_MOVED_FROM = frozenset(
    {
        "api-server",
        "etcd",
        "coredns",
        "cluster-networking",
        "kube-proxy",
        "load-balancer",
        "persistent-volume",
        "kubelet",
        "containerd",
        "node-image",
        "upstream-bug",
    }
)


@dataclass(frozen=True)
class Change:
    key: str
    old: str
    new: str


def renamed(tree: Tree, key: str, value: str) -> str | None:
    """Today's name of an old value, or None when the value is not a renamed one.

    A renamed value is mapped only when the tree no longer offers the old one, so an
    admin who brings a value back gets it back as it is.
    """
    question = tree.questions.get(key)
    new = RENAMED.get(key, {}).get(value)
    if question is None or new is None or value in question.values or new not in question.values:
        return None
    return new


def upgrade(tree: Tree, answers: Mapping[str, str]) -> tuple[dict[str, str], tuple[Change, ...]]:
    """Today's answers for a link's answers, and the changes made to them.

    A renamed value is mapped only when the tree no longer offers the old one, so an
    admin who brings a value back gets it back as it is.
    """
    out = dict(answers)
    changes: list[Change] = []
    for key in RENAMED:
        old = out.get(key)
        new = renamed(tree, key, old) if old is not None else None
        if old is not None and new is not None:
            out[key] = new
            changes.append(Change(key, old, new))
    release = out.get(RELEASE_KEY)
    component = tree.questions.get("component")
    if (
        release not in (None, RELEASE_DEFAULT)
        and component is not None
        and RELEASE_COMPONENT in component.values
        and out.get("component") in RELEASE_MOVED_FROM
        and _valid(tree, out)
    ):
        outcome = resolve(tree, out)
        asked = {key for key, _value in outcome.answers}
        if (
            outcome.result is not None
            and outcome.result.level is Level.SUPPORTED
            and RELEASE_KEY not in asked
        ):
            changes.append(Change("component", out["component"], RELEASE_COMPONENT))
            out["component"] = RELEASE_COMPONENT
    return out, tuple(changes)


def _valid(tree: Tree, answers: Mapping[str, str]) -> bool:
    questions = tree.questions
    return all(
        key not in questions or value in questions[key].allowed for key, value in answers.items()
    )


# -- reading a ticket ---------------------------------------------------------------

# The groups of the first step that name what the customer asks for, the state of the
# subscription or cluster, or a change the customer made: the policy judges those by
# the request or the change, whatever component the ticket also names (an SSH change
# to kubelet's flags is judged as a node change, not as kubelet), so a match there
# outranks a component's.
REQUEST_GROUPS = ("requests", "cluster-state", "changes")
# Answers a text may leave unsaid: generally available is the usual release status.
DEFAULTS: Mapping[str, str] = {RELEASE_KEY: RELEASE_DEFAULT}
MAX_TICKET_CHARS = 20_000
# Query parameters that are not answers (README, "Parameter vocabulary"): no question
# may take one of these names as its key, or its answers could not be told from them.
RESERVED_PARAMS = frozenset(
    {"lang", "rev", "was", "fp", "res", "q", "embed", "parent_origin", "feedback", "proposed"}
)


# The choices for software the customer installed (open source first, then a vendor's):
# a tool the text says the customer installed ("helm install …", "we deployed X as a
# DaemonSet", "직접 설치한 …") is judged as one of these, whatever AKS part it broke; one
# that no term names goes to the first of them.
INSTALLED_CHOICES = ("third-party-oss", "third-party-closed-source")


def suggest_answers(tree: Tree, text: str) -> Suggestion:
    """The answers a ticket's text settles, read the same way as an old link."""
    return suggest(
        tree,
        text,
        priority_groups=REQUEST_GROUPS,
        defaults=DEFAULTS,
        upgrade=lambda answers: upgrade(tree, answers)[0],
        installed_choices=INSTALLED_CHOICES,
    )
