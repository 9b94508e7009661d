"""The catalogue of timestamp layouts a file's timestamps can be inferred to (pure Python).

A Layout says what one file's timestamp texts look like (`regex`, in the common subset of
Python `re` and Java regex, matching the text from its start) and how Spark parses them
(`kind` + `spark_pattern`); infer.py picks one from a sample on the driver, spark_parse.py
parses every row with it. `fields` is the same regex with named groups for the values
(Python only: infer.python_parse validates and computes with it); `regex` is derived from it.

Text around the layouts: surrounding [ ] are not part of any layout (infer and spark_parse take
them off first, as generic.parse_timestamp does), nor is leading/trailing white space.

Zones accepted where a layout has a zone: Z, +02, +0200, +02:00 (after a space only the
4-digit forms, so "… 10:11:12 +10 points" keeps its message), UTC, GMT, UT, the tz-database
zone names CET, EET, WET, MET and region ids (Europe/Berlin, Etc/GMT+12). Other abbreviations
(EST, PST, BST, IST …) are left out on purpose: they are ambiguous, and Spark's cast, Spark's
`z` pattern letter and Python each read several of them differently.
Two-digit years are 2000-2099, as Spark's `yy` reads them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from logdesk.engine.timestamps.patterns import is_dateless, is_yearless, pattern_regex

KINDS = ("pattern", "iso", "epoch_s", "epoch_ms", "epoch_us", "epoch_ns", "tai64n")


@dataclass(frozen=True)
class Layout:
    """One timestamp layout.

    name            stable and human readable, shown in the ingest report
    regex           matches the whole timestamp text (no groups that capture; Python and Java)
    kind            how Spark parses it: "pattern" (try_to_timestamp with spark_pattern),
                    "iso" (Spark's string->timestamp cast after small spelling fixes),
                    "epoch_s" / "epoch_ms" / "epoch_us" / "epoch_ns" (digits since 1970 UTC,
                    optionally with a fraction), "tai64n" (daemontools' @4000… hex labels)
    spark_pattern   Spark datetime pattern of the text (kind "pattern"); for a yearless
                    layout the pattern of the text itself, "yyyy " is put in front of both
    yearless        no year in the text: it comes from the file's modification time
    fields          `regex` with named groups (y yy m mon d j H h ap M S f z z2 e tai nano;
                    j: the day of the year)
    drop_weekday    the text may start with a weekday name ("Tue ", "Tue, "), which Spark
                    cannot parse (E is a formatting-only letter): removed before parsing
    squeeze_spaces  runs of spaces (syslog's and ctime's padded day) become one before parsing
    family, order   layouts of one family match the same texts and differ only in the order
                    of the numeric date fields ("dmy", "mdy", "ymd"): infer decides between
                    them from the sample's values
    separator       the date separator of a family's layouts ("/", "-", ".")
    weak            easily found inside ordinary text (bare digits, a date alone): in a line
                    only taken at the start (after `[`, `<PRI>` or a docker-compose prefix)
    example         a text in this layout (documentation; tests check it parses)
    dateless        a time of day only: the date is the file's mtime's, or the day before when
                    the time is later than the mtime's time of day (strace -t, -tt)
    count_millis    the text ends in milliseconds written as a number, not padded to three
                    digits (HealthApp's "…:9" is 9 ms, not 900): padded before parsing
    """

    name: str
    regex: str
    kind: str = "pattern"
    spark_pattern: str | None = None
    yearless: bool = False
    fields: str = ""
    drop_weekday: bool = False
    squeeze_spaces: bool = False
    family: str = ""
    order: str = ""
    separator: str = ""
    weak: bool = False
    example: str = ""
    dateless: bool = False
    count_millis: bool = False


def _plain(fields: str) -> str:
    """The fields regex without its names: (?P<x>…) -> (?:…)."""
    return re.sub(r"\(\?P<[A-Za-z][A-Za-z0-9]*>", "(?:", fields)


def _layout(name: str, fields: str, spark: str | None = None, **kw) -> Layout:
    return Layout(name=name, regex=_plain(fields), spark_pattern=spark, fields=fields, **kw)


def _names(words: tuple[str, ...]) -> str:
    # Capitalized and upper case; Spark parses month names case-insensitively
    return "(?:" + "|".join(f"{w}|{w.upper()}" for w in words) + ")"


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MON = "(?P<mon>" + _names(MONTHS) + ")"
_WD = _names(WEEKDAYS)

_Y4 = r"(?P<y>\d{4})"
_YY = r"(?P<yy>\d{2})"
_M12 = r"(?P<m>\d{1,2})"
_D12 = r"(?P<d>\d{1,2})"
_HMS = r"(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})"
_HM_S = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"  # seconds optional
_H12 = r"(?P<h>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))? (?P<ap>AM|PM|am|pm)"
_FRAC = r"(?:[.,](?P<f>\d{1,9}))?"
_REGION = (
    r"(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)"
    r"/[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z][A-Za-z_]*)?"
)
_ZONE_NAME = r"UTC|GMT|UT|CET|EET|WET|MET|" + _REGION
_ZONE = (
    r"(?:(?P<z>Z|[+-]\d{2}(?::?\d{2})?|" + _ZONE_NAME + r")"
    r"| (?P<z2>Z|[+-]\d{2}:?\d{2}|" + _ZONE_NAME + r"))?"
)
# The same tail in a Spark pattern: fraction with . or , (S… parses 1-9 digits), then a zone
_TAIL = "[.SSSSSSSSS][,SSSSSSSSS][ ][XXX][XX][X][VV]"
_ISO_DATE = _Y4 + r"-(?P<m>\d{2})-(?P<d>\d{2})"
_OFFSET_COLON = r"(?P<z>Z|[+-]\d{2}:\d{2})"


def _iso() -> tuple[Layout, ...]:
    space, t = _ISO_DATE + " " + _HMS, _ISO_DATE + "T" + _HMS
    general = (
        _Y4 + r"-(?P<m>\d{1,2})-(?P<d>\d{1,2})[Tt ]" + _HM_S + _FRAC
        # lower-case z, and Java's ZonedDateTime form +01:00[Europe/Berlin]
        + r"(?:(?P<z>Z|z|[+-]\d{2}(?::?\d{2})?)(?:\[" + _REGION + r"\])?"
        + r"|(?P<z2>" + _ZONE_NAME + r")| (?P<z3>Z|[+-]\d{2}:?\d{2}|" + _ZONE_NAME + r"))?"
    )
    return (
        _layout("yyyy-MM-dd HH:mm:ss,SSS", space + r",(?P<f>\d{3})", "yyyy-MM-dd HH:mm:ss,SSS",
                example="2024-03-05 10:11:12,123"),
        _layout("yyyy-MM-dd HH:mm:ss.SSS", space + r"\.(?P<f>\d{3})", "yyyy-MM-dd HH:mm:ss.SSS",
                example="2024-03-05 10:11:12.123"),
        _layout("yyyy-MM-dd HH:mm:ss.SSSSSS", space + r"\.(?P<f>\d{6})",
                "yyyy-MM-dd HH:mm:ss.SSSSSS", example="2024-03-05 10:11:12.123456"),
        _layout("yyyy-MM-dd HH:mm:ss", space, "yyyy-MM-dd HH:mm:ss",
                example="2024-03-05 10:11:12"),
        _layout("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", t + r"\.(?P<f>\d{3})" + _OFFSET_COLON,
                "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", example="2024-03-05T10:11:12.123Z"),
        _layout("yyyy-MM-dd'T'HH:mm:ssXXX", t + _OFFSET_COLON, "yyyy-MM-dd'T'HH:mm:ssXXX",
                example="2024-03-05T10:11:12+02:00"),
        _layout("yyyy-MM-dd'T'HH:mm:ss.SSS", t + r"\.(?P<f>\d{3})", "yyyy-MM-dd'T'HH:mm:ss.SSS",
                example="2024-03-05T10:11:12.123"),
        _layout("yyyy-MM-dd'T'HH:mm:ss", t, "yyyy-MM-dd'T'HH:mm:ss",
                example="2024-03-05T10:11:12"),
        _layout("ISO 8601 (T or space, any fraction and zone)", general, kind="iso",
                example="2024-03-05T10:11:12.5+0200"),
        _layout("yyyy-MM-dd", _ISO_DATE, "yyyy-MM-dd", weak=True, example="2024-03-05"),
        # ISO 8601's ordinal date: the day of the year (lnav's "yday" sample)
        _layout("yyyy-DDD'T'HH:mm:ss", _Y4 + r"-(?P<j>\d{3})T" + _HMS + _FRAC,
                "yyyy-DDD'T'HH:mm:ss[.SSSSSSSSS][,SSSSSSSSS]", example="2024-065T10:11:12,123"),
    )


def _date(order: str, sep: str, short_year: bool = False) -> tuple[str, str, str, str]:
    """(fields regex, Spark pattern, name, example) of a numeric date with its fields in this
    order ("dmy" ...): one or two digits for day and month, as Spark's d and M parse them."""
    year = (_YY, "yy", "yy", "24") if short_year else (_Y4, "yyyy", "yyyy", "2024")
    parts = {"d": (_D12, "d", "dd", "25"), "m": (_M12, "M", "MM", "03"), "y": year}
    chosen = [parts[c] for c in order]
    return (re.escape(sep).join(p[0] for p in chosen), sep.join(p[1] for p in chosen),
            sep.join(p[2] for p in chosen), sep.join(p[3] for p in chosen))


_TIME = " " + _HM_S + _FRAC + _ZONE
_SPARK_TIME = " H:mm[:ss]" + _TAIL


def _numeric_dates() -> tuple[Layout, ...]:
    """Numeric dates other than ISO's: year first with / or ., day or month first with a
    4-digit year (24- and 12-hour clocks), and two-digit years in each order."""
    out: list[Layout] = []
    for sep in ("/", "."):
        fields, spark, name, example = _date("ymd", sep)
        out.append(_layout(f"{name} HH:mm:ss", fields + _TIME, spark + _SPARK_TIME,
                           example=example + " 10:11:12"))
    for sep in ("/", "-", "."):
        for order in ("dmy", "mdy"):
            fields, spark, name, example = _date(order, sep)
            out.append(_layout(f"{name} HH:mm:ss", fields + _TIME, spark + _SPARK_TIME,
                               family=f"{sep}yyyy", order=order, separator=sep,
                               example=example + " 10:11:12"))
    for order in ("mdy", "dmy"):
        fields, spark, name, example = _date(order, "/")
        out.append(_layout(f"{name} hh:mm:ss a", fields + " " + _H12, spark + " h:mm[:ss] a",
                           family="/yyyy 12h", order=order, separator="/",
                           example=example + " 10:11:12 PM"))
    for sep in ("/", "-", "."):
        for order in ("ymd", "dmy", "mdy"):
            fields, spark, name, example = _date(order, sep, short_year=True)
            out.append(_layout(f"{name} HH:mm:ss", fields + _TIME, spark + _SPARK_TIME,
                               family=f"{sep}yy", order=order, separator=sep,
                               example=example + " 10:11:12"))
    return tuple(out)


_MD = r"(?P<m>\d{2})(?P<d>\d{2})"
_HMS_COMPACT = r"(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})"
_COMPACT = (
    # HealthApp (Android) writes no field of the time padded: 20171224-0:5:9:12 is 00:05:09.012
    # (Spark's single H, m, s parse one or two digits)
    _layout("yyyyMMdd-HH:mm:ss:SSS", _Y4 + r"(?P<m>\d{2})(?P<d>\d{2})-(?P<H>\d{1,2}):"
            r"(?P<M>\d{1,2}):(?P<S>\d{1,2}):(?P<f>\d{1,3})", "yyyyMMdd-H:m:s:SSS",
            count_millis=True, example="20240305-10:11:12:123"),
    # FIX protocol's UTCTimestamp
    _layout("yyyyMMdd-HH:mm:ss.SSS", _Y4 + r"(?P<m>\d{2})(?P<d>\d{2})-" + _HMS
            + r"(?:\.(?P<f>\d{1,9}))?", "yyyyMMdd-HH:mm:ss[.SSSSSSSSS]",
            example="20240305-10:11:12.123"),
    _layout("yyyyMMdd HH:mm:ss", _Y4 + r"(?P<m>\d{2})(?P<d>\d{2}) " + _HMS + _FRAC,
            "yyyyMMdd HH:mm:ss[.SSSSSSSSS][,SSSSSSSSS]", example="20240305 10:11:12.123"),
    _layout("yyyyMMddHHmmss", _Y4 + _MD + _HMS_COMPACT, "yyyyMMddHHmmss", weak=True,
            example="20240305101112"),
    _layout("yyyyMMdd.HHmmss", _Y4 + _MD + r"\." + _HMS_COMPACT + r"(?:[.,](?P<f>\d{1,9}))?",
            "yyyyMMdd.HHmmss[.SSSSSSSSS][,SSSSSSSSS]", weak=True,
            example="20240305.101112,123"),
    _layout("yyMMdd HHmmss", _YY + _MD + " " + _HMS_COMPACT, "yyMMdd HHmmss", weak=True,
            example="240305 101112"),
    # MySQL 5's error log pads a one-digit hour with a space
    _layout("yyMMdd H:mm:ss",
            _YY + r"(?P<m>\d{2})(?P<d>\d{2}) +(?P<H>\d{1,2}):(?P<M>\d{2}):(?P<S>\d{2})",
            "yyMMdd H:mm:ss", squeeze_spaces=True, example="240305  9:11:12"),
    # DB2
    _layout("yyyy-MM-dd-HH.mm.ss.SSSSSS",
            _ISO_DATE + r"-(?P<H>\d{2})\.(?P<M>\d{2})\.(?P<S>\d{2})\.(?P<f>\d{1,6})",
            "yyyy-MM-dd-HH.mm.ss.SSSSSS", example="2024-03-05-10.11.12.123456"),
)

_NAMED_MONTHS = (
    _layout("dd/MMM/yyyy:HH:mm:ss Z (Apache access log)",
            _D12 + "/" + _MON + "/" + _Y4 + ":" + _HMS + r"(?: (?P<z>[+-]\d{4}))?",
            "d/MMM/yyyy:HH:mm:ss[ Z]", example="05/Mar/2024:10:11:12 +0200"),
    _layout("EEE MMM d HH:mm:ss yyyy (ctime)",
            _WD + " +" + _MON + " +" + _D12 + " " + _HMS + " " + _Y4, "MMM d HH:mm:ss yyyy",
            drop_weekday=True, squeeze_spaces=True, example="Tue Mar  5 10:11:12 2024"),
    _layout("EEE MMM dd HH:mm:ss.SSSSSS yyyy (Apache error log)",
            _WD + " " + _MON + " " + r"(?P<d>\d{2}) " + _HMS + r"\.(?P<f>\d{1,6}) " + _Y4,
            "MMM dd HH:mm:ss.SSSSSS yyyy", drop_weekday=True,
            example="Tue Mar 05 10:11:12.123456 2024"),
    _layout("EEE, dd MMM yyyy HH:mm:ss Z (RFC 2822)",
            "(?:" + _WD + ", )?" + _D12 + " " + _MON + " " + _Y4 + " " + _HM_S
            + r" (?P<z>[+-]\d{4}|GMT|UTC|UT)", "d MMM yyyy H:mm[:ss] [Z][VV]", drop_weekday=True,
            example="Tue, 05 Mar 2024 10:11:12 +0000"),
    # log4j's DATE
    _layout("dd MMM yyyy HH:mm:ss,SSS", r"(?P<d>\d{2}) " + _MON + " " + _Y4 + " " + _HMS
            + r"(?:[.,](?P<f>\d{3}))?", "dd MMM yyyy HH:mm:ss[,SSS][.SSS]",
            example="05 Mar 2024 10:11:12,123"),
    # Tomcat's catalina.out
    _layout("dd-MMM-yyyy HH:mm:ss.SSS", r"(?P<d>\d{2})-" + _MON + "-" + _Y4 + " " + _HMS
            + r"(?:\.(?P<f>\d{1,9}))?", "dd-MMM-yyyy HH:mm:ss[.SSSSSSSSS]",
            example="05-Mar-2024 10:11:12.123"),
    # java.util.logging's SimpleFormatter
    _layout("MMM d, yyyy h:mm:ss a", _MON + " " + _D12 + ", " + _Y4 + " " + _H12,
            "MMM d, yyyy h:mm[:ss] a", example="Mar 5, 2024 10:11:12 PM"),
)

_YEARLESS = (
    _layout("MMM d HH:mm:ss (syslog)", _MON + " +" + _D12 + " " + _HMS + r"(?:\.(?P<f>\d{1,6}))?",
            "MMM d HH:mm:ss[.SSSSSS]", yearless=True, squeeze_spaces=True,
            example="Mar  5 10:11:12"),
    _layout("MM-dd HH:mm:ss.SSS (logcat)", r"(?P<m>\d{2})-(?P<d>\d{2}) " + _HMS + r"\.(?P<f>\d{3})",
            "MM-dd HH:mm:ss.SSS", yearless=True, example="03-05 10:11:12.123"),
    _layout("MM.dd HH:mm:ss", r"(?P<m>\d{2})\.(?P<d>\d{2}) " + _HMS + r"(?:\.(?P<f>\d{1,9}))?",
            "MM.dd HH:mm:ss[.SSSSSSSSS]", yearless=True, example="03.05 10:11:12"),
    _layout("MMdd HH:mm:ss.SSSSSS (glog)", r"(?P<m>\d{2})(?P<d>\d{2}) " + _HMS + r"\.(?P<f>\d{6})",
            "MMdd HH:mm:ss.SSSSSS", yearless=True, example="0305 10:11:12.123456"),
)

# A time of day alone (strace -t / -tt, lnav's rollover sample): weak, as "took 00:00:05" is
# ordinary text; the date comes from the file's mtime
_TIME_OF_DAY = (
    _layout("HH:mm:ss (time of day)", _HMS + r"(?:[.,](?P<f>\d{1,9}))?",
            "HH:mm:ss[.SSSSSSSSS][,SSSSSSSSS]", dateless=True, weak=True,
            example="10:11:12.123456"),
)

# Epoch numbers: the digit counts of the years 2001-2286 (seconds) and their multiples, so a
# 5-digit id or a 12-digit phone number is never taken for a time.
_EPOCHS = tuple(
    _layout(f"epoch {unit}", rf"(?P<e>[1-9]\d{{{digits - 1}}})(?:\.(?P<f>\d{{1,9}}))?", kind=kind,
            weak=True, example=example)
    for unit, digits, kind, example in (
        ("seconds", 10, "epoch_s", "1709633472.5"),
        ("milliseconds", 13, "epoch_ms", "1709633472123"),
        ("microseconds", 16, "epoch_us", "1709633472123456"),
        ("nanoseconds", 19, "epoch_ns", "1709633472123456789"),
    )
)

_TAI64N = _layout("TAI64N", r"@(?P<tai>4[0-9a-fA-F]{15})(?P<nano>[0-9a-fA-F]{8})", kind="tai64n",
                  example="@4000000065e6efca1dcd6500")

# Catalogue order breaks ties between layouts that parse as many samples: the more specific
# layouts of a group come first (ISO's exact spellings before the general ISO cast).
LAYOUTS: tuple[Layout, ...] = (
    _iso() + _numeric_dates() + _COMPACT + _NAMED_MONTHS + _YEARLESS + _TIME_OF_DAY + _EPOCHS
    + (_TAI64N,)
)
_BY_NAME = {layout.name: layout for layout in LAYOUTS}

# A layout set by config (timestamps.layouts) is named by its Spark pattern and this suffix
CONFIG_SUFFIX = " (config)"


@functools.cache
def config_layout(pattern: str) -> Layout:
    """The layout of a Spark datetime pattern set by config: named "<pattern> (config)", its
    regex derived from the pattern (patterns.pattern_regex); without a year it is yearless,
    without a date dateless. No `fields`: python_parse does not read it (nothing infers it)."""
    return Layout(
        name=pattern + CONFIG_SUFFIX, regex=pattern_regex(pattern), spark_pattern=pattern,
        yearless=is_yearless(pattern), dateless=is_dateless(pattern),
    )


def layout_named(name: str) -> Layout | None:
    """The catalogue's layout of this name (names are stable: the ingest report shows them),
    or the layout set by config that is named so ("dd.MM.yy HH:mm:ss (config)")."""
    found = _BY_NAME.get(name)
    if found is None and name.endswith(CONFIG_SUFFIX):
        try:
            return config_layout(name[: -len(CONFIG_SUFFIX)])
        except (ValueError, re.error):
            return None
    return found


__all__ = ["CONFIG_SUFFIX", "KINDS", "LAYOUTS", "Layout", "MONTHS", "WEEKDAYS", "config_layout",
           "layout_named"]
