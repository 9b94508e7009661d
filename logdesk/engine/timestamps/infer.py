"""Which catalogue layout a file's timestamps have, decided on the driver (pure Python).

infer_layout(samples)       timestamp texts (a CSV/JSON column's head) -> one Layout or None
find_timestamp(line)        where the timestamp a log line starts with is, and its layout
infer_line_layout(lines)    a text file's head lines -> one Layout or None
line_pattern(layout)        regex for a record's first line: prefix, ts, level, message
python_parse(layout, text)  the value, validated (month 1-12, a day the month has, ...)

Rules of infer_layout:
  * Samples are stripped and lose surrounding [ ]; empty ones are ignored.
  * Each layout counts the samples it parses (regex and values valid). The best count must be
    at least half of the non-empty samples, else None: a column that is mostly something else
    is left to the generic chain.
  * Equal counts: catalogue order (more specific layouts first), except between the layouts of
    one family (same texts, another order of the numeric date fields), decided in this order:
      1. validity: a sample whose first field is > 12 parses only day-first (or year-first),
         one whose second field is > 12 only month-first, so that order parses more samples;
      2. variation: the order whose day field takes the most distinct values (then the widest
         range) over the sample, then whose year field takes the fewest: logs span days far
         more often than months, and years least of all;
      3. the file's year (`mtime_year`, when given) for two-digit years: orders whose year is
         that year or the one before for every sample;
      4. the default: day-first when `day_first_default` or when the separator is a dot (no
         convention writes month.day.year), month-first otherwise; year-first in between.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from logdesk.engine.digit_shape import DigitShapes
from logdesk.engine.timestamps.catalogue import LAYOUTS, MONTHS, Layout
from logdesk.settings import DEFAULT_LEVEL_MAPPING

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNIT_DIGITS = {"epoch_s": 6, "epoch_ms": 3, "epoch_us": 0, "epoch_ns": -3}  # to microseconds
_TAI64_OFFSET = 2**62 + 10  # daemontools' tai64nlocal: TAI64 label -> Unix seconds
_MONTH_NUMBER = {name.upper(): i for i, name in enumerate(MONTHS, start=1)}
_UTC_NAMES = ("Z", "z", "UTC", "GMT", "UT")
_BRACKETED = re.compile(r"^\[\s*(.*?)\s*\]$", re.S)


def _bare(text: str) -> str:
    text = text.strip()
    m = _BRACKETED.match(text)
    return m.group(1) if m else text


@functools.cache
def _fields_re(layout: Layout) -> re.Pattern[str]:
    # ASCII: \d and \s mean what they mean in Java
    return re.compile(layout.fields or layout.regex, re.ASCII)


def _zone(text: str) -> tzinfo | None:
    """Zone text -> tzinfo; None when it is no zone we read."""
    if text in _UTC_NAMES:
        return UTC
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", text)
    if m:
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 18 or minutes > 59:  # java.time's limits
            return None
        sign = -1 if m.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return ZoneInfo(text)
    except Exception:  # noqa: BLE001 - unknown or malformed key: not a zone
        return None


def _special(layout: Layout, g: dict[str, str | None]) -> datetime | None:
    """Epoch numbers and TAI64N labels -> aware UTC datetime."""
    if layout.kind == "tai64n":
        nanos = int(g["nano"] or "0", 16)
        if nanos >= 1_000_000_000:
            return None
        micros = (int(g["tai"] or "0", 16) - _TAI64_OFFSET) * 1_000_000 + nanos // 1000
    else:
        k = _UNIT_DIGITS[layout.kind]
        whole, frac = g["e"] or "", g.get("f") or ""
        # microseconds as digits, like the Spark side (the regex bounds their count)
        micros = int(whole[:k] if k < 0 else whole + frac[:k].ljust(k, "0"))
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return None


def python_parse(layout: Layout, text: str, *, mtime_year: int | None = None,
                 mtime: datetime | None = None) -> datetime | None:
    """The datetime `text` (whole, surrounding [ ] and spaces allowed) stands for in `layout`,
    None when it does not match or its values are not a valid time. Aware when the text has a
    zone (epoch and TAI64N: UTC), naive otherwise (Spark reads those in the session zone).

    Dateless layouts (a time of day) take the date of `mtime`, or the day before when the time
    is later than its time of day (2000-01-01 without `mtime`). Yearless layouts take the year
    of `mtime`, or the year before when that would be more than
    a day after `mtime` (a December line in a file written in January) or does not exist in it
    (Feb 29), like the Spark side; else `mtime_year` (the year before for a Feb 29 it lacks);
    else 2000 (a leap year, so Feb 29 validates)."""
    m = _fields_re(layout).fullmatch(_bare(text))
    if m is None:
        return None
    return _from_match(layout, m, mtime_year, mtime)


def _from_match(layout: Layout, m: re.Match[str], mtime_year: int | None,
                mtime: datetime | None) -> datetime | None:
    """python_parse after its regex matched (the values validated and computed)."""
    g = m.groupdict()
    if layout.kind not in ("pattern", "iso"):
        return _special(layout, g)
    if layout.dateless:
        return _time_of_day(g, mtime)
    if g.get("j"):  # an ordinal date: the month and day of that day of the year
        first = date(int(g["y"]), 1, 1)
        day = first + timedelta(days=int(g["j"]) - 1)
        if not 1 <= int(g["j"]) or day.year != first.year:
            return None
        g = {**g, "m": str(day.month), "d": str(day.day)}
    if g.get("mon"):
        month = _MONTH_NUMBER[g["mon"].upper()]
    else:
        month = int(g["m"])
    hour = int(g["H"]) if g.get("H") else 0
    if g.get("h"):
        hour12 = int(g["h"])
        if not 1 <= hour12 <= 12:
            return None
        hour = hour12 % 12 + (12 if g["ap"].upper() == "PM" else 0)
    frac = g.get("f") or ""
    if layout.count_millis:
        frac = frac.rjust(3, "0")
    parts = (month, int(g["d"]), hour, int(g.get("M") or 0), int(g.get("S") or 0),
             int(frac[:6].ljust(6, "0")))
    zone_text = g.get("z") or g.get("z2") or g.get("z3")
    tz = _zone(zone_text) if zone_text else None
    if zone_text and tz is None:
        return None

    def at(year: int) -> datetime | None:
        try:
            return datetime(year, *parts, tzinfo=tz)  # type: ignore[arg-type]
        except ValueError:
            return None

    if not layout.yearless:
        return at(int(g["y"]) if g.get("y") else 2000 + int(g["yy"]))
    if mtime is None:
        if mtime_year is None:
            return at(2000)
        return at(mtime_year) or at(mtime_year - 1)
    this = at(mtime.year)
    wall = mtime.replace(tzinfo=None)
    if this is None or this.replace(tzinfo=None) > wall + timedelta(days=1):
        return at(mtime.year - 1) if mtime.year > 1 else None
    return this


def _time_of_day(g: dict[str, str | None], mtime: datetime | None) -> datetime | None:
    """A time of day on the date of `mtime` (its wall clock), or the day before when it is later
    than the mtime's time of day; on 2000-01-01 without an mtime."""
    frac = g.get("f") or ""
    try:
        clock = time(int(g["H"] or 0), int(g["M"] or 0), int(g["S"] or 0),
                     int(frac[:6].ljust(6, "0")))
    except ValueError:
        return None
    if mtime is None:
        return datetime.combine(date(2000, 1, 1), clock)
    wall = mtime.replace(tzinfo=None)
    value = datetime.combine(wall.date(), clock)
    if value > wall:
        try:
            value -= timedelta(days=1)
        except OverflowError:
            return None
    return value


