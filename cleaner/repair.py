"""Repair broken text before any rule sees it: ftfy for ordinary mojibake, plus the case ftfy
cannot fix, mojibake that a machine translator later broke up with spaces.

The hard case: UTF-8 Cyrillic read as cp1251 gives two characters per letter ("к" -> "Рє").
A translation engine then treats some of those characters as punctuation: it pads "°" with
spaces and glues "»" to the following word as if it opened a quote, moving the real word break:

    "канал в"  ->  "РєР°РЅР°Р» РІ"  ->  "РєР ° РЅР ° Р »РІ"

ftfy sees spaces inside the byte pairs and gives up. We undo the padding first and hand ftfy
text it can decode.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import ftfy
import regex

# ftfy's defaults, except that it must not touch line breaks, quotes or character widths: rules
# and golden output are line based, curly quotes are content, and full-width punctuation is
# how Chinese and Japanese are written ("，" is not mojibake for ",").
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False,
                                     normalization="NFC")

# Single-byte encodings that UTF-8 text is commonly misread as, with the bytes that start a
# two-byte UTF-8 character (Cyrillic letters sit behind 0xD0-0xD3; Latin-1 letters behind 0xC2-0xC5).
_MISREADINGS = {
    "cp1251": bytes(range(0xD0, 0xD4)),
    "cp1252": bytes(range(0xC2, 0xD4)),
}

# Characters a tokenizer treats as an opening quote: it attaches them to the next word, so the
# space that followed them in the source ends up in front of them.
_OPENING_QUOTE_LIKE = set("«»‹›“”„‘’‚\"'")


def _decodable(encoding: str, data: bytes) -> str:
    return data.decode(encoding, errors="ignore")


@lru_cache(maxsize=None)
def _spaced_run_pattern(encoding: str) -> tuple[regex.Pattern[str], frozenset[str]]:
    leads = "".join(sorted(set(_decodable(encoding, _MISREADINGS[encoding]))))
    continuations = _decodable(encoding, bytes(range(0x80, 0xC0))).replace(" ", "")
    lead_class = "[" + regex.escape(leads) + "]"
    cont_class = "[" + regex.escape(continuations) + "]"
    pair = f"{lead_class} ?{cont_class}"
    # Three or more misread characters in a row, each possibly split by one space, with at
    # most one space between them.
    pattern = regex.compile(f"{pair}(?: ?{pair}){{2,}}")
    return pattern, frozenset(continuations)


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PSZC"


def _rejoin_run(run: str, encoding: str) -> str | None:
    """Remove the spaces a translator pushed into a run of misread bytes; decode the run.

    Returns the decoded text, or None when the run does not decode as UTF-8 (then it was not
    mojibake after all and stays as it is).
    """
    pattern, continuations = _spaced_run_pattern(encoding)
    leads = set(_decodable(encoding, _MISREADINGS[encoding]))
    out: list[str] = []
    i = 0
    while i < len(run):
        char = run[i]
        if char == " ":
            before = out[-1] if out else ""
            after = run[i + 1] if i + 1 < len(run) else ""
            if before in leads and after in continuations:
                # A space inside one UTF-8 character is never real. If the continuation is
                # quote-like and glued to the next character, the space was moved: put it back.
                following = run[i + 2] if i + 2 < len(run) else ""
                out.append(after)
                i += 2
                if after in _OPENING_QUOTE_LIKE and following in leads:
                    out.append(" ")
                continue
            if before in continuations and _is_punctuation(before):
                # Padding after a character the translator took for punctuation.
                i += 1
                continue
            out.append(char)  # a real word break
            i += 1
            continue
        out.append(char)
        i += 1
    try:
        return "".join(out).encode(encoding).decode("utf-8")
    except UnicodeError:
        return None


def fix_spaced_mojibake(text: str) -> str:
    """Decode UTF-8 mojibake that had spaces inserted into it.

    >>> fix_spaced_mojibake("subscribe to our РєР ° РЅР ° Р »РІ Telegram")
    'subscribe to our канал в Telegram'
    >>> fix_spaced_mojibake("Россия и США")
    'Россия и США'
    """
    for encoding in _MISREADINGS:
        pattern, _ = _spaced_run_pattern(encoding)

        # `encoding` is bound as a default so the closure never sees a later loop value.
        def replace(match: regex.Match[str], encoding: str = encoding) -> str:
            fixed = _rejoin_run(match.group(0), encoding)
            return match.group(0) if fixed is None else fixed

        text = pattern.sub(replace, text)
    return text


def repair_text(text: str) -> str:
    """Repair one document: spaced mojibake first, then ftfy; line breaks are kept as they are.

    >>> repair_text("Ð¿Ñ€Ð¸Ð²ÐµÑ‚ and cafÃ©")
    'привет and café'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = fix_spaced_mojibake(text)
    return ftfy.fix_text(text, config=_FTFY_CONFIG)
