"""Reading a ticket's text before any term is looked for. Pure: no Django imports.

* ``normalize`` folds case and width (NFKC, casefold) and turns every run of spaces,
  hyphens, underscores, slashes, brackets, double quotes, commas and semicolons into
  one space, so ``ingress-nginx`` reads as ``ingress nginx``.
* ``normalize_marked`` also says where identifiers stand: words the customer did not
  choose (URLs, image references, annotation keys, ARM ids, names AKS generates);
  ``normalize_ticket`` says where pasted lines (``supportscope.core.layout``) and the title
  stand too.
* ``durations`` finds the spans of time a text states ("4 months ago", "두 달 전").

``supportscope.core.matcher`` reads tickets through these; whether a mention is denied
is ``supportscope.core.negation``'s.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from dataclasses import dataclass

from supportscope.core.layout import (
    FAILURE,
    OUTPUT,
    pasted_lines,
    reproduce_headings,
    template_blanked,
    title_line,
)

# Separators: whitespace, underscores, hyphens and dashes, slashes, the middle dot,
# brackets, double quotes, commas and semicolons. Each run of them reads as one space
# (``_spaced``, then the runs of spaces folded). Every separator but the space is listed as
# one class, with the whitespace ``\s`` stands for spelled out (what ``str.isspace`` says;
# the tests check it against ``\s`` over all of Unicode): the separators are then found at
# C speed, where a run of a class with ``\s`` in it is tried at every character (0.19 ->
# 0.12 ms on 5,000 characters).
_OTHER_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
_OTHER_SEPARATOR = re.compile(rf"[{_OTHER_WHITESPACE}_\-\u2010-\u2015/·()\[\]{{}}\"“”,;]")
# The runs that shorten the text when each becomes one space.
_SPACE_RUNS = re.compile(" {2,}")
# Curly apostrophes read as straight ones, a backtick as a space. Three str.replace calls:
# str.translate walks a Korean text character by character in Python's slow path.
_APOSTROPHES = (("\u2018", "'"), ("\u2019", "'"), ("`", " "))
HANGUL = re.compile(r"[가-힣]")
WORD_CHAR = r"0-9a-z가-힣"
WORD = re.compile(rf"[{WORD_CHAR}]")


# The product's full name reads as its short one: "Azure Kubernetes Service" named no
# Azure service integration ("azure … service", a word between) and no service at all.
# Replaced by "aks" and spaces, so every position of the text stays where it was.
_PRODUCT_NAME = re.compile(r"azure kubernetes services?(?![0-9a-z])")


# A feature flag named in one word ends in "Preview" ("AKS-NATGatewayPreview",
# "EnableWorkloadIdentityPreview"): that word is read as its name and "preview". Only
# written in mixed case, where the join shows; the space added moves no line break.
_FLAG_PREVIEW = re.compile(r"(?<=[a-z0-9])(?=Preview(?![a-z]))")


def _fold(text: str) -> str:
    if "Preview" in text:
        text = _FLAG_PREVIEW.sub(" ", text)
    folded = unicodedata.normalize("NFKC", text).casefold()
    for mark, plain in _APOSTROPHES:
        folded = folded.replace(mark, plain)
    if "kubernetes serv" in folded:
        folded = _PRODUCT_NAME.sub(lambda name: "aks".ljust(len(name[0])), folded)
    return folded


def normalize(text: str) -> str:
    return " ".join(_spaced(_fold(text)).split())


def _spaced(folded: str) -> str:
    """``folded`` with every separator a space: as long as it, so positions hold (its runs
    of spaces, ``_SPACE_RUNS``, are what folding them shortens)."""
    return _OTHER_SEPARATOR.sub(" ", folded)


# -- identifiers ----------------------------------------------------------------------
#
# Words inside a URL, an image reference, an annotation or label key, an ARM id or a
# name AKS generates (MC_rg_cluster_region, aks-nodepool1-12345678-vmss) were not
# chosen by the customer to say what happened: `service.beta.kubernetes.io/...` is not
# a beta feature, `mcr.microsoft.com/.../nginx-ingress-controller` in an add-on's image
# is not a self-installed nginx.

_IDENT_CHAR = r"[^\s\"'`()<>\[\]{},;|=]"
_IDENTIFIER = re.compile(
    # every kind below has one of these signs in it, or is a node pool's name: one look
    # ahead rules out the other words before each kind is tried (a third of the time); it
    # runs over the word's other characters possessively, never back
    rf"(?<!{_IDENT_CHAR})(?={_IDENT_CHAR[:-1]}./:_]*+[./:_]|aks-)(?:"
    rf"{_IDENT_CHAR}*?://"  # a URL
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)+[/:](?=[^\s])"  # a host or domain, then a path: images, keys
    rf"|{_IDENT_CHAR}*?/(?:subscriptions|resourcegroups)/"  # an ARM id
    r"|mc_[^\s_]*_"  # the node resource group's name
    r"|aks-[a-z0-9]+-\d{4,}-vmss"  # a node pool's scale set or node name
    # a cluster's name in three parts (aks-preview-fe, aks-shop-prd), not the namespaces and
    # tags AKS makes (aks-istio-system, aks-managed-…)
    r"|aks-(?!istio-|managed-)[a-z0-9]+-[a-z0-9]+(?=[^a-z0-9-]|$)"
    rf"|(?:[a-z0-9-]+\.)+(?:com|io|net|org|dev|cloud|sh|ms)(?!{_IDENT_CHAR})"  # a host name
    rf"){_IDENT_CHAR}*"
)


def normalize_marked(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The normalized text, and where identifiers stand in it (start, end)."""
    read = normalize_ticket(text)
    return read.haystack, read.identifiers


Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Normalized:
    """A ticket's normalized text, and where its parts stand in it (start, end)."""

    haystack: str
    identifiers: Spans  # URLs, image references, keys, ARM ids, generated names
    pasted: Spans = ()  # pasted output: logs, tables, stack traces (not error lines)
    written: Spans = ()  # pasted input: commands, YAML, code
    title: tuple[int, int] | None = None  # a short first line followed by more text
    # where a list item starts or ends (the line after it): folding made line breaks
    # spaces, but a list's items are not one sentence (prose wrapped over lines is)
    breaks: tuple[int, ...] = ()
    # the items of a list the customer introduces as what they did ("What we've been
    # doing:", "저희가 한 조치:") or that stands under a form's "Steps to reproduce": each is
    # their own step, said without "we"
    steps: Spans = ()


