"""The layout of a ticket: what the customer wrote, and what they pasted. Pure: no Django.

Real tickets are a few sentences around pasted output. The sentences say what the
customer asks and what they did; the pasted part shows what happened, and names every
component it passes through (``kubectl get pods -n kube-system`` lists coredns and
kube-proxy in every ticket). ``pasted_lines`` finds the pasted lines; nothing is
dropped: the matcher still reads them, and an error code or a failure reason found there
("ImagePullBackOff", "x509", "quota exceeded") keeps its full weight (``is_evidence``),
while a name found only there counts much less.

A line is pasted when it is:

* inside a fenced block (```` ``` ```` or ``~~~``), or indented by four spaces or a tab;
* a command at a prompt (``$ kubectl …``, ``PS C:\\> az …``, ``# helm …``) or one that
  starts with a tool's name (``kubectl get …``);
* a log line: a timestamp, a klog header (``E1130 08:14:02``), ``level=``/``time=``,
  JSON;
* a row of a table the tools print (columns set apart by two spaces or more:
  ``NAME  READY  STATUS``, ``Warning  FailedMount  2m  kubelet  …``);
* a stack-trace frame (``at com.…``, ``File "…", line 3``, ``goroutine 1``, ``main.go:42``);
* YAML: ``key: value`` lines with a key and no sentence (two in a row, or any under
  ``apiVersion``/``kind``/``spec``), and ``- name: …`` items.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(?:```|~~~)")
_INDENTED = re.compile(r"^(?: {4}|\t)\S")
_TOOLS = (
    "kubectl|az|helm|k|docker|crictl|curl|ssh|sudo|systemctl|journalctl|cat|grep|nslookup|"
    "dig|ping|wget|terraform|kubelogin|istioctl|cilium|calicoctl|ip|iptables|tcpdump|nc|"
    "openssl|git|apt|apt-get|yum|dnf|tail|ls|kubeadm|velero|flux|argocd|k9s|powershell|pwsh"
)
# At a prompt ("$ ", "PS C:\\> ", "user@host:~$ "), or a tool's name with a flag after it.
_COMMAND = re.compile(
    r"^\s*(?:\$|#|>|%|PS [^>]{0,80}>|[\w.-]+@[\w.-]+:[^$#\s]*[$#])\s*\S"
    rf"|^\s*(?:{_TOOLS})\s+\S.*\s--?[a-z]",
    re.IGNORECASE,
)
_LOG = re.compile(
    r"^\s*(?:"
    r"\[?\d{4}[-/.]\d\d[-/.]\d\d"  # 2026-11-30, [2026/11/30
    r"|\[?\d\d:\d\d:\d\d"  # 08:14:02
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* +\d{1,2},? +\d\d:\d\d"
    r"|[IWEF]\d{4} +\d\d:\d\d"  # klog: E1130 08:14:02
    r"|(?:time|level|ts|msg|caller)="
    r"|\{\s*\""  # JSON
    r"|\d+(?:\.\d+)? +(?:INFO|WARN|WARNING|ERROR|DEBUG|FATAL)"
    r"|(?:INFO|WARN|WARNING|ERROR|DEBUG|FATAL|TRACE)\b[:\] ]"
    r"|(?:Error|error|E0|W0|I0)(?: from server)?[:(]"
    r")",
    re.IGNORECASE,
)
_TABLE = re.compile(r"\S {2,}\S.*\S {2,}\S|\S\t+\S")
_TRACE = re.compile(
    r"^\s*(?:at [\w$.<>]+[.(]|File \".*\", line \d+|Traceback \(|goroutine \d+|panic: |"
    r"Caused by: |\.\.\. \d+ more)|\.(?:go|py|java|cs|js|ts|rs|cpp|c):\d+\b"
)
_YAML_KEY = re.compile(r"^\s*(?:- )?[\w.\-/\"']{1,60}:(?: +(\S.*))?$")
_YAML_ITEM = re.compile(r"^\s*- (?:[\w.\-/\"']+:|\S+$)")
_YAML_ROOT = re.compile(r"^\s*(?:apiVersion|kind|metadata|spec|data|status|items):")
# "aks-preview        0.5.131": a name and its version, as `az version`, `az extension list`
# or `pip list` print them (one gap, so not a table row); it says what is installed.
_VERSION_TEXT = r"v?\d+(?:\.\d+)+[\w.+\-]*"
_VERSION_ROW = re.compile(rf"^\s*[\w.\-]+(?: {{2,}}|\t+){_VERSION_TEXT}\s*$")
# '"aks-preview": "2.0.0b6"': the same as `az version` prints it, in JSON.
_VERSION_PAIR = re.compile(rf'"[\w.\-]+"\s*:\s*"{_VERSION_TEXT}"')
# The Azure CLI's notice on every command once an extension is installed ("The behavior of
# this command has been altered by the following extension: aks-preview"): it says the
# extension is there, not that the command used a preview feature.
_CLI_NOTICE = re.compile(
    r"\s*(?:warning: )?the behaviou?r of this command has been altered by the following "
    r"extensions?:",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[.!?。]\s|[가-힣]{2,}(?:다|요|니다|까)[.?!]?$")


def _yaml_like(line: str) -> bool:
    """A ``key: value`` line with a key and no sentence after it."""
    found = _YAML_KEY.match(line)
    if found is None:
        return bool(_YAML_ITEM.match(line))
    value = found[1] or ""
    return len(value.split()) <= 6 and not _SENTENCE.search(value)


OUTPUT = "output"  # what the tools printed: logs, tables, stack traces
INPUT = "input"  # what the customer ran or applied: commands, YAML, code
FAILURE = "failure"  # a log line or trace frame that reports an error: its words are evidence
# Searched in the line folded to lower case (quicker than a case-blind pattern).
_FAILURE_WORDS = re.compile(
    r"error|fail|unable|cannot|can't|could not|couldn't|denied|refused|timed? ?out|"
    r"exceeded|not ready|notready|forbidden|unauthori[sz]ed|invalid|panic|exception|fatal"
)


# A line that is one inline-code span and nothing else.
_QUOTED_LINE = re.compile(r"^\s*`([^`]+)`\s*$")


def pasted_lines(lines: list[str]) -> list[str | None]:
    """For each line of a ticket, what was pasted there (``OUTPUT`` or ``INPUT``), or None
    for the customer's own sentences."""
    out: list[str | None] = [None] * len(lines)
    fenced = False
    yaml_run = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            out[index] = INPUT
            fenced = not fenced
            continue
        if fenced:
            out[index] = _output(line) or INPUT
            continue
        stripped = line.strip()
        if not stripped:
            yaml_run = False
            continue
        quoted = _QUOTED_LINE.match(line)
        if quoted is not None:
            # a whole line in inline code: a message or a command, quoted as it was printed
            # or typed ("`Backend pool 'kubernetes' was added to … scale set`")
            inner = quoted[1]
            out[index] = INPUT if _COMMAND.match(inner) else _output(inner) or _printed(inner)
            continue
        command = _COMMAND.match(line) is not None and not _SENTENCE.search(line)
        printed = _output(line)
        if printed:
            out[index] = printed
        elif command:
            out[index] = INPUT
        elif _YAML_ROOT.match(line):
            out[index], yaml_run = INPUT, True
        elif _yaml_like(line):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if yaml_run or _yaml_like(following) or _INDENTED.match(following):
                out[index], yaml_run = INPUT, True
        elif _INDENTED.match(line):
            out[index] = _printed(line)
        else:
            yaml_run = False
    return out


