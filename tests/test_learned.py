"""The models learned from labelled tickets (supportscope/core/learned.py): the tie-breaker
and the level model."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from supportscope.core.learned import (
    LEVELS_SHIPPED,
    SHIPPED,
    Learned,
    LevelModel,
    _vector,
    chances,
    shipped,
    shipped_levels,
    tokens,
    words,
)
from tests import learn
from tests.accuracy import HOLDOUTS


def small_model() -> Learned:
    """Tickets about disks use disk words, tickets about ingress use ingress words."""
    return Learned.train(
        "component",
        [
            (words("the azure disk will not attach to the node, pvc pending"), ("volume",)),
            (words("disk attach timeout on the pvc after a node restart"), ("volume",)),
            (words("ingress returns 502 from the controller for every host"), ("ingress",)),
            (words("the ingress controller drops the host header, 502 again"), ("ingress",)),
            (words("디스크 attach 가 안 되고 pvc 가 pending 입니다"), ("volume",)),
            (words("인그레스 컨트롤러에서 502 가 납니다"), ("ingress",)),
            (words("the node is not ready after the disk attach and ingress 502"), ()),
        ],
    )


def test_tokens_keep_latin_words_and_cut_hangul_into_syllable_pairs():
    assert tokens("Ingress-NGINX 설치했는데 (502)") == [
        "설치",
        "치했",
        "했는",
        "는데",
        "ingress",
        "nginx",
        "502",
    ]


def test_a_one_syllable_korean_word_is_a_token_of_its_own():
    assert "안" in tokens("attach 가 안 되고")


def test_words_count_each_token():
    assert words("pvc pvc 디스크") == Counter({"pvc": 2, "디스": 1, "스크": 1})


def test_a_ticket_reads_most_like_the_choice_whose_tickets_share_its_words():
    model = small_model()
    likely = model.probabilities(
        words("our pvc is pending, the disk never attaches"), ["volume", "ingress"]
    )
    assert likely["volume"] > 0.5 > likely["ingress"]
    assert sum(likely.values()) == pytest.approx(1.0)
    korean = model.probabilities(words("인그레스에서 502 오류"), ["volume", "ingress"])
    assert korean["ingress"] > korean["volume"]


def test_a_choice_scores_its_bias_plus_its_weights_times_the_tickets_tf_idf_vector():
    # The definition, summed word by word, against the scores and the chances between two.
    model = small_model()
    found = words("the disk will not attach, ingress 502, pvc pending")
    vector = _vector(found, model._positions, model.idf)
    by_definition = {
        choice: model.bias[k]
        + sum(model.weights[k][position] * value for position, value in vector.items())
        for k, choice in enumerate(model.choices)
    }
    scores = model.scores(found)
    assert scores == pytest.approx(by_definition, rel=1e-12)
    assert model.probabilities(found, ["volume", "ingress"]) == pytest.approx(
        chances(by_definition, ["volume", "ingress"]), rel=1e-12
    )


@pytest.mark.parametrize("text", ["attach", "nothing the model knows"])
def test_a_ticket_with_one_known_word_or_none_scores_as_the_definition_says(text):
    model = small_model()
    found = words(text)
    vector = _vector(found, model._positions, model.idf)
    assert len(vector) < 2
    by_definition = {
        choice: model.bias[k]
        + sum(model.weights[k][position] * value for position, value in vector.items())
        for k, choice in enumerate(model.choices)
    }
    assert model.scores(found) == pytest.approx(by_definition, rel=1e-12)


def test_a_ticket_about_two_choices_teaches_a_share_of_each():
    alone = [
        (words("the azure disk will not attach, pvc pending"), ("volume",)),
        (words("ingress returns 502 from the controller"), ("ingress",)),
    ]
    shared = (words("pvc pending behind the ingress controller"), ("volume", "ingress"))
    model = Learned.train("component", [*alone, *alone, shared, shared])
    likely = model.probabilities(
        words("pvc pending behind the ingress controller"), ["volume", "ingress"]
    )
    assert likely["volume"] == pytest.approx(0.5, abs=0.1)


def test_training_twice_on_the_same_tickets_gives_the_same_file():
    assert small_model().to_text() == small_model().to_text()


def test_chances_are_only_between_choices_the_scores_have_and_need_two_of_them():
    scores = {"volume": -1.0, "ingress": -2.0}
    both = chances(scores, ["volume", "ingress", "added-later"])
    assert both == pytest.approx({"volume": math.e / (math.e + 1), "ingress": 1 / (math.e + 1)})
    assert chances(scores, ["volume", "added-later"]) == {}


def test_a_ticket_labelled_with_no_choice_teaches_nothing():
    model = small_model()
    assert model.choices == ("ingress", "volume")


def test_choices_the_model_does_not_know_are_left_out_and_one_known_choice_is_no_contest():
    model = small_model()
    assert set(model.probabilities(words("disk"), ["volume", "ingress", "added-later"])) == {
        "volume",
        "ingress",
    }
    assert model.probabilities(words("disk"), ["volume", "added-later"]) == {}


def test_a_word_seen_in_one_training_ticket_only_does_not_count():
    model = small_model()
    assert "restart" not in model.vocabulary  # in one ticket
    assert "pvc" in model.vocabulary


def test_the_model_survives_its_file_format():
    model = small_model()
    again = Learned.from_lines(model.to_text().splitlines(keepends=True))
    asked = words("the disk will not attach")
    for choice, value in model.probabilities(asked, ["volume", "ingress"]).items():
        assert again.probabilities(asked, ["volume", "ingress"])[choice] == pytest.approx(
            value,
            rel=1e-2,  # each weight kept to four significant digits
        )
    assert again.question == "component"


def test_a_file_of_another_format_or_cut_short_is_refused_by_name():
    with pytest.raises(ValueError, match="format '2'"):  # the naive Bayes model's file
        Learned.from_lines(["format\t2\n"])
    whole = small_model().to_text().splitlines(keepends=True)
    with pytest.raises(ValueError, match="cut short"):
        Learned.from_lines(whole[:-1])


def test_the_shipped_model_is_trained_on_the_working_files_only():
    assert not set(learn.training_files()) & set(HOLDOUTS)
    assert set(learn.training_files()) >= {"tickets.toml", "real-a.toml"}


# Not traced by coverage (``untraced``): training runs the lines the small models' tests
# above run, over every ticket, and tracing made it take three minutes instead of one.
@pytest.mark.usefixtures("untraced")
def test_the_shipped_models_are_what_training_on_the_corpus_gives_now():
    """Adding or relabelling a ticket without retraining (python -m tests.learn) fails here,
    for the tie-breaker and the level model alike."""
    assert SHIPPED.exists()
    assert learn.main(["--check"]) == 0


def test_the_shipped_model_tells_apart_the_choices_of_the_first_question():
    model = shipped()
    assert model is not None
    assert model.question == "component"
    assert {"kubelet", "ingress", "third-party-oss", "how-to"} <= set(model.choices)


# -- the level model (LevelModel) --------------------------------------------------------


def small_level_model() -> LevelModel:
    """Tickets where the customer installed something are unsupported, tickets about a
    managed part failing supported, tickets about a preview flag best effort."""
    return LevelModel.train(
        [
            (words("we installed our own operator with helm and it crashes"), "unsupported"),
            (words("our own operator, installed with helm, crashes again"), "unsupported"),
            (words("저희가 helm 으로 직접 설치한 operator 가 죽습니다"), "unsupported"),
            (words("the managed node pool fails to scale, nodes not ready"), "supported"),
            (words("nodes not ready after the managed upgrade of the pool"), "supported"),
            (words("노드 풀 업그레이드 후 노드가 not ready 입니다"), "supported"),
            (words("we registered the preview feature flag and it fails"), "best_effort"),
            (words("the preview feature flag fails after registering"), "best_effort"),
        ]
    )


def test_the_level_model_reads_the_level_tickets_worded_alike_have():
    model = small_level_model()
    theirs = model.probabilities(words("we installed an operator with helm; it crashes"))
    assert max(theirs, key=theirs.get) == "unsupported"
    assert sum(theirs.values()) == pytest.approx(1.0)
    managed = model.probabilities(words("after the upgrade the node pool is not ready"))
    assert max(managed, key=managed.get) == "supported"
    korean = model.probabilities(words("helm 으로 직접 설치한 operator 가 계속 죽어요"))
    assert max(korean, key=korean.get) == "unsupported"
    assert model.levels == ("best_effort", "supported", "unsupported")


def test_training_the_level_model_twice_gives_the_same_file():
    assert small_level_model().to_text() == small_level_model().to_text()


def test_the_level_model_survives_its_file_format():
    model = small_level_model()
    again = LevelModel.from_lines(model.to_text().splitlines(keepends=True))
    asked = words("we installed it with helm")
    for level, value in model.probabilities(asked).items():
        assert again.probabilities(asked)[level] == pytest.approx(value, rel=1e-3)


def test_a_level_model_file_of_another_format_cut_short_or_too_long_is_refused():
    with pytest.raises(ValueError, match="format '2'"):
        LevelModel.from_lines(["format\t2\n"])
    whole = small_level_model().to_text().splitlines(keepends=True)
    with pytest.raises(ValueError, match="cut short"):
        LevelModel.from_lines(whole[:-1])
    with pytest.raises(ValueError, match="after its words"):
        LevelModel.from_lines([*whole, "extra\t1\n"])
    with pytest.raises(ValueError, match="expected a 'bias' line"):
        LevelModel.from_lines([whole[0], whole[1], whole[3], *whole[2:]])
    with pytest.raises(ValueError, match="format ''"):
        LevelModel.from_lines([])


def test_the_shipped_level_model_knows_the_three_levels():
    model = shipped_levels()
    assert model is not None
    assert model.levels == ("best_effort", "supported", "unsupported")
    assert LEVELS_SHIPPED.exists()
