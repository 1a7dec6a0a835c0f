"""cleaner.text.language gives langdetect's answers float for float: the same probabilities as a
langdetect Detector with the same seed and number of trials, on real and random text."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langdetect import DetectorFactory
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException

from cleaner.metadata import _language_sample, detect_language
from cleaner.text.language import default_profiles, probabilities
from conftest import seed_inputs


@pytest.fixture(scope="module")
def factory():
    made = DetectorFactory()
    made.load_profile(PROFILES_DIRECTORY)
    made.seed = 0
    return made


def reference(factory, text: str, trials: int):
    detector = factory.create()
    detector.n_trial = trials
    detector.append(text)
    try:
        return [(language.lang, language.prob) for language in detector.get_probabilities()]
    except LangDetectException:
        return []


TEXTS = [
    "Putin said he would like to invite his counterpart to an online meeting.",
    "Der Bundesrat hat am Freitag über die Vorlage und den Plan entschieden.",
    "Правительство России объявило о новых мерах поддержки экономики.",
    "中华人民共和国国务院总理今天在北京会见了来访的外国代表团。",
    "東京都は新しい計画を発表しました。ひらがなとカタカナ。",
    "Việt Nam là một quốc gia nằm ở phía đông bán đảo Đông Dương.",
    "NASA AND THE ESA ANNOUNCED A JOINT MISSION to Mars, see https://example.org/a?b=c or mail a.b@example.com",
    "ش‌ی‌ر کتاب یک فارسی متن است",  # Farsi yeh
    "12345 --- !!!",
    "",
]


def test_the_same_as_langdetect_on_known_texts(factory):
    texts = TEXTS + [path.read_text(encoding="utf-8") for path in seed_inputs()]
    for text in texts:
        for trials in (5, 7):
            assert probabilities(text, default_profiles(), trials=trials) == reference(factory, text, trials), text[:80]


_alphabet = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ äöüßéèçñ"
                                 "абвгдежзиклмнопрстуфхцчшщыэюяАБВГД 中华人民共和国ひらがなカタカナ한국어 ،؛ی"
                                 ".,;:!?-'\"()0123456789@/ \u0301\u0300\u1ea0\u1ec3\u2013\u00a0"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_alphabet, max_size=400).map("".join), st.sampled_from([1, 5, 7]))
def test_the_same_as_langdetect_on_random_text(factory, text, trials):
    assert probabilities(text, default_profiles(), trials=trials) == reference(factory, text, trials)


def test_detect_language_reads_the_sample():
    long = "The committee met on Tuesday to discuss the budget for next year. " * 40
    assert len(_language_sample(long)) < len(long)
    assert detect_language(long) == "en"
