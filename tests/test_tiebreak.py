"""The tie-breaker (supportscope/core/tiebreak.py), through the walk that calls it
(``matcher.suggest``), on small hand-made trees and models."""

from __future__ import annotations

import pytest

from supportscope.core.engine import Level, Tree, resolve
from supportscope.core.learned import Learned, LevelModel, words
from supportscope.core.matcher import suggest
from tests.small_trees import advice_tree, hand_choice, hand_verdict, what_tree


def two_level_tree(disk: tuple[str, ...] = ("disk",), app: tuple[str, ...] = ("app",)) -> Tree:
    """One question: a managed disk (supported) or the customer's application
    (unsupported), and a managed DNS (supported) the model was never taught; ``disk`` and
    ``app`` are the terms of the first two."""
    return what_tree(
        [
            hand_choice("disk", list(disk)),
            hand_choice("app", list(app)),
            hand_choice("dns", ["coredns"]),
            hand_choice("quota", ["quota"]),
        ],
        {"disk": "yes", "app": "no", "dns": "yes", "quota": "no"},
        [hand_verdict("yes", "supported"), hand_verdict("no", "unsupported")],
    )


DISK_OR_APP = [
    (words("the volume will not attach, pvc pending"), ("disk",)),
    (words("attach timeout, the pvc stays pending"), ("disk",)),
    (words("since the release our deploy throws exceptions"), ("app",)),
    (words("after the deploy the release logs exceptions"), ("app",)),
]


def disk_or_app_model() -> Learned:
    """Past tickets: about the disk when they say attach/pvc, about the app when they say
    deploy/release, and about the quota; never about dns."""
    return Learned.train(
        "what",
        [
            *DISK_OR_APP,
            (words("quota exceeded on the subscription"), ("quota",)),
            (words("we hit the quota of the subscription"), ("quota",)),
        ],
    )


def test_the_tie_breaker_settles_close_candidates_by_the_tickets_they_read_like():
    tree = two_level_tree()
    text = "Since the release, our app throws exceptions about a disk on every deploy."
    assert suggest(tree, text).open_question is not None  # the words alone: a coin flip
    found = suggest(tree, text, learned=disk_or_app_model())
    assert found.answers == {"what": "app"}
    assert [note.kind for note in found.chosen["what"].notes] == ["learned"]
    assert [item.value for item in found.alternatives["what"]] == ["disk"]


def test_the_tie_breaker_never_picks_a_choice_it_does_not_know():
    tree = two_level_tree()
    found = suggest(tree, "coredns or our app, since the release", learned=disk_or_app_model())
    assert found.open_question is not None
    assert {item.value for item in found.candidates if item.score} == {"dns", "app"}


def test_the_tie_breaker_never_picks_a_choice_the_words_did_not_match():
    tree = two_level_tree()
    # the model reads "quota" into "subscription"; the rules matched disk and app only
    text = "our app and the disk, both on the subscription, pending"
    found = suggest(tree, text, learned=disk_or_app_model())
    assert found.answers.get("what") != "quota"


def test_the_tie_breaker_never_overrules_a_settled_question():
    tree = two_level_tree()
    text = "disk, disk, the disk again, since the release of our app"
    assert suggest(tree, text, learned=disk_or_app_model()).answers == {"what": "disk"}


def test_the_tie_breaker_leaves_a_close_call_open_when_the_model_is_not_sure():
    tree = two_level_tree()
    found = suggest(tree, "our app and a disk", learned=disk_or_app_model())
    assert found.open_question is not None


def test_the_tie_breaker_leaves_to_the_engineer_a_supported_pick_the_customer_runs():
    tree = two_level_tree()
    model = disk_or_app_model()
    plain = "The disk: the pvc stays pending, the volume will not attach, and our app waits."
    assert suggest(tree, plain, learned=model).answers == {"what": "disk"}
    theirs = (
        "We run a disk operator. The pvc stays pending, the volume will not attach, "
        "and our app waits."
    )
    found = suggest(tree, theirs, learned=model)
    assert found.open_question is not None
    assert [note.kind for note in found.candidates[0].notes] == ["runs"]
    # "our own" says they installed it
    found = suggest(tree, theirs.replace("a disk", "our own disk"), learned=model)
    assert found.open_question is not None
    assert [note.kind for note in found.candidates[0].notes] == ["installed"]