def _printed(line: str) -> str:
    """``FAILURE`` for printed text that reports an error, ``OUTPUT`` for any other."""
    return FAILURE if _FAILURE_WORDS.search(line.lower()) else OUTPUT


def _output(line: str) -> str | None:
    """``FAILURE`` for a log line or trace frame that reports an error, ``OUTPUT`` for
    another line a tool printed (a log line, a table row), None for any other line."""
    if _CLI_NOTICE.match(line):
        return OUTPUT
    if _LOG.match(line) or _TRACE.search(line):
        return _printed(line)
    # a table's columns are two spaces or a tab apart: most lines have neither
    if ("  " in line or "\t" in line) and (
        (_TABLE.search(line) and not _SENTENCE.search(line)) or _VERSION_ROW.match(line)
    ):
        return OUTPUT
    if '"' in line and _VERSION_PAIR.search(line) and not _SENTENCE.search(line):
        return OUTPUT
    return None


# Issue forms (GitHub's bug and feature templates, the Kubernetes one, the Azure CLI's, the
# .NET runtime's):
# a real report often keeps their headings and the instructions nobody deleted. None of
# it is the customer's: "to indicate the AKS feature or area", "(e.g. HTTP microservices,
# Java app, …)" and "Kubernetes version [e.g. …]" would otherwise read as a how-to
# question, application code or a version problem. Blanked (``template_blanked``), the
# rest of the line (what the customer filled in) stays.
# Every pattern here reads a line folded to lower case.
_TEMPLATE_HEADING = re.compile(
    r"\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*"
    r"(?:describe the bug|describe scenario|to reproduce|expected behaviou?r|"
    r"actual behaviou?r|screenshots?|environment(?: summary)?|additional context|"
    r"what happened|what you expected to happen|how to reproduce it|"
    r"anything else we need to know|is your feature request related to a problem"
    r"(?:\? please describe)?|describe the solution you'?d like|"
    r"describe alternatives you'?ve considered|command name|errors?|reproduction|"
    r"steps to reproduce|relevant log output|what did you expect to happen|anything else|"
    # the .NET runtime's form, among others: "### Regression?" asks, it does not report one
    r"regression|known workarounds|reproduction steps|other information|"
    # a project's form: what the reporter checked, not the problem
    r"is there an existing issue for this|have you|code of conduct|"
    r"(?:kubernetes |aks |cluster )?version)"
    r"(?:\s*\([^)]*\))?\s*\??\.?\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?:?"
)
# What a line of the form starts with (hashes, a heading, an environment label).
_TEMPLATE_STARTS = (
    "#",
    "**",
    "__",
    "describe",
    "to reproduce",
    "expected",
    "actual",
    "screenshot",
    "environment",
    "additional context",
    "what happened",
    "what you expected",
    "how to reproduce",
    "anything else",
    "is your feature",
    "command name",
    "error",
    "reproduction",
    "steps to reproduce",
    "relevant log",
    "what did you",
    "kubernetes version",
    "aks version",
    "cluster version",
    "version",
    "is there an existing",
    "have you",
    "code of conduct",
)
# Instructions left in the form (searched only in a text that has one of ``_FRAGMENTS``).
_TEMPLATE_LINE = re.compile(
    r"a clear and concise description of|steps to reproduce the behavio|"
    r"if applicable, add screenshots|not to include sensitive or personal|"
    r"set the appropriate github label|add any other context about the problem|"
    r"^\s*(?:\d[.)]\s*)?(?:run command '\.\.\.'|see error)\s*$|this is autogenerated|"
    r"put any pre-requisite steps here|argument values have been redacted|"
    # "Make sure to check out known issues (…) before submitting": the form's, not a known issue
    r"\b(?:make sure|please) (?:to )?(?:check|read|search|look)\b.{0,160}?"
    r"\bbefore (?:submitting|filing|opening|posting)\b"
)
_FRAGMENTS = (
    "concise description",
    "steps to reproduce",
    "screenshots",
    "github label",
    "other context",
    "see error",
    "run command",
    "autogenerated",
    "pre-requisite steps",
    "argument values",
    "before submitting",
    "before filing",
    "before opening",
    "before posting",
    "[e.g.",
)
# The labels of the environment list, with their hints: "- Kubernetes version (use
# `kubectl version`):", "- CLI Version [e.g. 3.22]", "- Size of cluster (how many …?)".
# Kubernetes' own form lists "- Cloud provider or hardware configuration:", "- OS (e.g: `cat
# /etc/os-release`):", "- Kernel (e.g. `uname -a`):", "- Install tools:" and "- Network
# plugin and version (if this is a network-related bug):": a hint's "/etc/" is no node
# login, its "network plugin" no CNI question (OS and kernel only with their hint: "- OS
# disk resized" is the customer's).
_TEMPLATE_LABEL = re.compile(
    r"\s*[-*]\s*(?:cli version|kubernetes version|cli extension version|browser|"
    r"size of cluster|general description of workloads in the cluster|others|"
    r"cloud provider or hardware configuration|install tools|network plugin and version|"
    r"(?:os|kernel)(?=\s*\(e\.g))\b"
    r"(?:\s*\([^)]*\))*(?:\s*\[e\.g\.[^\]]*\])?(?:\s*(?:if|is) applicable)?\s*:?"
)
_LABEL_STARTS = (
    "cli version",
    "kubernetes version",
    "cli extension",
    "browser",
    "size of cluster",
    "general description",
    "others",
    "cloud provider or",
    "install tools",
    "network plugin and",
    "os",
    "kernel",
)
_TEMPLATE_HINT = re.compile(r"\[e\.g\.[^\]]*\]")
# The footer Microsoft's documentation adds to an issue filed from a page ("#### Document
# Details", "⚠ *Do not edit this section. It is required for learn.microsoft.com ➟ GitHub
# issue linking.*", "* Version Independent ID: …", "* Microsoft Alias: …") and the
# placeholder of its feedback box ("[Enter feedback here]"), in a text that has the footer.
# Only "* Content: [the page's title](…)" stays: the page the customer read says what they
# ask about.
_DOCS_FOOTER = re.compile(
    r"\s*(?:#{1,6}\s*document details\s*$|\[enter feedback here\]\s*$|"
    r".*do not edit this section\b|"
    r"[-*]\s*(?:id|version independent id|content source|service|sub-?service|github login|"
    r"microsoft alias|product|technology)\s*:)"
)
# A form's checklist, ticked or not: "- [x] I have searched the existing issues", "- [X] Read
# [Known Issues](…)". What the reporter says they did before filing, never the problem.
_CHECKLIST = re.compile(
    r"\s*[-*]\s*\[[ x]\]\s*(?:i (?:have |'ve )?)?(?:read|searched|checked|reviewed|agree|"
    r"confirm|understand)\b"
)
_SENTENCE_BREAK = re.compile(r"[.:!?](?=\s|$)")


