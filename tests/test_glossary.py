"""The Korean glossary (docs/korean-glossary.toml): one Korean term per concept.

Every Korean text of the tree and of the clauses uses the glossary's term and none of
the variants it forbids; a term's glossed form appears at most once, as its first
mention. Search terms are exempt (they match what tickets say).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from supportscope.core.content import read_policy

CONTENT = Path(__file__).resolve().parent.parent / "policy_content"
GLOSSARY_FILE = CONTENT.parent / "docs" / "korean-glossary.toml"
GLOSSARY = tomllib.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))["term"]


def korean_texts(content: Path = CONTENT) -> Iterator[tuple[str, str]]:
    """(where, text) for every Korean text shown to people."""
    policy = read_policy(content)
    tree = json.loads((content / "tree.json").read_text(encoding="utf-8"))
    for group in tree.get("groups", ()):
        yield f"group {group['key']}", group["label"]["ko"]
    for question in tree["questions"]:
        for part in ("text", "help"):
            if question.get(part):
                yield f"{question['key']} {part}", question[part]["ko"]
        for choice in question["choices"]:
            for part in ("label", "description"):
                if choice.get(part):
                    yield f"{question['key']}={choice['value']} {part}", choice[part]["ko"]
    for verdict in tree["verdicts"]:
        for part in ("rationale", "make_supported"):
            if verdict.get(part):
                yield f"{verdict['name']} {part}", verdict[part]["ko"]
    for section in policy.sections:
        yield f"{section.slug} title", section.title["ko"]
        for clause in section.clauses:
            yield f"{section.slug}--{clause.key}", clause.body["ko"]


def variants(text: str, glossary: list[dict] = GLOSSARY) -> list[str]:
    """The forbidden variants, and the misplaced glossed forms, a Korean text uses."""
    found = []
    for term in glossary:
        found += [f"{term['concept']}: {bad}" for bad in term.get("forbid", ()) if bad in text]
        found += [
            f"{term['concept']}: /{pattern}/"
            for pattern in term.get("forbid_regex", ())
            if re.search(pattern, text)
        ]
        first = term.get("first")
        if first and first in text:
            if text.count(first) > 1:
                found.append(f"{term['concept']}: {first} more than once")
            if text.find(term["ko"]) < text.find(first):
                found.append(f"{term['concept']}: {first} after the first mention")
    return found


def test_each_concept_has_one_term_and_forbids_its_variants():
    assert len(GLOSSARY) >= 13
    for term in GLOSSARY:
        assert term["concept"]
        assert term["ko"]
        assert term["source"]
        assert term.get("forbid") or term.get("forbid_regex"), term["concept"]
        assert not variants(term["ko"], [term]), term["concept"]
        if term.get("first"):
            assert term["first"].startswith(term["ko"]) or term["ko"] in term["first"]


def test_no_korean_text_uses_a_variant_the_glossary_forbids():
    texts = list(korean_texts())
    assert len(texts) > 300
    problems = [(where, problem) for where, text in texts for problem in variants(text)]
    assert problems == []


@pytest.mark.parametrize(
    "text",
    [
        "수신(Ingress) 컨트롤러",
        "애드온을 켭니다",
        "이그레스(송신) 어플라이언스",
        "패킷 유실이 있습니다",
        "노드를 재이미지함",
        "생성·스케일·삭제",
        "인그레스 컨트롤러와 인그레스(수신) 컨트롤러",
        "인그레스(수신)와 인그레스(수신)",
        "데몬셋 스크립트",
    ],
)
def test_the_glossary_check_catches_a_variant(text):
    assert variants(text)


@pytest.mark.parametrize(
    "text",
    [
        "인그레스(수신) 컨트롤러를 고르세요. 인그레스 컨트롤러는",
        "송신(이그레스) 요구 사항과 송신 트래픽",
        "스케일링",
    ],
)
def test_the_glossary_check_passes_the_terms(text):
    assert variants(text) == []


# A particle after a glossary term must agree with the term's last syllable: with a final
# consonant 이/을/은/과/으로, without one 가/를/는/와/로 (로 also after a final ㄹ). Putting
# the glossary's term in place of a variant can break this ("공급업체 수정가 나온").
_PARTICLE = r"(으로|이|가|을|를|은|는|과|와|로)(?=[\s.,)·]|$)"
_AFTER_CONSONANT = frozenset({"이", "을", "은", "과", "으로"})
_AFTER_VOWEL = frozenset({"가", "를", "는", "와", "로"})


def _final_consonant(syllable: str) -> int | None:
    """The final consonant's index (0: none; 8: ㄹ) of a Hangul syllable, else None."""
    code = ord(syllable) - 0xAC00
    return code % 28 if 0 <= code < 11172 else None


def particle_errors(text: str, glossary: list[dict] = GLOSSARY) -> list[str]:
    """Where a particle after a glossary term disagrees with the term's last syllable."""
    found = []
    for form in {term["ko"] for term in glossary} | {t["first"] for t in glossary if "first" in t}:
        bare = form.split("(")[0] if form.endswith(")") else form
        final = _final_consonant(bare[-1])
        if final is None:
            continue
        for match in re.finditer(re.escape(form) + _PARTICLE, text):
            particle = match[1]
            agrees = (particle in _AFTER_CONSONANT if final else particle in _AFTER_VOWEL) or (
                particle == "로" and final == 8
            )
            if not agrees:
                found.append(match[0])
    return found


def test_no_particle_after_a_glossary_term_disagrees_with_its_last_syllable():
    problems = [(where, bad) for where, text in korean_texts() for bad in particle_errors(text)]
    assert problems == []


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("공급업체 수정가 나온 지 30일", ["공급업체 수정가"]),
        ("공급업체 수정(패치)를 확인", ["공급업체 수정(패치)를"]),
        ("노드 이미지이 오래됨", []),  # 노드 이미지 is not a glossary term: not checked
    ],
)
def test_the_particle_check_catches_a_mismatch(text, bad):
    assert particle_errors(text) == bad


def test_the_particle_check_passes_agreeing_particles():
    assert particle_errors("공급업체 수정이 나온 지, 공급업체 수정(패치)을 확인") == []