# -- the answers the engine never asks (tiebreak.unasked) ------------------------------


def disk_or_howto_model() -> Learned:
    """Past tickets: about the disk when they report a failure, advice when they ask which
    setting or size to choose."""
    return Learned.train(
        "what",
        [
            (words("the disk will not attach, timeout error"), ("disk",)),
            (words("attach error on the disk, timeout again"), ("disk",)),
            (words("which size should we choose, what setting do you recommend"), ("howto",)),
            (words("what setting should we choose, which size do you recommend"), ("howto",)),
            (words("our app crashes"), ("app",)),
            (words("the app crashes again"), ("app",)),
        ],
    )


ASKS = {("asks", "yes"): ("what", "howto")}


def test_a_ticket_that_reads_like_advice_requests_is_given_the_unasked_answer():
    text = "For the disk: which size should we choose, and what setting do you recommend?"
    found = suggest(advice_tree(), text, learned=disk_or_howto_model(), stands_for=ASKS)
    assert found.answers == {"what": "disk", "asks": "yes"}
    assert [(n.kind, n.detail) for n in found.chosen["asks"].notes] == [("reads-like", "howto")]
    result = resolve(advice_tree(), found.answers).result
    assert [part.name for part in result.parts] == ["disk", "advised"]


def test_a_fault_report_is_not_given_the_unasked_answer():
    text = "The disk will not attach: timeout error after the attach."
    found = suggest(advice_tree(), text, learned=disk_or_howto_model(), stands_for=ASKS)
    assert found.answers == {"what": "disk"}


def test_the_unasked_answer_is_not_read_for_a_verdict_it_cannot_join():
    # The app's verdict lists ``asks`` but its overlay (supported) cannot join it: the
    # answer is not proposed, since the verdict would drop it.
    text = "Our app: which size should we choose, and what setting do you recommend?"
    found = suggest(advice_tree(), text, learned=disk_or_howto_model(), stands_for=ASKS)
    assert found.answers == {"what": "app"}
    assert resolve(advice_tree(), found.answers).result.level is Level.UNSUPPORTED
    assert resolve(advice_tree(), found.answers).result.overlays == ()


def test_without_a_model_no_unasked_answer_is_read():
    text = "For the disk: which size should we choose, and what setting do you recommend?"
    assert suggest(advice_tree(), text, stands_for=ASKS).answers == {"what": "disk"}


# -- a supported answer the ticket does not read like (tiebreak.likelier) ---------------


def disk_app_or_dns_model() -> Learned:
    """``disk_or_app_model`` with past tickets about the managed DNS as well."""
    return Learned.train(
        "what",
        [
            *DISK_OR_APP,
            (words("lookups time out, names do not resolve"), ("dns",)),
            (words("names resolve slowly, lookups time out"), ("dns",)),
        ],
    )


def disk_words_tree() -> Tree:
    """``two_level_tree`` with three terms for the disk."""
    return two_level_tree(disk=("disk", "volume", "pvc"))


# The words name the disk three ways and the other candidate once; the rest reads like
# past tickets about that other candidate. Over 400 characters: a long ticket.
LONG_APP = (
    "Since the release our deploy throws exceptions, and after every deploy the release "
    "logs exceptions again. The exceptions name the disk, the volume and the pvc. "
    + "Since the release, after the deploy, the release logs exceptions. " * 4
    + "Our app is the one that logs them."
)
LONG_DNS = LONG_APP.replace("Our app", "The coredns").replace("exceptions", "lookups")


def test_a_long_ticket_reading_like_a_runner_up_that_is_not_supported_is_left_open():
    found = suggest(disk_words_tree(), LONG_APP, learned=disk_app_or_dns_model())
    assert len(LONG_APP) > 400
    assert found.open_question is not None
    assert found.open_question.key == "what"
    assert (found.held.rival, found.held.reason) == ("app", "reads-like")
    # the words' answer stays first among the candidates, the rival beside it
    assert [item.value for item in found.candidates[:2]] == ["disk", "app"]


