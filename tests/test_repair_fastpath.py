"""repair.fix_text, which sends to ftfy only the lines ftfy could change, returns what
ftfy.fix_text returns for the whole text, on mojibake, HTML references, control characters and
text that is not NFC as well as on clean text."""
from __future__ import annotations

import ftfy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import repair
from conftest import seed_inputs


def whole(text: str) -> str:
    return ftfy.fix_text(text, config=repair._FTFY_CONFIG)


def test_the_fast_path_is_active_with_this_ftfy():
    # Were either None or False, every text would simply go through ftfy (slower, still right).
    assert repair._MOJIBAKE_CHARACTERS is not None
    assert repair._BADNESS_READABLE


CASES = [
    "plain ASCII text\nwith two lines\n",
    "Ð¿Ñ€Ð¸Ð²ÐµÑ‚ and cafÃ©",
    "clean line\nthe cafÃ© line\nanother clean line",
    "Broken text&hellip; it&#x2019;s ﬂubberiﬁc!",
    "<b>bold</b> then &amp; on the next line\n&amp; here",
    "&amp; first\n<b> then\n&amp; after",
    "e\u0301 not NFC",
    "control\x00char and \x1b[31mred\x1b[0m",
    "C1 \x85 control",
    "Ã\nÂ ",
    "œ\nx",  # [Œœ][^A-Za-z] matches the line break: the line must be read with it
    "Ã  la carte\nà la carte",
    "“quoted” text – with dashes — and €uros and «guillemets» in German: Müller, Straße.",
    "lone surrogate \ud800 here",
    "",
    "\n\n",
]


def test_the_same_as_ftfy_on_known_cases():
    for text in CASES + [path.read_text(encoding="utf-8") for path in seed_inputs()]:
        assert repair.fix_text(text) == whole(text), repr(text[:80])


_pieces = st.sampled_from(
    ["a", "b", " ", "\n", "\t", "Ã", "Â", "©", "€", "œ", "Œ", "×", "²", "é", "e\u0301", "ﬁ", "\x85", "\x00", "\x1b[1m",
     "&amp;", "&#x2019;", "&eacute;", "<", ">", "Ð", "¿", "Ñ", "€", "™", "В", "Р", "С", "Ђ", "ў", "°", "µ", "√", "±",
     "«", "»", "„", "“", "–", "—", "…", "\u00a0", "ß", "Müller", "привет", "中文", "ا", "Ø", "Ù"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, max_size=60).map("".join))
def test_the_same_as_ftfy_on_random_text(text):
    assert repair.fix_text(text) == whole(text)