# A line that starts a list item: "- …", "* …", "• …", "1. …", "2) …".
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s")
# A line that introduces a list of what the customer did: a first person and a past or
# ongoing doing, ending with a colon ("What we've been doing:", "Steps I took:",
# "저희가 진행한 작업:", "조치 내역:").
_STEPS_INTRO = re.compile(
    r"(?:\b(?:we|i|we've|i've|our team)\b.*\b(?:did|done|doing|tried|took|ran|performed|"
    r"been)\b|\bsteps (?:we|i) (?:took|tried|followed)\b|(?:저희|제가|우리).*(?:한|했던|진행한|"
    r"시도한|해 본|해본) ?(?:작업|조치|내용|절차|것)|조치 내역|작업 내역)[^:\n]*:\s*$"
)


def normalize_ticket(text: str) -> Normalized:
    """The normalized text, with where identifiers, pasted lines and the title stand. An
    issue form's headings and instructions are blanked first (``template_blanked``)."""
    given = text.split("\n")
    reproduce = reproduce_headings(given) if "repro" in text.lower() else frozenset()
    text = template_blanked(text)
    lines = text.split("\n")
    # Folding keeps line breaks where they were (a line break composes with nothing, and
    # no code point folds into one: checked over all of Unicode), so the text is folded
    # once and split after.
    folded = _fold(text)
    folded_lines = folded.split("\n")
    found = [(token.start(), token.end()) for token in _IDENTIFIER.finditer(folded)]
    pasted = pasted_lines(lines) if len(lines) > 1 else [None]
    title = title_line(lines, pasted) if len(lines) > 1 else None
    blocks: list[tuple[int, int]] = []
    inputs: list[tuple[int, int]] = []
    title_span: tuple[int, int] | None = None
    line_starts: list[int] = []
    steps: list[tuple[int, int]] = []
    offset = 0
    item_before = False
    in_steps = False  # in a list whose introducing line says the customer did it
    said = ""  # the last line with words before this one
    heading = False  # that line was a form's heading over the steps to reproduce
    reproducing = False  # under that heading, until the form's next one
    for index, line in enumerate(folded_lines):
        item = _LIST_ITEM.match(line) is not None
        kind = pasted[index]
        if index and (item or item_before):
            line_starts.append(offset)
        if item and not item_before:
            in_steps = heading or _STEPS_INTRO.search(said) is not None
        if (item and in_steps) or (reproducing and kind is None and line.strip()):
            # a list's item, or any line of the customer's own under the heading: a form's
            # steps are often written one a line, without a list ("Install X on AKS")
            steps.append((offset, offset + len(line)))
        if index in reproduce:
            heading, item_before, reproducing = True, False, True
        elif line.strip():
            item_before, said, heading = item, line, False
        elif given[index].strip():  # a form's heading, blanked: it ends the list above
            item_before = heading = reproducing = False
        end = offset + len(line)
        if kind is not None and kind != FAILURE:
            spans = blocks if kind == OUTPUT else inputs
            if spans and spans[-1][1] >= offset - 1:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((offset, end))
        if index == title:
            title_span = (offset, end)
        offset = end + 1
    spaced = _spaced(folded)
    haystack = " ".join(spaced.split())
    lead = 1 if spaced.startswith(" ") else 0  # a leading run became one space, stripped
    if not (found or blocks or inputs or title_span or line_starts):
        return Normalized(haystack, ())
    # Map positions of the folded text to the normalized one: each run of separators
    # became one space. A run of one separator removed nothing, and no position lies
    # inside it, so only the longer runs are counted.
    starts: list[int] = []
    removed_before: list[int] = [0]  # removed by the runs before the k-th
    ends: list[int] = []
    for run in _SPACE_RUNS.finditer(spaced):
        starts.append(run.start())
        ends.append(run.end())
        removed_before.append(removed_before[-1] + run.end() - run.start() - 1)

    def where(position: int) -> int:
        k = bisect.bisect_left(starts, position)  # runs that start before the position
        removed = removed_before[k]
        if k and ends[k - 1] > position:  # inside the last of them: only part removed
            removed -= ends[k - 1] - position
        return max(0, min(len(haystack), position - removed - lead))

    def mapped(spans: list[tuple[int, int]]) -> Spans:
        return tuple((where(start), where(end)) for start, end in spans)

    return Normalized(
        haystack,
        mapped(found),
        mapped(blocks),
        mapped(inputs),
        (where(title_span[0]), where(title_span[1])) if title_span else None,
        tuple(sorted({where(start) for start in line_starts})),
        mapped(steps),
    )