def test_the_words_answer_a_long_ticket_when_no_model_reads_it():
    assert suggest(disk_words_tree(), LONG_APP).answers == {"what": "disk"}


def test_a_short_ticket_is_answered_by_its_words_whatever_it_reads_like():
    text = "Since the release the deploy logs exceptions naming the disk, volume and pvc; app."
    assert len(text) < 400
    assert suggest(disk_words_tree(), text, learned=disk_app_or_dns_model()).answers == {
        "what": "disk"
    }


def test_a_ticket_reading_like_a_runner_up_that_is_also_supported_is_answered():
    found = suggest(disk_words_tree(), LONG_DNS, learned=disk_app_or_dns_model())
    assert found.held is None
    assert found.answers == {"what": "disk"}


def test_a_ticket_reading_only_slightly_more_like_the_runner_up_is_answered(monkeypatch):
    from supportscope.core import tiebreak

    monkeypatch.setattr(tiebreak, "READS_LIKE_RATIO", 1e6)
    found = suggest(disk_words_tree(), LONG_APP, learned=disk_app_or_dns_model())
    assert found.held is None
    assert found.answers == {"what": "disk"}


def app_words_tree() -> Tree:
    """``two_level_tree`` with three terms for the customer's application."""
    return two_level_tree(app=("app", "service", "code"))


# The words name the customer's app three ways and the disk once; the rest reads like
# past tickets about the disk. Over 400 characters.
LONG_DISK = (
    "The volume will not attach and the pvc stays pending; attach timeout after attach "
    "timeout. Our app, our service and our code wait on the disk. "
    + "The volume will not attach, the pvc stays pending, attach timeout again. "
    * 4
)


def test_a_long_ticket_reading_like_a_runner_up_of_another_level_leaves_any_verdict_open():
    tree = app_words_tree()
    assert len(LONG_DISK) > 400
    assert suggest(tree, LONG_DISK).answers == {"what": "app"}  # the words alone
    found = suggest(tree, LONG_DISK, learned=disk_app_or_dns_model())
    assert resolve(tree, {"what": "app"}).result.level is Level.UNSUPPORTED
    assert (found.held.rival, found.held.reason) == ("disk", "reads-like")
    assert [item.value for item in found.candidates[:2]] == ["app", "disk"]


# -- a verdict whose level the ticket's wording reads unlike (tiebreak.unlikely) ---------


def release_wording_model() -> LevelModel:
    """Tickets worded as a release of the customer's own are unsupported; tickets worded as
    a volume that does not attach are supported."""
    return LevelModel.train(
        [
            (words("since the release our deploy throws exceptions"), "unsupported"),
            (words("after the deploy the release logs exceptions"), "unsupported"),
            (words("the volume will not attach, pvc pending"), "supported"),
            (words("attach timeout, the pvc stays pending"), "supported"),
        ]
    )


def test_a_long_ticket_worded_like_unsupported_tickets_leaves_a_supported_answer_open():
    tree = disk_words_tree()
    assert suggest(tree, LONG_APP).answers == {"what": "disk"}
    found = suggest(tree, LONG_APP, levels=release_wording_model())
    assert (found.held.rival, found.held.reason) == ("app", "level")
    assert [item.value for item in found.candidates[:2]] == ["disk", "app"]
    # each candidate the words matched says where it leads
    assert found.leads == {"disk": {Level.SUPPORTED}, "app": {Level.UNSUPPORTED}}


def test_a_settled_question_has_no_candidates_to_lead_anywhere():
    found = suggest(disk_words_tree(), LONG_APP)
    assert found.open_question is None
    assert found.leads == {}


def test_a_short_ticket_is_not_doubted_for_its_wording():
    text = "Since the release the deploy logs exceptions naming the disk, volume and pvc; app."
    found = suggest(disk_words_tree(), text, levels=release_wording_model())
    assert found.answers == {"what": "disk"}


