"""Turn the dates found in articles into ISO 8601 (YYYY-MM-DD)."""
from __future__ import annotations

import datetime as dt

import regex

# Month names (and common abbreviations) in the languages the generic rules cover.
_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "janeiro", "januari",
        "января", "январь", "янв", "січня", "січень", "stycznia", "ledna"),
    2: ("february", "feb", "februar", "février", "fevrier", "févr", "febrero", "febbraio", "fevereiro", "februari",
        "февраля", "февраль", "фев", "лютого", "лютий", "lutego", "února"),
    3: ("march", "mar", "märz", "maerz", "mars", "marzo", "março", "maart", "марта", "март", "березня",
        "березень", "marca", "března"),
    4: ("april", "apr", "avril", "abril", "aprile", "апреля", "апрель", "апр", "квітня", "квітень", "kwietnia",
        "dubna"),
    5: ("may", "mai", "mayo", "maggio", "maio", "mei", "мая", "май", "травня", "травень", "maja", "května"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "junho", "июня", "июнь", "червня", "червень",
        "czerwca", "června"),
    7: ("july", "jul", "juli", "juillet", "julio", "luglio", "julho", "июля", "июль", "липня", "липень",
        "lipca", "července"),
    8: ("august", "aug", "août", "aout", "agosto", "augustus", "августа", "август", "авг", "серпня", "серпень",
        "sierpnia", "srpna"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "сентября",
        "сентябрь", "сен", "вересня", "вересень", "września", "září"),
    10: ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "outubro", "октября", "октябрь",
         "окт", "жовтня", "жовтень", "października", "října"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "ноября", "ноябрь", "ноя", "листопада",
         "листопад", "listopada", "listopadu"),
    12: ("december", "dec", "dezember", "dez", "décembre", "decembre", "diciembre", "dicembre", "dezembro",
         "декабря", "декабрь", "дек", "грудня", "грудень", "grudnia", "prosince"),
}
_MONTH_BY_NAME = {name: number for number, names in _MONTHS.items() for name in names}
_MONTH_NAME = "|".join(sorted(map(regex.escape, _MONTH_BY_NAME), key=len, reverse=True))

_ISO = regex.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DAY_MONTH_YEAR = regex.compile(rf"(?<!\d)(\d{{1,2}})\.?\s+(?:de\s+)?({_MONTH_NAME})\.?,?\s+(?:de\s+)?(\d{{4}})", regex.I)
_MONTH_DAY_YEAR = regex.compile(rf"\b({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", regex.I)
_NUMERIC_DMY = regex.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")


def _make(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def to_iso_date(text: str) -> str | None:
    """The first date in TEXT as YYYY-MM-DD, or None.

    >>> to_iso_date("Tuesday 23 March 2021 - 00:03")
    '2021-03-23'
    >>> to_iso_date("March 18, 2021")
    '2021-03-18'
    >>> to_iso_date("19.03.2021")
    '2021-03-19'
    >>> to_iso_date("23 марта 2021")
    '2021-03-23'
    >>> to_iso_date("no date here") is None
    True
    """
    if m := _ISO.search(text):
        return _make(*m.groups())
    if m := _DAY_MONTH_YEAR.search(text):
        return _make(m.group(3), _MONTH_BY_NAME[m.group(2).casefold()], m.group(1))
    if m := _MONTH_DAY_YEAR.search(text):
        return _make(m.group(3), _MONTH_BY_NAME[m.group(1).casefold()], m.group(2))
    if m := _NUMERIC_DMY.search(text):
        return _make(m.group(3), m.group(2), m.group(1))
    return None


_WEEKDAYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo",
    "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
    "понеділок", "вівторок", "середа", "четвер", "пʼятниця", "п'ятниця", "субота", "неділя",
)

MONTH_NAME_PATTERN = _MONTH_NAME
WEEKDAY_NAME_PATTERN = "|".join(sorted(map(regex.escape, _WEEKDAYS), key=len, reverse=True))
