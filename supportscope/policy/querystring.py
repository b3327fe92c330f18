"""The triage's query string: what a link says, and the links the triage writes.

The answers live in the query string, keyed by question. ``lang``, ``embed`` and
``parent_origin`` ride along on every link and form (``read_carry``); ``rev``, ``was``,
``fp`` and ``res`` appear only on permalinks, so a page opened from an old ticket can say
whether the policy (and the verdict) changed since. Reading is strict: the first value
the page cannot use raises ``BadParameter``, which names it and lists the allowed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from supportscope.core.engine import (
    InvalidAnswer,
    Level,
    Question,
    check_answers,
)
from supportscope.core.languages import LANGUAGES
from supportscope.core.vocabulary import Change
from supportscope.policy.presenters import (
    RESULT_SIZE,
    choice_label,
    level_view,
    read_answers,
)
from supportscope.policy.snapshot import Snapshot

LANGS = dict(LANGUAGES)
MAX_QUERY = 100  # characters of a filter query that are read

# -- reading the query ----------------------------------------------------------


class BadParameter(Exception):
    """A value in the link that the page cannot use. ``allowed`` pairs values with labels."""

    def __init__(self, key: str, value: str, allowed: list[tuple[str, str]]) -> None:
        super().__init__(f"{value!r} is not allowed for {key!r}")
        self.key = key
        self.value = value
        self.allowed = allowed


@dataclass(frozen=True)
class Params:
    answers: dict[str, str]
    carry: dict[str, str]  # lang, embed and parent_origin, kept on every link and form
    rev: int | None = None
    was: frozenset[Level] | None = None
    fp: str | None = None  # the policy's content fingerprint when the link was made
    res: str | None = None  # a hash of the verdict's levels and citations then
    retired: tuple[tuple[str, str, str], ...] = ()  # (key, value, label) no longer offered
    query: str = ""  # the words typed in the filter box of a long question
    changes: tuple[Change, ...] = ()  # old values that the link carried, rewritten


def _single(query: QueryDict, key: str) -> str | None:
    values = list(dict.fromkeys(query.getlist(key)))
    if not values:
        return None
    return ",".join(values)


def _carried() -> list[tuple[str, list[tuple[str, str]], tuple[str, ...] | None]]:
    """Each parameter kept on every link and form: its allowed values (with labels) and
    the values that are kept (None: every allowed one)."""
    return [
        ("lang", list(LANGS.items()), None),
        ("embed", [("1", _("Embedded")), ("0", _("Full page"))], ("1",)),
        (
            "parent_origin",
            [(origin, _("Allowed host page")) for origin in settings.SUPPORTSCOPE_EMBED_ORIGINS],
            None,
        ),
    ]


def read_carry(query: QueryDict, strict: bool = True) -> dict[str, str]:
    """``lang``, ``embed`` and ``parent_origin``: the parameters every link and form of
    the triage keeps. A bad value raises ``BadParameter``; unless ``strict`` is off (the
    400 page and the paste box's POST), where it is left out."""
    carry: dict[str, str] = {}
    for key, allowed, kept in _carried():
        value = _single(query, key)
        if value is None:
            continue
        if value not in dict(allowed):
            if strict:
                raise BadParameter(key, value, allowed)
            continue
        if kept is None or value in kept:
            carry[key] = value
    return carry


def _question_allowed(question: Question, lang: str) -> list[tuple[str, str]]:
    return [(value, choice_label(question, value, lang)) for value in question.allowed]


def read_params(query: QueryDict, snapshot: Snapshot, lang: str) -> Params:
    """The answers and options in a query string, or ``BadParameter`` for the first bad one."""
    carry = read_carry(query)
    fp = _single(query, "fp")
    if fp is not None and not _is_hex(fp, FINGERPRINT_SIZE):
        raise BadParameter("fp", fp, [(snapshot.fingerprint, _("Current policy"))])
    res = _single(query, "res")
    if res is not None and not _is_hex(res, RESULT_SIZE):
        raise BadParameter("res", res, [("0" * RESULT_SIZE, _("A hash of the verdict"))])
    rev = _single(query, "rev")
    revision: int | None = None
    if rev is not None:
        revision = int(rev) if rev.isascii() and rev.isdigit() else None
        # With a fingerprint, the revision may come from another instance: any number goes.
        if revision is None or (fp is None and revision > snapshot.revision):
            current = str(snapshot.revision)
            raise BadParameter("rev", rev, [(current, _("Current revision"))])
    was = _single(query, "was")
    was_levels: frozenset[Level] | None = None
    if was is not None:
        try:
            was_levels = frozenset(Level(part) for part in was.split(","))
        except ValueError:
            raise BadParameter(
                "was", was, [(level.value, level_view(level).label) for level in Level]
            ) from None
    try:
        read = read_answers(query, snapshot, lang)
        check_answers(snapshot.tree, read.answers)
    except InvalidAnswer as error:
        question = snapshot.tree.questions[error.key]
        raise BadParameter(error.key, error.value, _question_allowed(question, lang)) from None
    words = " ".join((_single(query, "q") or "").split())[:MAX_QUERY]
    return Params(
        answers=read.answers,
        carry=carry,
        rev=revision,
        was=was_levels,
        fp=fp,
        res=res,
        retired=read.retired,
        query=words,
        changes=read.changes,
    )


FINGERPRINT_SIZE = 12


def _is_hex(value: str, size: int) -> bool:
    return len(value) == size and all(c in "0123456789abcdef" for c in value)


# -- links ----------------------------------------------------------------------


def triage_url(answers: Mapping[str, str], carry: Mapping[str, str] | None = None) -> str:
    query = urlencode({**answers, **(carry or {})}, safe=",")
    return reverse("triage") + ("?" + query if query else "")


def suggest_url(carry: Mapping[str, str]) -> str:
    """Where the paste box (and the embed's ``ticket-text``) posts the ticket's text."""
    return reverse("triage-suggest") + ("?" + urlencode(carry) if carry else "")