def test_without_a_runner_up_of_another_level_the_wording_holds_nothing():
    text = LONG_APP.replace("Our app is the one that logs them.", "They are logged.")
    assert len(text) > 400
    model = release_wording_model()
    assert model.probabilities(words(text))["supported"] < 0.3  # the wording alone would
    found = suggest(disk_words_tree(), text, levels=model)
    assert found.held is None
    assert found.answers == {"what": "disk"}


def test_a_verdict_the_level_model_finds_likely_enough_is_answered(monkeypatch):
    from supportscope.core import tiebreak

    monkeypatch.setattr(tiebreak, "SUPPORTED_FLOOR", 0.0)
    found = suggest(disk_words_tree(), LONG_APP, levels=release_wording_model())
    assert found.held is None
    assert found.answers == {"what": "disk"}


def test_an_unsupported_answer_worded_like_supported_tickets_is_left_open_too():
    tree = app_words_tree()
    found = suggest(tree, LONG_DISK, levels=release_wording_model())
    assert resolve(tree, {"what": "app"}).result.level is Level.UNSUPPORTED
    assert (found.held.rival, found.held.reason) == ("disk", "level")


# -- the choice an open question should not leave out (tiebreak.likeliest) -------------

# Disk and app tie on words; the rest of the ticket reads like past tickets on the quota.
TIED_READS_QUOTA = "our app and the disk of the subscription were exceeded, we hit it"


def test_an_open_question_lists_the_choice_the_ticket_reads_likeliest_after_the_words_two():
    found = suggest(two_level_tree(), TIED_READS_QUOTA, learned=disk_or_app_model())
    assert found.open_question is not None
    assert [item.value for item in found.listed()] == ["disk", "app", "quota"]
    quota = found.listed()[2]
    assert (quota.score, [note.kind for note in quota.notes]) == (0, ["likely"])
    # where it leads is worked out like any listed candidate's
    assert found.leads["quota"] == {Level.UNSUPPORTED}
    # without a model, only what the words matched is listed
    plain = suggest(two_level_tree(), TIED_READS_QUOTA)
    assert [item.value for item in plain.listed()] == ["disk", "app"]


def test_the_likeliest_choice_is_not_moved_when_the_words_already_list_it_among_the_two():
    # The words name disk and app alike; the ticket reads about as much like either, and
    # least like the quota.
    text = "our app and a disk, the release is pending"
    found = suggest(two_level_tree(), text, learned=disk_or_app_model())
    assert found.open_question is not None
    assert [item.value for item in found.listed()] == ["disk", "app"]
    assert not any(note.kind == "likely" for item in found.candidates for note in item.notes)


def test_nothing_is_listed_for_its_reading_alone_where_the_words_match_no_choice():
    found = suggest(two_level_tree(), "we hit it again, exceeded", learned=disk_or_app_model())
    assert found.open_question is not None
    assert found.listed() == ()


# -- a narrow lead for a ticket that reads unlike its answer (tiebreak.unlike) -----------


def storage_tree() -> Tree:
    """``two_level_tree`` with the disk named as disk or storage (words no past ticket
    has) and the managed DNS as coredns: two supported choices the words may name."""
    return two_level_tree(disk=("disk", "storage"))


# The words name the disk twice and the managed DNS once: a lead on a long ticket, but a
# narrow one; everything else reads like past tickets about the subscription's quota.
LONG_QUOTA = (
    "We hit the limit again: exceeded on the subscription, and we hit it once more "
    "after lunch. The disk and the storage are fine, coredns too. "
    + "Exceeded on the subscription; we hit it again and again on the subscription. "
    * 5
)


def test_a_long_ticket_with_a_narrow_lead_that_reads_unlike_its_answer_is_left_open():
    tree = storage_tree()
    assert len(LONG_QUOTA) > 400
    assert suggest(tree, LONG_QUOTA).answers == {"what": "disk"}  # the words alone
    found = suggest(tree, LONG_QUOTA, learned=disk_or_app_model())
    assert found.open_question is not None
    assert (found.held.rival, found.held.reason) == ("quota", "unlike")
    # the words' answer stays first; the choice the ticket reads like, which no word
    # named, is listed beside it
    assert [item.value for item in found.candidates[:2]] == ["disk", "quota"]


