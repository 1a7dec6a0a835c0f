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

import re
import unicodedata
from functools import lru_cache

import ftfy
import regex
from ftfy.badness import BADNESS_RE
from ftfy.chardata import CONTROL_CHARS, HTML_ENTITY_RE, LIGATURES

# ftfy's defaults, except that it must not touch line breaks, quotes or character widths: rules
# and golden output are line based, curly quotes are content, and full-width punctuation is
# how Chinese and Japanese are written ("，" is not mojibake for ",").
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, fix_character_width=False,
                                     normalization="NFC")

# What ftfy looks at, so text without any of it comes out of ftfy.fix_text unchanged (with the
# configuration above; tests/test_repair_fastpath.py holds ftfy to this on every corpus):
# - characters some step changes wherever they are: the control characters it removes, Latin
#   ligatures it spells out, C1 controls, surrogates, the escape that starts a terminal code;
_FTFY_TOUCHED = sorted(set(CONTROL_CHARS) | set(LIGATURES) | set(range(0x80, 0xA0)) | {0x1B})
_FTFY_CHARACTERS = re.compile("[" + "".join(re.escape(chr(code)) for code in _FTFY_TOUCHED) + "\ud800-\udfff]")
# - mojibake, which ftfy only looks for in a line (with its line break) that its badness
#   heuristic, BADNESS_RE, flags; every match of it holds one of a few hundred characters
#   (_mojibake_characters), so only the lines holding one need the heuristic;
_BADNESS_IN_LINE = re.compile(BADNESS_RE.pattern, BADNESS_RE.flags | re.MULTILINE)
# Reading a line inside the whole text (from its start to its break) gives what ftfy gets from the
# line alone only while the pattern has no look-around and no anchor but ^; should a new ftfy add
# one, every non-ASCII text goes through ftfy.
_BADNESS_READABLE = not re.search(r"\(\?[=!<]|\\[AZbBG]|\$", BADNESS_RE.pattern)
# - and HTML character references (&eacute;), and text not in NFC.


def _mojibake_characters() -> re.Pattern[str] | None:
    """A class of characters of which every match of BADNESS_RE holds at least one, worked out
    from the pattern's parse (for each alternative, its least common required character class);
    None when the parse holds something this does not model (then every line is checked)."""
    try:
        from re import _constants as sre, _parser as parser  # Python 3.11+
    except ImportError:  # Python 3.10
        import sre_constants as sre  # type: ignore[no-redef]
        import sre_parse as parser  # type: ignore[no-redef]

    def cost(chars: frozenset[str]) -> tuple:
        return (any(c.isascii() for c in chars), sum(unicodedata.category(c) == "Ll" for c in chars), len(chars))

    def required(items) -> frozenset[str] | None:
        candidates = []
        for op, arg in items:
            if op is sre.LITERAL:
                candidates.append(frozenset(chr(arg)))
            elif op is sre.IN:
                chars: set[str] = set()
                for inner, value in arg:
                    if inner is sre.LITERAL:
                        chars.add(chr(value))
                    elif inner is sre.RANGE and value[1] - value[0] < 5000:
                        chars.update(map(chr, range(value[0], value[1] + 1)))
                    else:  # a negated class, \w, a huge range: any character, as far as we know
                        break
                else:
                    candidates.append(frozenset(chars))
            elif op is sre.SUBPATTERN:
                found = required(arg[-1])
                if found is not None:
                    candidates.append(found)
            elif op is sre.BRANCH:
                union: set[str] = set()
                for branch in arg[1]:
                    found = required(branch)
                    if found is None:
                        break
                    union |= found
                else:
                    candidates.append(frozenset(union))
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
                found = required(arg[2])
                if found is not None:
                    candidates.append(found)
        return min(candidates, key=cost) if candidates else None

    try:
        if BADNESS_RE.flags & re.IGNORECASE:
            return None
        chars = required(parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags))
    except Exception:  # noqa: BLE001 - a private module changed: check every line instead
        return None
    if chars is None or any(c.isascii() for c in chars):
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


_MOJIBAKE_CHARACTERS = _mojibake_characters()
_FTFY_SEGMENT_LIMIT = _FTFY_CONFIG.max_decode_length


def _has_mojibake_line(text: str) -> bool:
    """Whether ftfy's badness heuristic may flag a line of `text` (each read with its line break)."""
    if not _BADNESS_READABLE:
        return True
    if _MOJIBAKE_CHARACTERS is None:
        # Read over the whole text (^ at every line start), it flags at least the lines ftfy flags.
        return _BADNESS_IN_LINE.search(text) is not None
    checked_to = -1
    for found in _MOJIBAKE_CHARACTERS.finditer(text):
        if found.start() < checked_to:
            continue  # its line is already checked
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start()) + 1 or len(text)
        if _BADNESS_IN_LINE.search(text, start, end):
            return True
        checked_to = end
    return False


def _ftfy_leaves_alone(text: str) -> bool:
    """True when ftfy.fix_text (with our configuration) would return `text` as it is."""
    if _FTFY_CHARACTERS.search(text) or HTML_ENTITY_RE.search(text):
        return False
    if text.isascii():
        return True  # ASCII is never mojibake, and always NFC
    return unicodedata.is_normalized("NFC", text) and not _has_mojibake_line(text)


def fix_text(text: str) -> str:
    """ftfy.fix_text with our configuration, run only on the lines that need it: the same result.

    ftfy fixes a text line by line, each on its own, except that once a line holds "<" it stops
    decoding HTML references for the rest of the text; that is carried over here as it is.
    """
    if _ftfy_leaves_alone(text):
        return text
    config = _FTFY_CONFIG
    out: list[str] = []
    start = 0
    while start < len(text):
        end = text.find("\n", start) + 1 or len(text)
        if end - start > _FTFY_SEGMENT_LIMIT:
            # ftfy cuts a line this long into pieces itself: leave the rest to it as it is.
            out.append(ftfy.fix_text(text[start:], config=config))
            break
        segment = text[start:end]
        if config.unescape_html == "auto" and "<" in segment:
            config = config._replace(unescape_html=False)
        out.append(segment if _ftfy_leaves_alone(segment) else ftfy.fix_text(segment, config=config))
        start = end
    return "".join(out)


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
    return fix_text(text)
