"""Reading a ticket's text before any term is looked for. Pure: no Django imports.

* ``normalize`` folds case and width (NFKC, casefold) and turns every run of spaces,
  hyphens, underscores, slashes, brackets, double quotes, commas and semicolons into
  one space, so ``ingress-nginx`` reads as ``ingress nginx``.
* ``normalize_marked`` also says where identifiers stand: words the customer did not
  choose (URLs, image references, annotation keys, ARM ids, names AKS generates);
  ``normalize_ticket`` says where pasted lines (``supportscope.core.layout``) and the title
  stand too.
* ``durations`` finds the spans of time a text states ("4 months ago", "두 달 전").
* ``negated`` says whether a mention is denied or contrasted away ("we did not",
  "아니라") rather than a symptom ("not ready", "안 돌아요" after a subject).

``supportscope.core.matcher`` reads tickets through these.
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

_SEPARATOR = r"[\s_\-\u2010-\u2015/·()\[\]{}\"“”,;]"
_SEPARATORS = re.compile(rf"{_SEPARATOR}+")
# The runs that shorten the text when each becomes one space (``normalize_ticket``).
_SEPARATOR_RUNS = re.compile(rf"{_SEPARATOR}{{2,}}")
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
    return _SEPARATORS.sub(" ", _fold(text)).strip()


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
    # ahead rules out the other words before each kind is tried (a third of the time)
    rf"(?<!{_IDENT_CHAR})(?={_IDENT_CHAR}*?[./:_]|aks-)(?:"
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
    for index, line in enumerate(folded_lines):
        item = _LIST_ITEM.match(line) is not None
        if index and (item or item_before):
            line_starts.append(offset)
        if item and not item_before:
            in_steps = heading or _STEPS_INTRO.search(said) is not None
        if item and in_steps:
            steps.append((offset, offset + len(line)))
        if index in reproduce:
            heading, item_before = True, False
        elif line.strip():
            item_before, said, heading = item, line, False
        elif given[index].strip():  # a form's heading, blanked: it ends the list above
            item_before = heading = False
        end = offset + len(line)
        kind = pasted[index]
        if kind is not None and kind != FAILURE:
            spans = blocks if kind == OUTPUT else inputs
            if spans and spans[-1][1] >= offset - 1:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((offset, end))
        if index == title:
            title_span = (offset, end)
        offset = end + 1
    haystack = _SEPARATORS.sub(" ", folded)
    lead = len(haystack) - len(haystack.lstrip())
    haystack = haystack.strip()
    if not (found or blocks or inputs or title_span or line_starts):
        return Normalized(haystack, ())
    # Map positions of the folded text to the normalized one: each run of separators
    # became one space. A run of one separator removed nothing, and no position lies
    # inside it, so only the longer runs are counted.
    starts: list[int] = []
    removed_before: list[int] = [0]  # removed by the runs before the k-th
    ends: list[int] = []
    for run in _SEPARATOR_RUNS.finditer(folded):
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
    if _EN_HEALTHY_BEFORE.search(haystack[max(0, start - 48) : start]):
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
        if match["plus"]:
            found.append(Duration(match.start(), match.end(), days, math.inf, False))
            continue
        before = haystack[max(0, match.start() - 16) : match.start()]
        found.append(_ranged(match.start(), match.end(), days, before, "", english=True))
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


def _ranged(start: int, end: int, days: int, before: str, after: str, *, english: bool) -> Duration:
    if (english and _EN_AT_LEAST.search(before)) or (not english and _KO_AT_LEAST.match(after)):
        return Duration(start, end, days, math.inf, False)
    if (english and _EN_UNDER.search(before)) or (not english and _KO_UNDER.match(after)):
        return Duration(start, end, 0, days, True)
    return Duration(start, end, days, days, False)


def satisfies(duration: Duration, op: str, days: int) -> bool:
    if op == ">=":
        return duration.low >= days
    return duration.high < days or (duration.strict and duration.high <= days)


# -- negation -----------------------------------------------------------------------
#
# "We never ran az aks stop", "nobody installed Istio", "az aks stop 은 안 썼어요":
# a term named only to say that it was not done does not count. Symptoms stay:
# "can't resolve", "not ready" are not negations of an action.

# Contrast counts as denial: "the managed add-on, not upstream Istio", "instead of
# nginx", "사용자 지정 서브넷 아니고 관리형 서브넷", "직접 설치한 게 아니라 add-on". A bare
# "not" or "no" denies only when it names what is (not) used or done ("not on BYOCNI",
# "no custom iptables rules"); "could not connect to the API server", "no external IP"
# are symptoms and stay.

_EN_NEGATED = re.compile(
    r"(?:never|nobody|no one|didn't|did not|don't|do not|haven't|have not|hasn't|has not|"
    r"wasn't|was not|weren't|were not|without|instead of|rather than|other than|neither|nor|"
    r"not to) "
    # what the cluster never gets, or never does, is a symptom: "the service never gets an
    # external ip", "the pod never starts: warning failedmount"
    r"(?!(?:get|gets|got|gotten|receive|receives|received|obtain|obtains|obtained|"
    r"acquire|acquires|acquired|assign|assigns|assigned|start|starts|started|finish|"
    r"finishes|finished|become|becomes|became|load|loads|loaded|respond|responds|responded|"
    r"return|returns|returned|complete|completes|completed|succeed|succeeds|succeeded|"
    r"come|comes|came|work|works|worked)\b)"
    r"(?:[^ .!?]+ ){0,3}$"  # in the same sentence: "… never starts. ingress nginx" is no denial
    r"|(?:not|isn't|aren't) (?:(?:on|using|use|a|an|the|from|via|upstream|self|installed|"
    r"our|any|custom|own|through|by|in|running|deployed|with) ){0,2}$"
    r"|\bnot (?:the|a|an|our|any) (?:[^ ]+ ){0,2}$"
    r"|\bno (?:custom|own|other|additional|extra|manual|third party|self installed|"
    r"changes to|change to|changes in) (?:[^ ]+ )?$"
)
_KO_ACTIONS = (
    "켜|쓰|하|사용하|설치하|실행하|건드리|바꾸|변경하|추가하|적용하|만들|수정하|배포하|"
    "등록하|활성화하|구성하|설정하|올리|깔"
)
_KO_LEAD = r"^[가-힣]{0,3}(?: [가-힣]{1,4}){0,4} "
# "안 썼어요", "설치하지 않았습니다": not done.
_KO_NOT_DONE = re.compile(
    # "안 돌아옵니다" (the node does not come back) is a symptom, not a thing left undone
    _KO_LEAD + r"(?:안 ?(?:썼|했|쓰|하|함|씀|해|돌(?!아 ?[오와옵왔])|켰|켜|깔|바꿨|건드|만들)|"
    rf"(?:{_KO_ACTIONS})지 ?(?:않|말))"
)
# "쓴 적이 없습니다", "직접 설치한 게 아니라", "들어가서 바꾼 설정은 없고", "nginx 말고":
# never done, or contrasted away.
_KO_NEVER_OR_CONTRAST = re.compile(
    _KO_LEAD + r"(?:[가-힣]{0,4}(?:쓴|한|켠|건드린|깐|만든|바꾼|된|댄|만진|넣은|올린|고친) ?"
    r"(?:적|게|건|거|것은?|[가-힣]{1,4}[은는도](?= )) ?(?:이 |은 |도 )?"
    r"(?:(?:전혀|딱히|따로|별도로|아무것도) )?(?:없|아니)|"
    r"아니[고라며다니에야]|아닌|아닙|아님|말고|대신)"
)
# A term that carries the subject particle is what acts: "카펜터가 노드를 안 만들어요",
# "nginx가 안 돌아요", "npm 자체가 동작을 안 하는" say what it fails to do (a symptom),
# not that it was not used.
_KO_SUBJECT = re.compile(r"^ ?(?:[이가]| (?:자체|쪽|파드|서비스|컨트롤러|에이전트|데몬)[이가]) ")
SENTENCE_END = re.compile(r"[.!?\n]")
# "접속하거나 ": a verb joined by "or" to the next one.
_KO_OR = re.compile(r"^[가-힣]{0,4}(?: [가-힣]{1,6})?거나 ")
# "직접 설치한 nginx는 없습니다", "aks-preview 는 없고": a term with a topic particle (spaced
# or not), then "없": not there.
# Without a particle only right before "없": "PDB 없고" (there is none), but "API 서버 응답이
# 없습니다" says the server does not answer.
_KO_ABSENT = re.compile(r"^(?: ?[은는도] ?(?:[가-힣]{1,4} )?| )없")


# "no custom subnet": a bare "no" right before a term that itself names what is used;
# "no preview features", "no SSH changes", "no DaemonSets touching the host": a bare "no"
# before a term that the next word says was (not) used or changed.
_EN_NO = re.compile(r"\bno $")
_NO_QUALIFIERS = frozenset({"custom", "own", "other", "additional", "extra", "manual", "self"})
# "aks-preview not installed", "Istio is not used here": denied right after the term. Only
# verbs of having or using it; "not ready", "not working" are symptoms and stay.
_EN_NOT_AFTER = re.compile(
    r"^ (?:is |are |was |were )?(?:not|isn't|aren't|wasn't|weren't|never) (?:been |being )?"
    r"(?:installed|used|in use|deployed|involved)\b"
)
# "istio 는 설치되어 있지 않습니다", "aks-preview 확장은 깔려 있지 않고", "미설치": not
# there, said right after the term. Only being installed or deployed: "적용되어 있지 않은"
# (a policy that seems not applied), "설치되지 않습니다" (an install that fails) are symptoms.
_KO_NOT_THERE = re.compile(
    r"^ ?[은는이가도]? ?(?:[가-힣]{1,4} )?(?:(?:설치|배포)(?:되어|돼) ?있지 ?않|"
    r"깔려 ?있지 ?않|(?:설치|배포) ?안 ?(?:되어|돼) ?있|미(?:설치|사용))"
)
_NO_USED = re.compile(
    r"^ (?:[^ ]+ )?(?:changes?|changed|modifications?|features?|flags?|touching|tweaks?|"
    r"edits?|customi[sz]ations?|enabled|installed|involved|in use|used|deployed)\b"
)


# A Korean verb said only to deny it, read right after the verb (or after the name it
# takes): "설치하지 않았", "설치한 적 없", "따로 설치한 건 없습니다", "직접 설치한 게
# 아니라", "수정하지 않았다고", "삭제한 적 없음".
KO_DENIED_AFTER = re.compile(
    r"^[가-힣]{0,3} ?(?:지 ?않|지 ?말|안 |"
    r"(?:건|게|거|것이|것은|것도|적은|적이|적도|적)? ?(?:없|아니))"
)


# A term that is itself what the system fails to do: "the disks would not attach", "the
# corporate dns cannot resolve the zone", "the load balancer is not forwarding". Denied only
# where the customer says they did not do it ("we did not detach anything").
_FAILS_TO = frozenset(
    {
        "attach", "attaching", "mount", "mounting", "resolve", "resolving", "forward",
        "forwarding", "evict", "evicted", "reboot", "reboots", "rebooted", "schedule",
        "scheduled", "pull", "pulling", "connect", "connecting",
    }
)  # fmt: skip
_EN_WHO_DID = re.compile(r"\b(?:we|i|they)\b")


def negated(haystack: str, start: int, end: int) -> bool:
    before = haystack[max(0, start - 40) : start]
    if _EN_NEGATED.search(before):
        if haystack[start:end].split(" ")[0] not in _FAILS_TO:
            return True
        return _EN_WHO_DID.search(SENTENCE_END.split(before)[-1]) is not None
    if _EN_NO.search(before) and (
        haystack[start:end].split(" ")[0] in _NO_QUALIFIERS
        or _NO_USED.match(haystack[end : end + 40])
    ):
        return True
    after = haystack[end : end + 28]
    if _EN_NOT_AFTER.match(haystack[end : end + 40]) or _KO_NOT_THERE.match(after):
        return True
    if _KO_NEVER_OR_CONTRAST.match(after) or _KO_ABSENT.match(after):
        return True
    if _KO_SUBJECT.match(after):
        return False
    if _KO_NOT_DONE.match(after):
        return True
    # "노드에 접속하거나 데몬셋으로 뭘 바꾼 건 없고": the first of two things joined by
    # "-거나" is denied with the second.
    joined = _KO_OR.match(after)
    if joined is not None and negated_after(haystack, end + joined.end()):
        return True
    return healthy_time(haystack, start, end)


def negated_after(haystack: str, position: int) -> bool:
    """Whether the next few Korean words from ``position``, in the same sentence, deny
    what stands before them."""
    window = SENTENCE_END.split(haystack[position : position + 48], maxsplit=1)[0]
    spaces = [index + 1 for index, char in enumerate(window) if char == " "]
    starts = [0, *spaces[:3]]
    return any(
        _KO_NEVER_OR_CONTRAST.match(window[at:]) or _KO_NOT_DONE.match(window[at:]) for at in starts
    )


# A change the customer asks whether to make is not one they made: "should we SSH in and
# patch the nodes ourselves?", "저희가 노드에 들어가서 apt upgrade 해야 하는지". Read only
# for the choices that say what the customer changed (``ranking.ASKED_GROUPS``).
_EN_ASKED = re.compile(
    r"(?:\bshould (?:we|i)|\b(?:do|would) (?:we|i) (?:need|have) to|"
    r"\bare we (?:supposed|expected|meant|allowed) to|\bis it (?:ok|okay|safe|allowed|"
    r"recommended|supported) to|\bwhether (?:we|i|to)|\bwho (?:should|has to|needs to)) "
    r"(?:[^ .!?\n]+ ){0,6}$"
)
_KO_ASKED = re.compile(
    r"^[^.!?\n]{0,30}?(?:야|도) ?(?:하는지|하나요|할까요|합니까|하는 건가요|하는 건지|"
    r"되나요|되는지|될까요|되는 건가요|되는 건지)"
)


# Signing in to a node only to look is no change: "I checked with kubectl debug node and
# /etc/kubernetes/certs has only …", "노드에 접속해서 확인해 보니 …". A sentence with a
# verb of looking and none of changing.
_LOOKED = re.compile(
    r"\b(?:checked|looked|inspected|verified|confirmed|saw|noticed|listed|found|see|shows?|"
    r"showed)\b|확인(?:했|해 ?보|하니|한 ?결과|해서)|봤|보니|살펴|조회"
)
_CHANGED = re.compile(
    r"\b(?:edit|edited|chang|modif|install|updat|upgrad|patch|set|added|add|remov|delet|"
    r"restart|reboot|replac|wrote|writ|configur|appli|apply|tun|disabl|enabl|mount|copied|"
    r"creat|ran apt|run apt|fix)|수정|변경|바꾸|바꿨|설치|삭제|추가|재시작|재부팅|적용|설정|"
    r"넣|지웠|고쳤|만들"
)


def sentence_at(haystack: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``start:end``: from the last sentence mark before it (up to 80
    characters back) to the next one after it (up to 120 characters on)."""
    first = max((haystack.rfind(mark, max(0, start - 80), start) for mark in ".!?\n"), default=-1)
    window = haystack[end : end + 120]
    stop = SENTENCE_END.search(window)
    return first + 1, end + (stop.start() if stop else len(window))


def unmade_change(haystack: str, start: int, end: int) -> str | None:
    """Why the sentence around a term tells of no change made, if it does: it asks whether
    to make it ("asked"), or says the customer only looked ("looked")."""
    first, last = sentence_at(haystack, start, end)
    if _EN_ASKED.search(haystack[first:start]) or _KO_ASKED.match(haystack[end : end + 40]):
        return "asked"
    sentence = haystack[first:last]
    if _LOOKED.search(sentence) is not None and _CHANGED.search(sentence) is None:
        return "looked"
    return None