# An HTML comment (a form's instructions, hidden when the report is shown), to its end or
# the text's.
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_NOT_BREAK = re.compile(r"[^\n]")


# A form's heading over the steps that reproduce the problem: the list under it is what the
# customer did, said as commands ("1. Deploy cluster-autoscaler …", "2. Edit the
# deployment in kube-system").
_REPRODUCE_HEADING = re.compile(
    r"\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?:steps to reproduce|to reproduce|how to reproduce|"
    r"reproduction steps|repro steps)\b"
)


def reproduce_headings(lines: list[str]) -> frozenset[int]:
    """The indexes of ``lines`` that head a form's steps to reproduce."""
    lows = (line.lower() for line in lines)
    return frozenset(
        index for index, low in enumerate(lows) if "repro" in low and _REPRODUCE_HEADING.match(low)
    )


def template_blanked(text: str) -> str:
    """The text with an issue form's headings, instructions, hints, checklist and HTML
    comments, and the documentation's issue footer, replaced by spaces (every other
    character where it was)."""
    if "<!--" in text:
        text = _HTML_COMMENT.sub(lambda comment: _NOT_BREAK.sub(" ", comment[0]), text)
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: read line by line
        low = ""
    instructions = any(fragment in low for fragment in _FRAGMENTS)
    footer = "issue linking" in low or "version independent id" in low
    lines = text.split("\n")
    lows = low.split("\n") if low else [line.lower() for line in lines]
    for index, (line, folded) in enumerate(zip(lines, lows, strict=True)):
        if len(folded) != len(line):
            continue
        start = folded.lstrip()
        if (start[:1] in "-*" and _CHECKLIST.match(folded)) or (
            footer and _DOCS_FOOTER.match(folded)
        ):
            lines[index] = " " * len(line)
            continue
        listed = start[:1] in "-*" and start[1:].lstrip().startswith(_LABEL_STARTS)
        told = instructions and any(fragment in folded for fragment in _FRAGMENTS)
        if not (told or listed or start.startswith(_TEMPLATE_STARTS)):
            continue
        for begin, end in _form_spans(folded, listed=listed, instructions=told):
            line = line[:begin] + " " * (end - begin) + line[end:]
        lines[index] = line
    return "\n".join(lines)