def _width(pattern: str) -> tuple[int, float]:
    """The shortest and longest text `pattern` can match (the regex parser's own bounds);
    (0, inf) where they cannot be had."""
    try:
        import re._parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover - older Pythons
        return 0, float("inf")
    try:
        low, high = parser.parse(pattern, re.ASCII).getwidth()
    except Exception:  # noqa: BLE001 - a bound is an optimization, never a reason to fail
        return 0, float("inf")
    return low, (float("inf") if high >= parser.MAXREPEAT else high)


# The catalogue with its compiled regexes, for the loops that try every layout on every sample
# or line of every file (a Layout's dataclass hash, paid per functools.cache lookup, was a
# fifth of a discovery of 20,000 small files)
_CATALOGUE: tuple[tuple[Layout, re.Pattern[str]], ...] = tuple(
    (layout, _fields_re(layout)) for layout in LAYOUTS
)


# which layouts' regexes fullmatch a sample, asked once per digit shape (digit_shape.py)
_FIELDS_SHAPES = DigitShapes([fields for _, fields in _CATALOGUE], re.Pattern.fullmatch)


def _spread(values: list[int]) -> tuple[int, int]:
    return len(set(values)), max(values) - min(values)


def _decide_order(tied: list[Layout], parsed: dict[Layout, list[datetime]],
                  day_first_default: bool, mtime_year: int | None) -> Layout:
    """One of a family's layouts that parse equally many samples (rules 2-4 of the module)."""
    def variation(layout: Layout) -> tuple:
        values = parsed[layout]
        days, years = _spread([v.day for v in values]), _spread([v.year for v in values])
        return days, (-years[0], -years[1])

    best = max(variation(layout) for layout in tied)
    tied = [layout for layout in tied if variation(layout) == best]
    if mtime_year is not None and len(tied) > 1:
        fits = [layout for layout in tied
                if all(v.year in (mtime_year, mtime_year - 1) for v in parsed[layout])]
        tied = fits or tied
    day_first = day_first_default or tied[0].separator == "."
    preference = ("dmy", "ymd", "mdy") if day_first else ("mdy", "ymd", "dmy")
    return min(tied, key=lambda layout: preference.index(layout.order))


