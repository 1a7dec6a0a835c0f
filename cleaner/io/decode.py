"""Turn input bytes into text, finding the encoding from the bytes themselves."""
from __future__ import annotations

import codecs

import charset_normalizer
import regex

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">
_HTML_CHARSET = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", regex.I)
_XML_ENCODING = regex.compile(rb"""<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""", regex.I)


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise (a binary file, say)."""


def looks_binary(data: bytes) -> bool:
    """Binary content: NUL bytes or many control characters in the first few kilobytes
    (UTF-16/32 text is recognised by its BOM before this is asked)."""
    sample = data[:8192]
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return b"\x00" in sample or controls / len(sample) > 0.05


def declared_html_charset(data: bytes) -> str | None:
    head = data[:4096]
    match = _HTML_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _known_encoding(name: str | None) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("'\"")).name if name else None
    except LookupError:
        return None


def decode_bytes(data: bytes, html: bool = False, charset: str | None = None) -> str:
    """Decode a document.

    A BOM decides; otherwise valid UTF-8 is UTF-8 (a page that declares latin-1 but holds
    UTF-8 is common, the reverse never decodes cleanly), and so is UTF-8 with a few stray bytes
    (detection would read the whole page as some single-byte encoding's mojibake); then the
    declared encoding if it decodes without errors: `charset`, what the transport said (the
    HTTP Content-Type header of a WARC record), before the page's own declaration; then charset
    detection.

    >>> decode_bytes("Привет, как дела? Всё хорошо.".encode("cp1251"))
    'Привет, как дела? Всё хорошо.'
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if looks_binary(data):
        raise DecodeError("binary content (NUL or control bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if (text := _mostly_utf8(data)) is not None:
        return text
    best = charset_normalizer.from_bytes(data).best()
    declared = _known_encoding(charset) or (declared_html_charset(data) if html else None)
    if declared:
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass  # mis-declared: the bytes are not in that encoding
        else:
            # Single-byte encodings decode any bytes, so "it decodes" proves nothing: keep the
            # declaration unless detection finds an encoding whose text is clearly less garbled
            # (a cp1251 page declared as latin-1 reads as accented junk).
            if best is None or _same_text(best.encoding, declared, data) or not _clearly_better(best, declared, data):
                return text
    if best is None:
        raise DecodeError("could not recognise the text encoding")
    return str(best)


_NON_ASCII = regex.compile(r"[^\x00-\x7f]")
# At most one broken character per this many good non-ASCII ones: UTF-8 with a few stray bytes
# (a pasted latin-1 snippet, a file cut mid-character). Text in a single-byte encoding read as
# UTF-8 breaks at nearly every accented letter: a valid UTF-8 pair in cp1251 or latin-1 text
# needs a letter byte followed by a byte from 0x80-0xBF, which those scripts' letters are not.
MAX_BROKEN_SHARE = 1 / 5


def _mostly_utf8(data: bytes) -> str | None:
    """The text, when the bytes are UTF-8 apart from a few invalid bytes (each becomes U+FFFD).

    >>> text = _mostly_utf8("Grüße aus Köln, schöne Größe, übermäßig. ".encode() * 3 + bytes([0x4B, 0xFC, 0x63]))
    >>> text.endswith("übermäßig. K\\ufffdc")
    True
    >>> _mostly_utf8("Grüße aus Köln".encode("latin-1")) is None
    True
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - broken
    return text if good and broken <= good * MAX_BROKEN_SHARE else None


def _same_text(detected: str, declared: str, data: bytes) -> bool:
    try:
        return data.decode(detected) == data.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return False


def _clearly_better(best, declared: str, data: bytes) -> bool:
    """Detection's pick reads much more like language than the declared encoding does."""
    as_declared = charset_normalizer.from_bytes(data, cp_isolation=[declared]).best()
    if as_declared is None:
        return True
    return best.chaos + 0.1 < as_declared.chaos or best.coherence > as_declared.coherence + 0.3