def test_a_clear_lead_is_answered_however_little_the_ticket_reads_like_it():
    text = LONG_QUOTA.replace(", coredns too", "")
    found = suggest(storage_tree(), text, learned=disk_or_app_model())
    assert found.held is None
    assert found.answers == {"what": "disk"}


def test_a_short_ticket_with_a_narrow_lead_is_answered_whatever_it_reads_like():
    text = "We hit the limit, exceeded on the subscription; the disk, the storage, coredns."
    assert len(text) < 400
    found = suggest(storage_tree(), text, learned=disk_or_app_model())
    assert found.answers == {"what": "disk"}


def test_a_narrow_lead_the_ticket_reads_enough_like_is_answered(monkeypatch):
    from supportscope.core import tiebreak

    monkeypatch.setattr(tiebreak, "UNLIKE_CHANCE", 0.0)
    found = suggest(storage_tree(), LONG_QUOTA, learned=disk_or_app_model())
    assert found.held is None
    assert found.answers == {"what": "disk"}


# -- an answer resting on a single plain word (doubts._thin) ------------------------------

# One word names the disk, and nothing else any choice; the rest reads like past tickets
# about the subscription's quota.
THIN_QUOTA = "Our disk is fine. " + (
    "Exceeded on the subscription; we hit it again and again on the subscription. " * 6
)


@pytest.mark.parametrize(
    ("app_terms", "said", "answer"),
    [
        # a supported answer on one plain word
        (("app",), "Our disk is fine.", "disk"),
        # "unsupported" turns the customer away: one term of two words is not enough for it
        # either
        (("java app",), "Our java app is fine.", "app"),
    ],
)
def test_a_long_ticket_naming_its_answer_in_little_is_left_open(app_terms, said, answer):
    tree = two_level_tree(app=app_terms)
    _assert_left_open_for_quota(tree, THIN_QUOTA.replace("Our disk is fine.", said), answer)


@pytest.mark.parametrize(
    ("disk_terms", "said"),
    [
        # one plain word, said again
        (("disk",), "Our disk is fine, the disk again."),
        # generic wording of two words, said three times ("pod ip" in a long report about
        # the customer's own Redis)
        (("~disk volume",), "Disk volume fine, disk volume again, disk volume."),
    ],
)
def test_a_supported_answer_on_one_term_said_again_is_left_open(disk_terms, said):
    tree = two_level_tree(disk=disk_terms)
    _assert_left_open_for_quota(tree, THIN_QUOTA.replace("Our disk is fine.", said), "disk")


def _assert_left_open_for_quota(tree, text, answer):
    assert len(text) > 400
    assert suggest(tree, text).answers == {"what": answer}  # the words alone
    found = suggest(tree, text, learned=disk_or_app_model())
    assert found.open_question is not None
    assert (found.held.rival, found.held.reason) == ("quota", "thin")
    assert [item.value for item in found.listed()[:2]] == [answer, "quota"]


def test_one_plain_word_is_enough_where_the_ticket_reads_likeliest_to_be_about_it():
    text = (
        "Our disk again. "
        + "Attach timeout, the pvc stays pending; the volume will not attach. " * 6
    )
    found = suggest(two_level_tree(), text, learned=disk_or_app_model())
    assert found.held is None
    assert found.answers == {"what": "disk"}


def test_one_plain_word_is_enough_on_a_short_ticket():
    short = "Our disk is fine. Exceeded on the subscription again."
    assert suggest(two_level_tree(), short, learned=disk_or_app_model()).answers == {"what": "disk"}


def test_two_terms_settle_an_unsupported_answer_on_a_long_ticket():
    tree = two_level_tree(app=("app", "java"))
    text = THIN_QUOTA.replace("Our disk is fine.", "Our java app is fine.")
    found = suggest(tree, text, learned=disk_or_app_model())
    assert found.held is None
    assert found.answers == {"what": "app"}


def test_two_words_for_the_answer_are_more_than_thin():
    text = THIN_QUOTA.replace("Our disk is fine.", "Our disk and its storage are fine.")
    found = suggest(storage_tree(), text, learned=disk_or_app_model())
    assert found.held is None
    assert found.answers == {"what": "disk"}