def infer_layout(samples: Sequence[str | None], *, day_first_default: bool = False,
                 mtime_year: int | None = None) -> Layout | None:
    """The catalogue layout that parses the most samples (rules in the module docstring), or
    None when none parses at least half of the non-empty ones. `mtime_year`: the file's year,
    for yearless values (Feb 29) and as a hint between two-digit-year orders."""
    texts = [t for t in (_bare(s) for s in samples if s is not None) if t]
    if not texts:
        return None
    parsed: list[list[datetime]] = [[] for _ in _CATALOGUE]
    for text in texts:
        text = _bare(text)  # python_parse takes [ ] off once more
        for i in _FIELDS_SHAPES.matching(text):
            layout, fields = _CATALOGUE[i]
            value = _from_match(layout, fields.fullmatch(text), mtime_year, None)
            if value is not None:
                parsed[i].append(value)
    best = max(len(values) for values in parsed)
    if best == 0 or 2 * best < len(texts):
        return None
    tied = [i for i, values in enumerate(parsed) if len(values) == best]
    first = LAYOUTS[tied[0]]
    family = [i for i in tied if first.family and LAYOUTS[i].family == first.family]
    if len(family) < 2:
        return first
    return _decide_order([LAYOUTS[i] for i in family], {LAYOUTS[i]: parsed[i] for i in family},
                         day_first_default, mtime_year)


# --- lines -----------------------------------------------------------------------------------

# What may come before a line's timestamp. Each part is optional and lazy (??), so the earliest
# timestamp in the line is the one found, in Python and in Java alike. The structural parts
# come first; weak layouts (bare digits, a date alone) are taken only after those.
_STRUCTURAL_PARTS = (
    r"<\d{1,3}>(?:1 )?",  # syslog <PRI>, and RFC 5424's version
    r"[A-Za-z0-9][\w.-]* *\| +",  # docker compose: "web_1  | ", "api-1  | "
)
_LOOSE_PARTS = (
    # a file name, as grep -H writes it: "app.log:", and with -n "app.log:12:"
    r"[\w./\\-]*[\w-]\.(?:log|txt|out|err)(?:\.\d+)?:(?:\d+:)?",
    r"#?\d{1,12}[.:)]? +",  # a sequence number: "12345 ", "#12 "
    r"[A-Za-z][\w.-]* +",  # a host name
)
_GLUED_LEVEL = r"[DIWEFV](?=\d)"  # glog's level letter right before the time: I0305 10:11:12


def _optional(parts: Sequence[str]) -> str:
    return "".join(f"(?:{part})??" for part in parts)


# the timestamp itself may stand in [ ] or in double quotes (a tab-separated file's first field)
_STRUCTURAL_PREFIX = _optional(_STRUCTURAL_PARTS) + r'[\["]?'
PREFIX_REGEX = _optional(_STRUCTURAL_PARTS + _LOOSE_PARTS) + r'[\["]?(?:' + _GLUED_LEVEL + ")?"
# After a timestamp: no digit or letter, and no fraction/time separator followed by a digit,
# so "10:11:12" is not taken out of "10:11:12,123" by a layout without a fraction.
_AFTER_TS = r"(?![0-9A-Za-z]|[.,:][0-9])"


def _prefix(layout: Layout) -> str:
    return _STRUCTURAL_PREFIX if layout.weak else PREFIX_REGEX


@functools.cache
def _line_re(layout: Layout) -> re.Pattern[str]:
    return re.compile(_prefix(layout) + "(" + layout.regex + ")" + _AFTER_TS, re.ASCII)


_LINE_CATALOGUE: tuple[tuple[Layout, re.Pattern[str], re.Pattern[str], float], ...] = tuple(
    (layout, _line_re(layout), fields, _width(layout.regex)[1]) for layout, fields in _CATALOGUE
)


# which layouts' line regexes match a line, asked once per digit shape (digit_shape.py)
_LINE_SHAPES = DigitShapes([line_re for _, line_re, _, _ in _LINE_CATALOGUE])