# -- durations ----------------------------------------------------------------------
#
# A term written ``@<30d`` or ``@>=365d`` matches a duration stated in the text
# ("4 months ago", "older than 30 days", "두 달 전", "한 달 넘게"), compared in days.

DURATION_TERM = re.compile(r"^@(<|>=)(\d+)d$")
_EN_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "eighteen": 18, "twenty": 20, "thirty": 30,
}  # fmt: skip
_KO_NUMBERS = {
    "한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
    "아홉": 9, "열": 10, "열두": 12, "석": 3, "넉": 4,
}  # fmt: skip
# A month counts 30 days, but twelve of them or more count as the years they make: "more
# than 12 months" meets a year's condition (@>=365d), as "more than a year" does.
_MONTH = 30
_YEAR_IN_MONTHS = 12


def _in_days(number: float, unit: int) -> int:
    """``number`` units of ``unit`` days each, in whole days."""
    if unit == _MONTH and number >= _YEAR_IN_MONTHS:
        return int(number * 365 // _YEAR_IN_MONTHS)
    return int(number * unit)


_EN_UNITS = {"day": 1, "week": 7, "month": _MONTH, "year": 365}
_KO_DAYS = {"하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "열흘": 10, "보름": 15}
_KO_UNITS = {"일": 1, "주": 7, "주일": 7, "개월": _MONTH, "달": _MONTH, "년": 365}
# "1.5 years" counts its fraction; "3+ months" is at least three ("@>=90d" is met).
_EN_DURATION = re.compile(
    r"(?<![0-9a-z.])(?P<n>\d+(?:\.\d+)?|"
    + "|".join(_EN_NUMBERS)
    + r")(?P<plus>\+)? ?(?P<u>day|week|month|year)s?(?![a-z])"
)
# Every Korean duration starts with a digit or one of these syllables: looking ahead for
# them first lets the pattern skip most positions at once (a third of the time).
_KO_DURATION_START = "0-9" + "".join(sorted({w[0] for w in (*_KO_NUMBERS, *_KO_DAYS, "일")}))
_KO_DURATION = re.compile(
    rf"(?=[{_KO_DURATION_START}])"
    r"(?<![0-9가-힣.])(?:(?P<d>\d+|일(?= ?(?:주일|년))) ?(?P<du>개월|주일|달|년|주|일)|(?P<w>"
    + "|".join(sorted(_KO_NUMBERS, key=len, reverse=True))
    + r") ?(?P<wu>개월|주일|달|년|주)|(?P<day>"
    + "|".join(_KO_DAYS)
    + "))"
)
_EN_AT_LEAST = re.compile(r"(?:more than|over|older than|at least|longer than|past) $")
_EN_UNDER = re.compile(r"(?:less than|under|within|fewer than|younger than|only) $")
_KO_AT_LEAST = re.compile(r"^ ?(?:[가-힣]{0,2} )?(?:이상|넘|보다 오래|보다 더|지난|지났)")
_KO_UNDER = re.compile(r"^ ?(?:[가-힣]{0,2} )?(?:미만|이내|안 된|안 됐|도 안|안에|밖에 안)")


@dataclass(frozen=True, slots=True)
class Duration:
    start: int
    end: int
    low: float  # days, inclusive
    high: float  # days; inf when open-ended
    strict: bool  # high is excluded
    recent: bool = False  # a recent day named, not a time stated (``_recent``)


# How long things worked before the problem is not how long the problem has lasted: "has
# been working fine for months", "running without issues for 2 years", "몇 달간 잘 돌던
# 클러스터", "1년 동안 문제없이 쓰던".
_EN_HEALTHY_BEFORE = re.compile(
    r"\b(?:work|worked|working|run|ran|running|been fine|been stable|stable|fine)"
    r"(?: fine| well| ok| okay| stably| smoothly| without (?:any )?(?:issues?|problems?|errors?))? "
    r"for (?:the (?:last|past) |over |more than |about |almost |nearly )?(?:[^ ]+ )?$"
)
_KO_HEALTHY_AFTER = re.compile(
    r"^ ?(?:간|동안|째)? ?(?:잘|문제없이|문제 없이|정상적으로|이상 없이|별 문제 없이|무리 없이) ?"
    r"(?:돌|동작|작동|운영|쓰|사용|운용|돌아가)"
)


# Nor is a time that names what the customer took out: "removed everything whose vendor
# fix is less than 30 days old", "30일이 안 된 항목은 제외했습니다".
_EN_REMOVED_BEFORE = re.compile(
    r"\b(?:removed|filtered out|excluded|dropped|took out|left out)\b[^.!?\n]{0,60}$"
)
_KO_REMOVED_AFTER = re.compile(r"^[^.!?\n]{0,24}?(?:제외|뺐|빼고|걸러 냈|걸러냈|지웠)")


def healthy_time(haystack: str, start: int, end: int) -> bool:
    """Whether the time at ``start:end`` says how long something worked before the problem."""
    before = haystack[max(0, start - 48) : start]
    if " for " in before and _EN_HEALTHY_BEFORE.search(before):  # no " for ", no match
        return True
    return _KO_HEALTHY_AFTER.match(haystack[end : end + 24]) is not None


def _removed_time(haystack: str, start: int, end: int) -> bool:
    """Whether the time at ``start:end`` names what the customer took out."""
    if _EN_REMOVED_BEFORE.search(haystack[max(0, start - 64) : start]):
        return True
    return _KO_REMOVED_AFTER.match(haystack[end : end + 24]) is not None


def durations(haystack: str) -> tuple[Duration, ...]:
    """Every duration stated in a normalized text, as a range of days (not how long
    something worked before the problem, ``healthy_time``, nor the age of what the customer
    removed). A text that states no time but a recent day ("yesterday", "on Friday",
    "지난주") has that day, within the last two weeks (``_recent``)."""
    found = tuple(
        found
        for found in _durations(haystack)
        if not healthy_time(haystack, found.start, found.end)
        and not _removed_time(haystack, found.start, found.end)
    )
    return found or _recent(haystack)


def _durations(haystack: str) -> list[Duration]:
    found: list[Duration] = []
    for match in _EN_DURATION.finditer(haystack):
        number = match["n"]
        count = _EN_NUMBERS[number] if number in _EN_NUMBERS else float(number)
        days = _in_days(count, _EN_UNITS[match["u"]])
        before = haystack[max(0, match.start() - 16) : match.start()]
        at_least = match["plus"] is not None
        found.append(
            _ranged(match.start(), match.end(), days, before, "", english=True, at_least=at_least)
        )
    # Every Korean duration names its unit in Hangul: a text without any has none, and
    # the pattern, tried at each word, costs more than the check.
    for match in _KO_DURATION.finditer(haystack) if HANGUL.search(haystack) else ():
        if match["d"]:
            number = 1 if match["d"] == "일" else int(match["d"])  # 일주일, 일 년
            days = _in_days(number, _KO_UNITS[match["du"]])
        elif match["day"]:
            days = _KO_DAYS[match["day"]]
        else:
            days = _in_days(_KO_NUMBERS[match["w"]], _KO_UNITS[match["wu"]])
        after = haystack[match.end() : match.end() + 10]
        found.append(_ranged(match.start(), match.end(), days, "", after, english=False))
    return found


# A recent day named instead of a time: "yesterday", "on Friday evening", "over the weekend",
# "어제", "지난주", "월요일부터". It dates what happened within the last two weeks, so it
# counts only in a text that names no longer stretch in words ("months ago", "last year",
# "작년", "몇 달"), which a number-less time would leave unread; and it dates only the
# event of its own sentence (``ranking.rank``: "ran az aks stop on Friday" dates the stop,
# "node image upgraded yesterday" does not date a CVE's fix).
RECENT_DAYS = 14
_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_EN_RECENT = re.compile(
    r"\b(?:yesterday|last night|this morning|earlier today|today|"
    rf"(?:on|last|this|since|from) (?:{_WEEKDAYS})|"
    r"(?:over|during|on|this|last) the weekend|(?:this|last) weekend|this week|last week|"
    r"(?:a few|a couple of|couple of|few) (?:hours|days) ago)\b"
)
_KO_RECENT = re.compile(
    r"(?<![가-힣])(?:어제|어젯밤|그저께|그제|오늘|지난주|이번 주|지난 주말|주말(?:에|동안|사이)|"
    r"(?:월|화|수|목|금|토|일)요일|며칠 전)"
)
_LONGER = re.compile(
    r"(?=[mwy작재개몇달년올])"  # every form starts with one of these: skip other positions
    r"(?:\b(?:months?|years?|weeks ago)\b|작년|재작년|개월|몇 달|몇달|달 전|년 전|올해 초)"
)
# Each English form has one of these ("day" is in "yesterday", "today" and the weekdays): a
# text with none skips the pattern.
_EN_RECENT_WORDS = ("day", "night", "morning", "week", "ago")


def _recent(haystack: str) -> tuple[Duration, ...]:
    if _LONGER.search(haystack):
        return ()
    found = (
        _EN_RECENT.search(haystack) if any(word in haystack for word in _EN_RECENT_WORDS) else None
    )
    if found is None and HANGUL.search(haystack):
        found = _KO_RECENT.search(haystack)
    if found is None:
        return ()
    return (Duration(found.start(), found.end(), 0, RECENT_DAYS, False, recent=True),)


def _ranged(
    start: int,
    end: int,
    days: int,
    before: str,
    after: str,
    *,
    english: bool,
    at_least: bool = False,
) -> Duration:
    """The days stated, or at least or under them as the words around say ("more than",
    "이상", "less than", "이내"; ``at_least``: written "3+ months")."""
    if (
        at_least
        or (english and _EN_AT_LEAST.search(before))
        or (not english and _KO_AT_LEAST.match(after))
    ):
        return Duration(start, end, days, math.inf, False)
    if (english and _EN_UNDER.search(before)) or (not english and _KO_UNDER.match(after)):
        return Duration(start, end, 0, days, True)
    return Duration(start, end, days, days, False)


def satisfies(duration: Duration, op: str, days: int) -> bool:
    if op == ">=":
        return duration.low >= days
    return duration.high < days or (duration.strict and duration.high <= days)
