"""Lines that are a date (and time) and nothing else, read into ISO 8601.

Dumps of channels put a date line over each post, feed readers over each article.
The forms people's exports use: RFC 2822 (``Mon, 24 Nov 2025 09:46:32 +0000``),
ISO 8601 (``2025-11-24T09:46:32+00:00``, ``2025-11-24 09:46 UTC``), day-first
numbers (``24.11.2025 09:46``) and month names in English or Russian
(``24 ноября 2025 г., 09:46``, ``Nov 24, 2025 9:46 AM``). A year is required: a
bare ``Apr 18 at 19:05`` is a chat footer, not a date to keep. The time zone is
kept when the line has one; none is invented.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8, "сен": 9,
    "окт": 10, "ноя": 11, "дек": 12,
}
_WEEKDAY = (r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|"
            r"(?:пн|вт|ср|чт|пт|сб|вс|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье))\.?,?\s+")
_TIME = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm>[ap]\.?m\.?))?"
_ZONE = r"(?:\s*(?P<tz>[+-]\d{2}:?\d{2}|Z|UTC|GMT|МСК|MSK)(?![\w]))?"
_JOIN = r"(?:\s*(?:,|в|at|г\.,?|г\.\s+в)?\s*)"
_MONTH_WORD = r"(?P<mon>[^\W\d_]{3,9})\.?"
_FORMS = [re.compile(rf"^(?:{_WEEKDAY})?{body}(?:{_JOIN}{_TIME})?{_ZONE}$", re.IGNORECASE) for body in (
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?=[T\s]|$)T?",
    r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})",
    rf"(?P<d>\d{{1,2}})\s+{_MONTH_WORD}\s+(?P<y>\d{{4}})(?:\s*г\.?)?",
    rf"{_MONTH_WORD}\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})",
)]
# Markup that wraps a date header in Markdown dumps: **bold**, # heading, [brackets], (parens).
_MAX_CHARS = 60
_DIGIT = re.compile(r"\d")
_WRAPPING = re.compile(r"^[\s#*_>\[(]+|[\s*_\])]+$")


def parse_date_line(text: str) -> str | None:
    """ISO 8601 of a line that is only a date or date-time, else None."""
    if len(text) > 2 * _MAX_CHARS or not _DIGIT.search(text):
        return None
    line = _WRAPPING.sub("", text.strip())
    if not line or "\n" in line or len(line) > _MAX_CHARS:
        return None
    line = re.sub(r"(?<=\d)T(?=\d)", " ", line)
    for form in _FORMS:
        match = form.match(line)
        if match:
            return _iso(match)
    return None


def _iso(match: re.Match) -> str | None:
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else _MONTHS.get((parts.get("mon") or "")[:3].casefold())
    try:
        day = date(int(parts["y"]), month or 0, int(parts["d"]))
    except (ValueError, TypeError):
        return None
    if parts.get("h") is None:
        return day.isoformat()
    hour = int(parts["h"]) % 12 + (12 if (parts.get("ampm") or "").lower().startswith("p") else 0) \
        if parts.get("ampm") else int(parts["h"])
    try:
        moment = datetime(day.year, day.month, day.day, hour, int(parts["mi"]), int(parts["s"] or 0))
    except ValueError:
        return None
    zone = _zone(parts.get("tz"))
    if zone is not None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat(timespec="seconds" if parts["s"] else "minutes")


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    upper = text.upper()
    if upper in ("Z", "UTC", "GMT"):
        return timezone.utc
    if upper in ("МСК", "MSK"):
        return timezone(timedelta(hours=3))
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def iso_date(text: object) -> str | None:
    """``text`` as ISO 8601 when it is a date: a date line (:func:`parse_date_line`), else ISO 8601 as written
    ("2024-03-01T10:00:00.000Z"); anything else (front matter's "30.02.2024", "2024-13-45", "TBD") is None, so
    an impossible date never reaches a note's ``date`` (which promises ISO 8601) or hides the file name's."""
    if hasattr(text, "isoformat"):
        text = text.isoformat()
    if not isinstance(text, str) or not text.strip():
        return None
    found = parse_date_line(text)
    if found:
        return found
    try:
        datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return text.strip()