def find_timestamp(line: str) -> tuple[int, int, Layout] | None:
    """(start, end, layout) of the timestamp the line starts with, after an optional prefix
    ([, <PRI>, docker-compose "web_1  | ", a file name "app.log:", a sequence number, a host
    name); None when there is none with valid values. Several layouts match: the earliest
    start, then the longest text, then catalogue order."""
    best: tuple[int, int, int, Layout] | None = None
    for rank in _LINE_SHAPES.matching(line):
        layout, line_re, fields, longest = _LINE_CATALOGUE[rank]
        if best is not None and best[0] == 0 and longest <= -best[1]:
            continue  # cannot start earlier than 0, nor be longer: the tie goes to `best`
        m = line_re.match(line)
        found = fields.fullmatch(_bare(m.group(1)))  # python_parse(layout, m.group(1))
        if found is None or _from_match(layout, found, None, None) is None:
            continue
        key = (m.start(1), -m.end(1), rank, layout)
        if best is None or key[:3] < best[:3]:
            best = key
    if best is None:
        return None
    return best[0], -best[1], best[3]


def infer_line_layout(lines: Sequence[str], *, day_first_default: bool = False,
                      mtime_year: int | None = None) -> Layout | None:
    """The layout of a text file from its head lines: infer_layout over the timestamps the
    lines start with. Lines without one are continuation lines (stack traces) and do not count
    against; None when no line has a timestamp."""
    texts = []
    for line in lines:
        found = find_timestamp(line)
        if found is not None:
            texts.append(line[found[0]:found[1]])
    return infer_layout(texts, day_first_default=day_first_default, mtime_year=mtime_year)


# --- a record's first line -------------------------------------------------------------------

def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


def _level_words() -> list[str]:
    words = {w.upper() for w in DEFAULT_LEVEL_MAPPING if len(w) > 1 and not w.isdigit()}
    return sorted(words, key=lambda w: (-len(w), w))  # WARNING before WARN


_WORDS = _level_words()
_LETTERS = "".join(sorted(w for w in DEFAULT_LEVEL_MAPPING if len(w) == 1 and w.isalpha()))
# A level is taken only where it cannot be an ordinary first word of the message:
#   in brackets, any case:                  [info]  <WARN>  [E]
#   a bare upper-case word:                 INFO message, ERROR: message
#   a bare lower/Capitalized word followed by ':', a tab or " - " / " | ":  info: message
#   a bare letter (not A: "A user ...") followed by a space or tab:         E message
#   logcat's brief "E/Tag(123): message" (not "I/O error")
LEVEL_REGEX = (
    r"(?:[\[<](?P<level>" + "|".join(_any_case(w) for w in _WORDS) + "|[" + _LETTERS + r"])[\]>]"
    r"|(?P<level2>" + "|".join(_WORDS) + r")(?=[\s:|\]]|$):?"
    r"|(?P<level3>" + "|".join(f"[{w[0]}{w[0].lower()}]{w[1:].lower()}" for w in _WORDS)
    + r")(?=:|\t| [-|] ):?"
    r"|(?P<level4>[" + _LETTERS.replace("A", "") + r"])(?=[ \t])"
    r"|(?P<level6>[" + _LETTERS + r"])/(?=[^\s/:]+(?: *\( *\d+\))?: )"
    r")"
)
# Between the time and the level: a separator, a CRI stream tag ("stdout F "), and optionally
# one or two numbers (logcat's pid tid) or a [thread].
_BEFORE_LEVEL = (
    r'[\]"]?[ \t]*(?:[-|:,;>][ \t]*)?(?:(?:stdout|stderr) [FP] )?'
    r"(?:(?:(?:\d+ +){1,2}|\[[^\]]{1,40}\] +)?" + LEVEL_REGEX + ")?"
)


def line_pattern(layout: Layout) -> str:
    """Regex for a record's first line in this layout (re.match semantics; common subset of
    Python and Java once logdesk.engine.formats.model.java_pattern has translated the group
    names): PREFIX_REGEX, the timestamp (group ts), separators, an optional level (groups
    level ... level6, the reader's suffixed alternatives: bracketed, bare upper-case word,
    bare lower-case word, bare letter, glog's letter before the time, logcat's "E/"), the
    rest as group message."""
    prefix = _prefix(layout)
    if not layout.weak:
        prefix = prefix.replace("(?:" + _GLUED_LEVEL + ")?", "(?P<level5>" + _GLUED_LEVEL + ")?")
    return (prefix + "(?P<ts>" + layout.regex + ")" + _AFTER_TS + _BEFORE_LEVEL
            + r"[ \t]*(?:[-|:][ \t]+)?(?P<message>.*)")


__all__ = [
    "PREFIX_REGEX",
    "LEVEL_REGEX",
    "find_timestamp",
    "infer_layout",
    "infer_line_layout",
    "line_pattern",
    "python_parse",
]
