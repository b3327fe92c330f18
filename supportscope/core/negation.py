"""Whether a mention in a normalized ticket (``tickettext.normalize``) says the thing was
not done. Pure: no Django imports.

* ``negated`` says whether a mention is denied or contrasted away ("we did not",
  "아니라") rather than a symptom ("not ready", "안 돌아요" after a subject);
  ``negated_after`` whether the Korean words after a position deny what stands before.
* ``unmade_change`` says whether the sentence around a change only asks whether to make
  it, or only looks.
"""

from __future__ import annotations

import re

from supportscope.core.tickettext import healthy_time

# "We never ran az aks stop", "nobody installed Istio", "az aks stop 은 안 썼어요":
# a term named only to say that it was not done does not count. Symptoms stay:
# "can't resolve", "not ready" are not negations of an action.

# Contrast counts as denial: "the managed add-on, not upstream Istio", "instead of
# nginx", "사용자 지정 서브넷 아니고 관리형 서브넷", "직접 설치한 게 아니라 add-on". A bare
# "not" or "no" denies only when it names what is (not) used or done ("not on BYOCNI",
# "no custom iptables rules"); "could not connect to the API server", "no external IP"
# are symptoms and stay.

_EN_NEGATED = re.compile(
    # every form starts with one of these letters: looked ahead for first, most places of
    # the window are passed over at once (3.6 -> 1.2 microseconds a term)
    r"(?=[adhinorw])(?:"
    # a whole word: "whenever istiod restarts" and "the minor version" deny nothing
    r"\b(?:never|nobody|no one|didn't|did not|don't|do not|haven't|have not|hasn't|has not|"
    r"wasn't|was not|weren't|were not|without|instead of|rather than|other than|neither|nor|"
    r"not to) "
    # what the cluster never gets, or never does, is a symptom: "the service never gets an
    # external ip", "the pod never starts: warning failedmount", "metrics never reach
    # prometheus"
    r"(?!(?:get|gets|got|gotten|receive|receives|received|obtain|obtains|obtained|"
    r"acquire|acquires|acquired|assign|assigns|assigned|start|starts|started|finish|"
    r"finishes|finished|become|becomes|became|load|loads|loaded|respond|responds|responded|"
    r"return|returns|returned|complete|completes|completed|succeed|succeeds|succeeded|"
    r"come|comes|came|work|works|worked|reach|reaches|reached|arrive|arrives|arrived|"
    r"appear|appears|appeared|show|shows|showed|shown|"
    # nor what it never leaves: "pods never leave ContainerCreating"
    r"leave|leaves|left|exit|exits|exited|progress|progresses|progressed|recover|recovers|"
    r"recovered|transition|transitions|transitioned|pass|passes|passed|get past|gets past|"
    r"go past|move past|go beyond|come out of)\b)"
    r"(?:[^ .!?]+ ){0,3}$"  # in the same sentence: "… never starts. ingress nginx" is no denial
    r"|(?:not|isn't|aren't) (?:(?:on|using|use|a|an|the|from|via|upstream|self|installed|"
    r"our|any|custom|own|through|by|in|running|deployed|with) ){0,2}$"
    r"|\bnot (?:the|a|an|our|any) (?:[^ ]+ ){0,2}$"
    r"|\bno (?:custom|own|other|additional|extra|manual|third party|self installed|"
    r"changes to|change to|changes in) (?:[^ ]+ )?$)"
)
_KO_ACTIONS = (
    "켜|쓰|하|사용하|설치하|실행하|건드리|바꾸|변경하|추가하|적용하|만들|수정하|배포하|"
    "등록하|활성화하|구성하|설정하|올리|깔"
)
# The words between a term and the verb that denies it, in one clause: a word that ends
# a clause ("쓰고 있고", "배포하고 있으며", "설치하고 나서") starts another, whose "바꾼 것은
# 없습니다" denies only what it names; "-고" before "있", "싶" or "계" goes on with the verb
# ("쓰고 있지 않습니다").
_KO_CLAUSE_END = r"[가-힣]{0,3}(?:고|며|지만|는데|은데|니까)(?= (?!있|싶|계))"
_KO_LEAD = rf"^[가-힣]{{0,3}}(?: (?!{_KO_CLAUSE_END})[가-힣]{{1,4}}){{0,4}} "
# "안 썼어요", "설치하지 않았습니다": not done.
_KO_NOT_DONE = re.compile(
    # "안 돌아옵니다" (the node does not come back) is a symptom, not a thing left undone
    _KO_LEAD + r"(?:안 ?(?:썼|씁|써|했|쓰|하|함|씀|해|돌(?!아 ?[오와옵왔])|켰|켜|깔|바꿨|"
    r"건드|만들)|"
    rf"(?:{_KO_ACTIONS})(?:고 ?있)?지 ?(?:않|말))"
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
_EN_NO = re.compile(r"\bno $")  # matched where the window's last three characters start
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
    if _EN_NO.match(before, max(0, len(before) - 3)) and (
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


def said(haystack: str, words: re.Pattern[str]) -> bool:
    """Whether the text says one of ``words`` without denying it ("the AKS GitOps extension
    is not used", "GitOps 확장 안 쓰고" deny it)."""
    return any(
        not negated(haystack, found.start(), found.end()) for found in words.finditer(haystack)
    )