def _form_spans(line: str, *, listed: bool, instructions: bool) -> list[tuple[int, int]]:
    """Where the form's words stand in a folded line."""
    spans = []
    if instructions:
        spans += _instructions(line)
        spans += [hint.span() for hint in _TEMPLATE_HINT.finditer(line)]
    found = _TEMPLATE_LABEL.match(line) if listed else _heading(line)
    if found is not None:
        spans.append((0, found.end()))
    return spans


def _heading(line: str) -> re.Match[str] | None:
    """A form's heading: marked as one (hashes, emphasis, a colon) or alone on its line."""
    found = _TEMPLATE_HEADING.match(line)
    if found is None:
        return None
    marked = any(mark in found[0] for mark in ("#", "**", "__", ":"))
    return found if marked or not line[found.end() :].strip() else None


def _instructions(line: str) -> list[tuple[int, int]]:
    """Each sentence of a form's instructions in the line (the customer may have written on
    after it)."""
    spans = []
    found = _TEMPLATE_LINE.search(line)
    while found is not None:
        before = [stop.end() for stop in _SENTENCE_BREAK.finditer(line, 0, found.start())]
        start = before[-1] if before else 0
        stop = _SENTENCE_BREAK.search(line, found.end())
        end = stop.end() if stop else len(line)
        spans.append((start, end))
        found = _TEMPLATE_LINE.search(line, end)
    return spans


def title_line(lines: list[str], pasted: list[str | None]) -> int | None:
    """The index of the ticket's title: a short first line followed by more text."""
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if pasted[index] is not None or index + 1 >= len(lines) or len(line.strip()) > 120:
            return None
        return index
    return None


_CODE_WORDS = re.compile(
    r"error|fail|exceed|denied|forbidden|timeout|timed out|refused|unauthori[sz]ed|"
    r"not found|oom|evict|backoff|throttl|invalid|expired|unreachable|reset|"
    r"unhealthy|crash|panic|exception|오류|에러|실패|거부|초과|만료"
)
_CAMEL_REASON = re.compile(r"^(?:[A-Z][a-z]+){3,}$|^[A-Z]{2,}[A-Z][a-z]+\w*$")


def is_evidence(shown: str) -> bool:
    """Whether a term, as written in the tree, is an error code or a failure reason: what a
    pasted log shows happened, not a name it mentions on the way."""
    return (
        any(char.isdigit() for char in shown)
        or bool(_CAMEL_REASON.match(shown))
        or bool(_CODE_WORDS.search(shown.casefold()))
    )
