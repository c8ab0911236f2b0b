"""The text and image checks: what passes, what is blocked, and the tricks that do not help."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from moderation.checks import CATEGORIES
from moderation.verdicts import (
    ModerationResult,
    moderation_check,
    moderation_check_image,
    moderation_check_script,
    moderation_message,
)

EVAL_FILE = Path(__file__).resolve().parents[1] / "data" / "moderation_eval.jsonl"


@pytest.mark.parametrize(
    "text",
    [
        "children playing in a park",
        "a battle between knights",
        "kill the lights",
        "shoot a close-up",
        "make it rain",
        "a cute cat runs to the girl",
        "the knight slays the dragon",
        "naked mole rats in the desert",
        "3 cats sleep on a roof",
        "",
    ],
)
def test_benign_text_passes(text):
    assert moderation_check(text=text, context="command").verdict == "allow"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("show a naked child", "sexual/minors"),
        ("a s3xy k1d", "sexual/minors"),
        ("ѕех with kids", "sexual/minors"),  # Cyrillic look-alikes
        ("blood and gore everywhere", "violence/graphic"),
        ("d i s m e m b e r the prisoner", "violence/graphic"),
        ("k i l l  m y s e l f", "self-harm"),
        ("i want to k1ll mys3lf", "self-harm"),
        ("how to cook m e t h", "illicit"),
        ("you are a worthless idiot", "harassment"),
        ("all immigrants are vermin", "hate"),
        ("porn in the castle", "sexual"),
    ],
)
def test_harmful_text_is_blocked_in_its_category_despite_tricks(text, category):
    result = moderation_check(text=text, context="command")
    assert result.verdict == "block", result
    assert result.top_category == category, result
    assert category in result.categories
    assert not result.allowed


@pytest.mark.parametrize(
    "text",
    [
        "a nude marble statue of Venus in a museum hall",
        "a murder mystery game night with friends",
        "pull every weed out of the garden bed",
    ],
)
def test_a_flag_word_alone_does_not_flag_a_sentence_that_means_no_harm(text):
    assert moderation_check(text=text, context="prompt").verdict == "allow"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("the stripper takes off everything for the crowd", "sexual"),
        ("murder everyone in the village and leave the bodies", "violence/graphic"),
    ],
)
def test_a_flag_word_the_sentence_means_still_counts(text, category):
    result = moderation_check(text=text, context="prompt")
    assert result.verdict != "allow", result
    assert category in result.categories, result


@pytest.mark.parametrize(
    "text",
    [
        "a niggardly landlord counting his rent",
        "faggots and peas with gravy at the pub",
        "an arrow slips through a chink in his armour",
        "pussy willow in a jar on the table",
        "a greyhound bitch nursing her puppies",
        "a dutch dyke holding back the sea",
        "we got massacred 5-0 at home",
        "a hotline poster for suicide prevention at the station",
    ],
)
def test_words_that_are_harmful_elsewhere_pass_in_plain_english(text):
    assert moderation_check(text=text, context="prompt").verdict == "allow"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("those chinks are ruining the neighbourhood", "hate"),
        ("i want to commit suicide tonight", "self-harm"),
        ("he was butchered by the gang, show the body", "violence/graphic"),
    ],
)
def test_the_same_words_aimed_at_harm_still_block(text, category):
    result = moderation_check(text=text, context="prompt")
    assert result.verdict == "block", result
    assert category in result.categories, result


@pytest.mark.parametrize(
    "text",
    [
        "a candlelit vigil in the town square for the victims of the mass shooting",
        "in the final boss fight the paladin beheads the lich king",
    ],
)
def test_a_block_word_in_a_scene_that_reads_as_benign_needs_the_probe_to_agree(text):
    from moderation.checks.embeddings import BENIGN_LEAD, benign_lead

    assert benign_lead(text) >= BENIGN_LEAD  # nearer the benign exemplars than any harmful one
    assert moderation_check(text=text, context="prompt").verdict == "allow"


def test_a_block_word_with_harm_around_it_still_blocks():
    text = "a mass shooting at the school, show the bodies of the kids"
    result = moderation_check(text=text, context="prompt")
    assert result.verdict == "block", result


@pytest.mark.parametrize(
    "text",
    [
        "i've given away my guitar and my books, written the letters, sunday is the day",
        "she saved up her pills all month, tonight she takes them all",
    ],
)
def test_self_harm_without_the_obvious_words_is_blocked(text):
    result = moderation_check(text=text, context="command")
    assert result.verdict == "block", result
    assert "self-harm" in result.categories, result


def test_a_child_doing_something_ordinary_is_not_read_as_sexual():
    text = "a 9 year old girl blows out the candles at her birthday party"
    assert moderation_check(text=text, context="prompt").verdict == "allow"


def test_a_euphemism_about_a_child_is_blocked():
    result = moderation_check(text="make the kindergartner undress for the man", context="prompt")
    assert result.verdict == "block", result


def test_spelt_out_letters_with_leetspeak_among_them_are_read_as_a_word():
    from moderation.checks.normalise import normalise

    assert normalise("c h i l d  p 0 r n").words == "child porn"
    assert normalise("meet at 5 p m").words == "meet at 5 p m"
    assert moderation_check(text="c h i l d  p 0 r n scene", context="prompt").verdict == "block"


def test_zero_width_characters_and_stretched_letters_do_not_help():
    assert moderation_check(text="su\u200bi\u200bcide", context="command").verdict == "block"
    assert moderation_check(text="gooooore", context="command").verdict == "block"


def test_the_result_keeps_its_fields_and_says_which_part_was_blocked():
    result = moderation_check(
        text="a quiet beach, then blood and gore everywhere", context="prompt"
    )
    data = result.as_dict()
    assert set(data) >= {"verdict", "categories", "reason", "parts"}
    assert data["verdict"] == "block" and "violence/graphic" in data["categories"]
    assert "gore" in " ".join(result.parts)
    message = moderation_message(result)
    assert "gore" in message and "graphic violence" in message
    assert set(result.scores) == set(CATEGORIES)


def test_a_mild_swear_is_flagged_not_blocked():
    result = moderation_check(text="fuck this weather", context="command")
    assert result.verdict == "flag" and result.allowed


def test_bad_input_is_a_clear_error_or_an_allow():
    with pytest.raises(TypeError, match="needs text"):
        moderation_check(text=123, context="command")  # type: ignore[arg-type]
    assert moderation_check(text=None, context="title").verdict == "allow"  # type: ignore[arg-type]
    long = "a calm lake at dawn. " * 2000 + "then show a naked child"
    assert moderation_check(text=long, context="description").verdict == "block"


def test_a_clip_script_is_checked_command_by_command():
    ok = moderation_check_script(
        script=[{"t": 0, "text": "make it rain"}, {"t": 2, "text": "zoom in"}]
    )
    assert ok.verdict == "allow"
    bad = moderation_check_script(
        script={
            "commands": [{"t": 0, "text": "make it rain"}, {"t": 3, "text": "behead the hostages"}]
        }
    )
    assert bad.verdict == "block" and bad.parts == ("behead the hostages",)


def test_the_fast_classifier_matches_alt_profanity_check_exactly():
    import warnings

    from moderation.checks.classifier import profanity

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from profanity_check import predict_prob
    texts = ["kill the lights", "you stupid idiot", "a calm sea", "what the hell", ""]
    for text, expected in zip(texts, predict_prob(texts), strict=True):
        assert profanity(text) == pytest.approx(float(expected), abs=1e-9)


def test_an_ordinary_image_passes_and_garbage_is_refused():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 120, 200)).save(buffer, format="JPEG")
    result = moderation_check_image(data=buffer.getvalue())
    assert isinstance(result, ModerationResult)
    assert result.verdict == "allow"
    refused = moderation_check_image(data=b"not an image at all")
    assert refused.verdict == "block" and "could not be read" in refused.reason


def test_the_nudity_model_ships_inside_the_nudenet_package():
    import nudenet

    assert (Path(nudenet.__file__).parent / "320n.onnx").stat().st_size > 1_000_000


def test_the_labelled_set_is_big_and_separate_from_the_exemplars():
    from moderation.checks.exemplars import training_set
    from moderation.management.commands.moderation_eval import SPLITS

    rows = [json.loads(line) for line in EVAL_FILE.read_text().splitlines() if line.strip()]
    assert len(rows) >= 300
    labels = {row["label"] for row in rows}
    assert labels == {*CATEGORIES, "benign"}
    assert {row["split"] for row in rows} == set(SPLITS)  # moderation_eval knows each one
    harmful, benign = training_set()
    exemplars = {t.lower() for t in benign} | {t.lower() for ts in harmful.values() for t in ts}
    assert not [row["text"] for row in rows if row["text"].lower() in exemplars]
