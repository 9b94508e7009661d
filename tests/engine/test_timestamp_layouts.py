"""Timestamp layouts (pure Python): the catalogue, infer_layout's rules, find_timestamp's
prefixes, line_pattern, python_parse. Every expected value is written out by hand."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from logdesk.engine.timestamps import (
    LAYOUTS,
    PREFIX_REGEX,
    find_timestamp,
    infer_layout,
    infer_line_layout,
    layout_named,
    line_pattern,
    python_parse,
)

PLUS2 = timezone(timedelta(hours=2))

# (layout name, a small sample, the first sample's value); yearless ones read with mtime_year 2024
FORMS = [
    ("yyyy-MM-dd HH:mm:ss,SSS", ["2024-03-05 10:11:12,123", "2024-03-05 10:11:13,004"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy-MM-dd HH:mm:ss.SSS", ["2024-03-05 10:11:12.123", "2024-03-05 10:11:12.999"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy-MM-dd HH:mm:ss.SSSSSS", ["2024-03-05 10:11:12.123456", "2024-03-06 00:00:00.000001"],
     datetime(2024, 3, 5, 10, 11, 12, 123456)),
    ("yyyy-MM-dd HH:mm:ss", ["2024-03-05 10:11:12", "2024-03-05 23:59:59"],
     datetime(2024, 3, 5, 10, 11, 12)),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", ["2024-03-05T10:11:12.123Z", "2024-03-05T10:11:12.124+02:00"],
     datetime(2024, 3, 5, 10, 11, 12, 123000, tzinfo=UTC)),
    ("yyyy-MM-dd'T'HH:mm:ssXXX", ["2024-03-05T10:11:12+02:00", "2024-03-05T10:11:13-05:30"],
     datetime(2024, 3, 5, 10, 11, 12, tzinfo=PLUS2)),
    ("yyyy-MM-dd'T'HH:mm:ss.SSS", ["2024-03-05T10:11:12.123", "2024-03-05T10:11:12.500"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy-MM-dd'T'HH:mm:ss", ["2024-03-05T10:11:12", "2024-03-05T10:11:13"],
     datetime(2024, 3, 5, 10, 11, 12)),
    ("ISO 8601 (T or space, any fraction and zone)",
     ["2024-03-05T10:11:12.5+0200", "2024-03-05 10:11:12,123456789 UTC", "2024-03-05T10:11:12Z"],
     datetime(2024, 3, 5, 10, 11, 12, 500000, tzinfo=PLUS2)),
    ("yyyy-MM-dd", ["2024-03-05", "2024-03-06"], datetime(2024, 3, 5)),
    ("yyyy-DDD'T'HH:mm:ss", ["2024-065T10:11:12,123", "2024-066T10:11:12"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyy/MM/dd HH:mm:ss", ["2024/03/05 10:11:12", "2024/03/05 10:11:13"],
     datetime(2024, 3, 5, 10, 11, 12)),
    ("yyyy.MM.dd HH:mm:ss", ["2024.03.05 10:11:12", "2024.03.05 10:11:13"],
     datetime(2024, 3, 5, 10, 11, 12)),
    ("dd/MM/yyyy HH:mm:ss", ["25/03/2024 10:11:12", "05/03/2024 10:11:12"],
     datetime(2024, 3, 25, 10, 11, 12)),
    ("MM/dd/yyyy HH:mm:ss", ["03/25/2024 10:11:12", "03/05/2024 10:11:12"],
     datetime(2024, 3, 25, 10, 11, 12)),
    ("dd-MM-yyyy HH:mm:ss", ["25-03-2024 10:11:12", "05-03-2024 10:11:12"],
     datetime(2024, 3, 25, 10, 11, 12)),
    ("MM-dd-yyyy HH:mm:ss", ["03-25-2024 10:11:12", "03-05-2024 10:11:12"],
     datetime(2024, 3, 25, 10, 11, 12)),
    ("dd.MM.yyyy HH:mm:ss", ["25.03.2024 10:11:12", "05.03.2024 10:11:12"],
     datetime(2024, 3, 25, 10, 11, 12)),
    ("MM.dd.yyyy HH:mm:ss", ["03.25.2024 10:11:12", "03.05.2024 10:11:12"],
     datetime(2024, 3, 25, 10, 11, 12)),
    ("MM/dd/yyyy hh:mm:ss a", ["03/25/2024 10:11:12 PM", "03/26/2024 12:00:01 AM"],
     datetime(2024, 3, 25, 22, 11, 12)),
    ("dd/MM/yyyy hh:mm:ss a", ["25/03/2024 10:11:12 PM", "26/03/2024 09:00:00 am"],
     datetime(2024, 3, 25, 22, 11, 12)),
    # two-digit years: the field that varies is the day, the one that does not is the year
    ("yy/MM/dd HH:mm:ss", ["24/03/05 10:11:12", "24/03/06 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("dd/MM/yy HH:mm:ss", ["05/03/24 10:11:12", "06/03/24 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("MM/dd/yy HH:mm:ss", ["03/05/24 10:11:12", "03/06/24 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("yy-MM-dd HH:mm:ss", ["24-03-05 10:11:12", "24-03-06 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("dd-MM-yy HH:mm:ss", ["05-03-24 10:11:12", "06-03-24 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("MM-dd-yy HH:mm:ss", ["03-05-24 10:11:12", "03-06-24 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("yy.MM.dd HH:mm:ss", ["24.03.05 10:11:12", "24.03.06 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("dd.MM.yy HH:mm:ss", ["05.03.24 10:11:12", "06.03.24 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("MM.dd.yy HH:mm:ss", ["03.05.24 10:11:12", "03.06.24 10:11:12"], datetime(2024, 3, 5, 10, 11, 12)),
    ("yyyyMMdd-HH:mm:ss:SSS", ["20240305-10:11:12:123", "20240305-10:11:13:000"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyyMMdd.HHmmss", ["20240305.101112,672", "20240305.101113"],
     datetime(2024, 3, 5, 10, 11, 12, 672000)),
    ("yyyyMMdd-HH:mm:ss.SSS", ["20240305-10:11:12.123", "20240305-10:11:13"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyyMMdd HH:mm:ss", ["20240305 10:11:12.123", "20240305 10:11:13"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("yyyyMMddHHmmss", ["20240305101112", "20240305101113"], datetime(2024, 3, 5, 10, 11, 12)),
    ("yyMMdd HHmmss", ["240305 101112", "240305 101113"], datetime(2024, 3, 5, 10, 11, 12)),
    ("yyMMdd H:mm:ss", ["240305  9:11:12", "240305 10:11:12"], datetime(2024, 3, 5, 9, 11, 12)),
    ("yyyy-MM-dd-HH.mm.ss.SSSSSS", ["2024-03-05-10.11.12.123456", "2024-03-05-10.11.13.000000"],
     datetime(2024, 3, 5, 10, 11, 12, 123456)),
    ("dd/MMM/yyyy:HH:mm:ss Z (Apache access log)",
     ["05/Mar/2024:10:11:12 +0200", "05/Mar/2024:10:11:13 +0200"],
     datetime(2024, 3, 5, 10, 11, 12, tzinfo=PLUS2)),
    ("EEE MMM d HH:mm:ss yyyy (ctime)", ["Tue Mar  5 10:11:12 2024", "Wed Mar  6 00:00:00 2024"],
     datetime(2024, 3, 5, 10, 11, 12)),
    ("EEE MMM dd HH:mm:ss.SSSSSS yyyy (Apache error log)",
     ["Tue Mar 05 10:11:12.123456 2024", "Tue Mar 05 10:11:13.000001 2024"],
     datetime(2024, 3, 5, 10, 11, 12, 123456)),
    ("EEE, dd MMM yyyy HH:mm:ss Z (RFC 2822)",
     ["Tue, 05 Mar 2024 10:11:12 +0000", "Wed, 06 Mar 2024 10:11:12 GMT"],
     datetime(2024, 3, 5, 10, 11, 12, tzinfo=UTC)),
    ("dd MMM yyyy HH:mm:ss,SSS", ["05 Mar 2024 10:11:12,123", "05 Mar 2024 10:11:13,000"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("dd-MMM-yyyy HH:mm:ss.SSS", ["05-Mar-2024 10:11:12.123", "05-Mar-2024 10:11:13.000"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("MMM d, yyyy h:mm:ss a", ["Mar 5, 2024 10:11:12 PM", "Mar 5, 2024 1:02:03 AM"],
     datetime(2024, 3, 5, 22, 11, 12)),
    ("MMM d HH:mm:ss (syslog)", ["Mar  5 10:11:12", "Mar 15 10:11:12"],
     datetime(2024, 3, 5, 10, 11, 12)),
    ("MM-dd HH:mm:ss.SSS (logcat)", ["03-05 10:11:12.123", "03-05 10:11:13.000"],
     datetime(2024, 3, 5, 10, 11, 12, 123000)),
    ("MM.dd HH:mm:ss", ["03.05 10:11:12", "03.05 10:11:13"], datetime(2024, 3, 5, 10, 11, 12)),
    ("MMdd HH:mm:ss.SSSSSS (glog)", ["0305 10:11:12.123456", "0305 10:11:13.000000"],
     datetime(2024, 3, 5, 10, 11, 12, 123456)),
    # no mtime given: 2000-01-01 (with one, its date: test_time_of_day.py)
    ("HH:mm:ss (time of day)", ["10:11:12.123456", "10:11:13"], datetime(2000, 1, 1, 10, 11, 12, 123456)),
    ("epoch seconds", ["1709633472", "1709633473.25"], datetime(2024, 3, 5, 10, 11, 12, tzinfo=UTC)),
    ("epoch milliseconds", ["1709633472123", "1709633473000"],
     datetime(2024, 3, 5, 10, 11, 12, 123000, tzinfo=UTC)),
    ("epoch microseconds", ["1709633472123456", "1709633473000000"],
     datetime(2024, 3, 5, 10, 11, 12, 123456, tzinfo=UTC)),
    ("epoch nanoseconds", ["1709633472123456789", "1709633473000000000"],
     datetime(2024, 3, 5, 10, 11, 12, 123456, tzinfo=UTC)),
    # 2**62 + 10 + 1709633472 = 0x4000000065e6efca; 500000000 ns = 0x1dcd6500
    ("TAI64N", ["@4000000065e6efca1dcd6500", "@4000000065e6efcb00000000"],
     datetime(2024, 3, 5, 10, 11, 12, 500000, tzinfo=UTC)),
]


@pytest.mark.parametrize(("name", "samples", "expected"), FORMS, ids=[f[0] for f in FORMS])
def test_every_form_is_inferred_from_a_sample_and_parsed(name, samples, expected):
    layout = infer_layout(samples, mtime_year=2024)
    assert layout is not None and layout.name == name
    assert python_parse(layout, samples[0], mtime_year=2024) == expected


def test_the_table_covers_the_whole_catalogue():
    assert sorted(f[0] for f in FORMS) == sorted(layout.name for layout in LAYOUTS)


def test_catalogue_is_well_formed():
    assert len({layout.name for layout in LAYOUTS}) == len(LAYOUTS)
    for layout in LAYOUTS:
        assert re.compile(layout.regex).groups == 0, layout.name  # nothing that captures
        assert "(?P<" not in layout.regex and "(?i" not in layout.regex
        assert (layout.kind == "pattern") == (layout.spark_pattern is not None), layout.name
        assert layout_named(layout.name) is layout
        assert python_parse(layout, layout.example, mtime_year=2024) is not None, layout.name


@pytest.mark.parametrize(("samples", "name"), [
    (["[2024-03-05 10:11:12]", "[2024-03-05 10:11:13]"], "yyyy-MM-dd HH:mm:ss"),
    (["[05/Mar/2024:10:11:12 +0200]"], "dd/MMM/yyyy:HH:mm:ss Z (Apache access log)"),
    (["[Tue Mar 05 10:11:12.123456 2024]"], "EEE MMM dd HH:mm:ss.SSSSSS yyyy (Apache error log)"),
    (["[1709633472123]", " [ 1709633472124 ] "], "epoch milliseconds"),
    # W3C/IIS: the caller joins the date and time columns with a space
    ([" ".join(("2024-03-05", "10:11:12"))], "yyyy-MM-dd HH:mm:ss"),
])
def test_bracketed_and_joined_forms(samples, name):
    assert infer_layout(samples).name == name


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-05T10:11:12Z", datetime(2024, 3, 5, 10, 11, 12, tzinfo=UTC)),
    ("2024-03-05t10:11:12z", datetime(2024, 3, 5, 10, 11, 12, tzinfo=UTC)),
    ("2024-03-05T10:11:12+02", datetime(2024, 3, 5, 10, 11, 12, tzinfo=PLUS2)),
    ("2024-03-05T10:11:12-0130", datetime(2024, 3, 5, 10, 11, 12,
                                          tzinfo=timezone(-timedelta(hours=1, minutes=30)))),
    ("2024-03-05 10:11:12 +02:00", datetime(2024, 3, 5, 10, 11, 12, tzinfo=PLUS2)),
    ("2024-03-05 10:11:12 UTC", datetime(2024, 3, 5, 10, 11, 12, tzinfo=UTC)),
    ("2024-03-05 10:11:12GMT", datetime(2024, 3, 5, 10, 11, 12, tzinfo=UTC)),
    ("2024-03-05 10:11:12,123456789", datetime(2024, 3, 5, 10, 11, 12, 123456)),
    ("2024-03-05T10:11", datetime(2024, 3, 5, 10, 11)),
    ("2024-3-5 1:02:03", datetime(2024, 3, 5, 1, 2, 3)),
    # zone names and region ids: 10:11 in Berlin in March is 09:11 UTC, in July 08:11 UTC
    ("2024-03-05 10:11:12 CET", datetime(2024, 3, 5, 9, 11, 12, tzinfo=UTC)),
    ("2024-07-05 10:11:12 Europe/Berlin", datetime(2024, 7, 5, 8, 11, 12, tzinfo=UTC)),
    ("2024-07-05T10:11:12+02:00[Europe/Berlin]", datetime(2024, 7, 5, 8, 11, 12, tzinfo=UTC)),
    ("2024-03-05 10:11:12 EST", None),  # ambiguous abbreviations are not zones we read
    ("2024-03-05 10:11:12 Europe/Nowhere", None),
    ("2024-03-05 10:11:12+19:00", None),
    ("2024-02-30 10:11:12", None),
    ("2024-13-05 10:11:12", None),
    ("2024-03-05 24:00:00", None),
    ("2024-03-05 10:60:00", None),
    ("2024", None),
])
def test_iso_variants(text, expected):
    layout = layout_named("ISO 8601 (T or space, any fraction and zone)")
    assert python_parse(layout, text) == expected


def test_iso_date_only():
    assert python_parse(layout_named("yyyy-MM-dd"), "2024-02-29") == datetime(2024, 2, 29)
    assert python_parse(layout_named("yyyy-MM-dd"), "2023-02-29") is None


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("MM/dd/yyyy hh:mm:ss a", "03/05/2024 12:00:00 AM", datetime(2024, 3, 5, 0, 0)),
    ("MM/dd/yyyy hh:mm:ss a", "03/05/2024 12:30:00 PM", datetime(2024, 3, 5, 12, 30)),
    ("MM/dd/yyyy hh:mm:ss a", "03/05/2024 13:00:00 PM", None),
    ("dd/MM/yyyy HH:mm:ss", "31/04/2024 10:11:12", None),  # April has 30 days
    ("dd/MM/yyyy HH:mm:ss", "5/3/2024 9:11", datetime(2024, 3, 5, 9, 11)),
    ("dd.MM.yyyy HH:mm:ss", "05.03.2024 10:11:12.5 +0200",
     datetime(2024, 3, 5, 10, 11, 12, 500000, tzinfo=PLUS2)),
    ("yy/MM/dd HH:mm:ss", "99/03/05 10:11:12", datetime(2099, 3, 5, 10, 11, 12)),  # as Spark's yy
    ("epoch seconds", "1709633472.123456789", datetime(2024, 3, 5, 10, 11, 12, 123456, tzinfo=UTC)),
    ("epoch milliseconds", "1709633472123.5", datetime(2024, 3, 5, 10, 11, 12, 123500, tzinfo=UTC)),
    ("epoch nanoseconds", "9999999999999999999",  # 9999999999 s: the last 10-digit second
     datetime(2286, 11, 20, 17, 46, 39, 999999, tzinfo=UTC)),
    ("TAI64N", "@4000000065e6efca3b9aca00", None),  # 10**9 nanoseconds
    ("MMM d HH:mm:ss (syslog)", "MAR  5 10:11:12", datetime(2000, 3, 5, 10, 11, 12)),
    ("MMM d HH:mm:ss (syslog)", "Foo  5 10:11:12", None),
])
def test_values_are_validated(name, text, expected):
    assert python_parse(layout_named(name), text) == expected


# --- day first or month first ----------------------------------------------------------------

def _order(samples, **kw):
    return infer_layout(samples, **kw).name


def test_a_first_field_over_12_means_day_first():
    assert _order(["05/03/2024 10:00:00", "13/03/2024 10:00:00"]) == "dd/MM/yyyy HH:mm:ss"


def test_a_second_field_over_12_means_month_first():
    assert _order(["05/03/2024 10:00:00", "03/13/2024 10:00:00"], day_first_default=True) == (
        "MM/dd/yyyy HH:mm:ss"
    )


def test_the_field_that_varies_more_is_the_day():
    day_first = ["01/03/2024 10:00:00", "02/03/2024 10:00:00", "03/03/2024 10:00:00"]
    month_first = ["03/01/2024 10:00:00", "03/02/2024 10:00:00", "03/03/2024 10:00:00"]
    assert _order(day_first) == "dd/MM/yyyy HH:mm:ss"
    assert _order(month_first, day_first_default=True) == "MM/dd/yyyy HH:mm:ss"
    assert _order([s.replace("/", "-") for s in day_first]) == "dd-MM-yyyy HH:mm:ss"


def test_no_evidence_means_the_default():
    same_day = ["05/03/2024 10:00:00", "05/03/2024 11:00:00"]
    assert _order(same_day) == "MM/dd/yyyy HH:mm:ss"
    assert _order(same_day, day_first_default=True) == "dd/MM/yyyy HH:mm:ss"
    # no convention writes month.day.year: dots are day first unless the values say otherwise
    assert _order(["05.03.2024 10:00:00"]) == "dd.MM.yyyy HH:mm:ss"
    assert _order(["05.03.2024 10:00:00", "05.13.2024 10:00:00"]) == "MM.dd.yyyy HH:mm:ss"


def test_two_digit_years_in_any_order():
    # 24 cannot be a month: year first (by default) or day first
    assert _order(["24/03/05 10:11:12"]) == "yy/MM/dd HH:mm:ss"
    assert _order(["24/03/05 10:11:12"], day_first_default=True) == "dd/MM/yy HH:mm:ss"
    # 99 is only a year
    assert _order(["99/03/05 10:11:12"], day_first_default=True) == "yy/MM/dd HH:mm:ss"
    # the file's year decides when the values do not
    assert _order(["05/03/24 10:11:12"], mtime_year=2005) == "yy/MM/dd HH:mm:ss"
    assert _order(["05/03/24 10:11:12"], mtime_year=2024) == "MM/dd/yy HH:mm:ss"
    assert _order(["05/03/24 10:11:12"], mtime_year=2024, day_first_default=True) == (
        "dd/MM/yy HH:mm:ss"
    )
    assert _order(["05.03.24 10:11:12"]) == "dd.MM.yy HH:mm:ss"
    layout = infer_layout(["05.03.24 10:11:12"])
    assert python_parse(layout, "05.03.24 10:11:12") == datetime(2024, 3, 5, 10, 11, 12)


def test_ties_follow_catalogue_order_and_mixed_spellings_the_general_layout():
    assert _order(["2024-03-05T10:11:12.123Z"]) == "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
    # RFC 3339 "nano" times drop trailing zeros: only the general ISO layout takes them all
    assert _order(["2024-03-05T10:11:12.1Z", "2024-03-05T10:11:12.123456Z"]) == (
        "ISO 8601 (T or space, any fraction and zone)"
    )


def test_at_least_half_of_the_non_empty_samples_must_parse():
    assert _order(["2024-03-05 10:11:12", "N/A", "", None, "-", "2024-03-05 10:11:13"]) == (
        "yyyy-MM-dd HH:mm:ss"
    )
    assert infer_layout(["2024-03-05 10:11:12", "N/A", "-"]) is None
    assert infer_layout([]) is None
    assert infer_layout(["", "  ", None]) is None
    assert infer_layout(["hello", "world", "12345", "2024"]) is None


# --- yearless --------------------------------------------------------------------------------

NEW_YEAR = datetime(2024, 1, 1, 0, 10)  # a file written 10 minutes into 2024


@pytest.mark.parametrize(("name", "text", "mtime", "expected"), [
    ("MMM d HH:mm:ss (syslog)", "Dec 31 23:59:59", NEW_YEAR, datetime(2023, 12, 31, 23, 59, 59)),
    ("MMM d HH:mm:ss (syslog)", "Jan  1 00:00:05", NEW_YEAR, datetime(2024, 1, 1, 0, 0, 5)),
    ("MMM d HH:mm:ss (syslog)", "Jan  2 00:05:00", NEW_YEAR, datetime(2024, 1, 2, 0, 5)),
    ("MMM d HH:mm:ss (syslog)", "Jan  3 00:00:00", NEW_YEAR, datetime(2023, 1, 3)),
    ("MM-dd HH:mm:ss.SSS (logcat)", "12-31 23:59:59.999", NEW_YEAR,
     datetime(2023, 12, 31, 23, 59, 59, 999000)),
    ("MMdd HH:mm:ss.SSSSSS (glog)", "1231 23:59:59.000001", NEW_YEAR,
     datetime(2023, 12, 31, 23, 59, 59, 1)),
    ("MM.dd HH:mm:ss", "01.01 00:05:00", NEW_YEAR, datetime(2024, 1, 1, 0, 5)),
    # Feb 29 does not exist in 2025: the year before has it
    ("MMM d HH:mm:ss (syslog)", "Feb 29 10:00:00", datetime(2025, 1, 5), datetime(2024, 2, 29, 10)),
])
def test_yearless_rolls_back_over_new_year(name, text, mtime, expected):
    assert python_parse(layout_named(name), text, mtime=mtime) == expected


def test_yearless_takes_mtime_year_or_a_leap_year():
    syslog = layout_named("MMM d HH:mm:ss (syslog)")
    assert python_parse(syslog, "Mar  5 10:00:00", mtime_year=2023) == datetime(2023, 3, 5, 10)
    assert python_parse(syslog, "Feb 29 10:00:00", mtime_year=2025) == datetime(2024, 2, 29, 10)
    assert python_parse(syslog, "Feb 29 10:00:00", mtime_year=2023) is None  # nor in 2022
    assert python_parse(syslog, "Feb 29 10:00:00") == datetime(2000, 2, 29, 10)
    assert infer_layout(["Feb 29 10:00:00", "Mar  1 10:00:00"]).name == "MMM d HH:mm:ss (syslog)"


# --- lines -----------------------------------------------------------------------------------

ISO_SPACE = "yyyy-MM-dd HH:mm:ss"


@pytest.mark.parametrize(("line", "start", "end", "name"), [
    ("2024-03-05 10:11:12 ERROR x", 0, 19, ISO_SPACE),
    ("[2024-03-05 10:11:12] ERROR x", 1, 20, ISO_SPACE),
    ("<34>Mar  5 10:11:12 host sshd[1]: x", 4, 19, "MMM d HH:mm:ss (syslog)"),
    ("<165>1 2024-03-05T10:11:12.003Z host app - - x", 7, 31, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
    ("web_1  | 2024-03-05 10:11:12 ERROR x", 9, 28, ISO_SPACE),
    ("api-1  | [2024-03-05 10:11:12] x", 10, 29, ISO_SPACE),
    # a Kubernetes/CRI line: its own time comes first and is the one found
    ("2024-03-05T10:11:12.123456789Z stdout F 2024-03-05 10:11:12 x", 0, 30,
     "ISO 8601 (T or space, any fraction and zone)"),
    ("app.log:2024-03-05 10:11:12 x", 8, 27, ISO_SPACE),
    ("logs/app.log:12:2024-03-05 10:11:12 x", 16, 35, ISO_SPACE),
    ("12345 2024-03-05 10:11:12 x", 6, 25, ISO_SPACE),
    ("#12 2024-03-05 10:11:12 x", 4, 23, ISO_SPACE),
    ("myhost 2024-03-05 10:11:12 x", 7, 26, ISO_SPACE),
    ("I0305 10:11:12.123456  1234 main.cc:12] x", 1, 21, "MMdd HH:mm:ss.SSSSSS (glog)"),
    ("1709633472.5 E x", 0, 12, "epoch seconds"),
    ("[1709633472123] x", 1, 14, "epoch milliseconds"),
    ("Tue Mar  5 10:11:12 2024 x", 0, 24, "EEE MMM d HH:mm:ss yyyy (ctime)"),
    ("2024-03-05 10:11:12,123 INFO x", 0, 23, "yyyy-MM-dd HH:mm:ss,SSS"),
    ("2024-03-05 10:11:12 +0200 x", 0, 25, "ISO 8601 (T or space, any fraction and zone)"),
    ("2024-03-05 10:11:12 +10 points", 0, 19, ISO_SPACE),
    ("2024-03-05 10:11:12 Server/Main up", 0, 19, ISO_SPACE),
    ("25/03/2024 10:11:12 x", 0, 19, "dd/MM/yyyy HH:mm:ss"),
])
def test_find_timestamp_after_each_prefix(line, start, end, name):
    found = find_timestamp(line)
    assert found is not None
    assert (found[0], found[1], found[2].name) == (start, end, name)


@pytest.mark.parametrize("line", [
    "Traceback (most recent call last):",
    "    at com.example.Main.run(Main.java:42)",
    "user 1709633472 logged in",  # bare digits are taken only at the start
    "Released on 2024-03-05 with fixes",
    "Connection from 10.0.0.1 closed after 12:00:01",
    "2024-13-45 10:11:12 not a date",
    "",
])
def test_find_timestamp_none(line):
    assert find_timestamp(line) is None


def test_infer_line_layout_skips_continuation_lines():
    lines = [
        "2024-03-05 10:11:12,123 ERROR [main] com.x.Job - failed",
        "java.lang.IllegalStateException: boom",
        "    at com.x.Job.run(Job.java:12)",
        "    at com.x.Main.main(Main.java:5)",
        "2024-03-05 10:11:13,001 INFO [main] com.x.Job - retry",
    ]
    assert infer_line_layout(lines).name == "yyyy-MM-dd HH:mm:ss,SSS"
    dated = ["05/03/2024 10:11:12 start", "  details", "13/03/2024 10:11:12 end"]
    assert infer_line_layout(dated).name == "dd/MM/yyyy HH:mm:ss"
    docker = ["web_1  | 03/05/2024 10:11:12 a", "web_1  | 03/15/2024 10:11:12 b"]
    assert infer_line_layout(docker).name == "MM/dd/yyyy HH:mm:ss"


def test_message_lines_without_timestamps_give_none():
    lines = [
        "Starting the server",
        "Listening on port 8080",
        "Error: connection refused",
        "    retrying in 5 seconds",
        "Done in 12.5s (1234 files)",
        "user 1709633472 logged in",
    ]
    assert infer_line_layout(lines) is None
    assert infer_line_layout([]) is None


# --- line_pattern ----------------------------------------------------------------------------

def _level(m: re.Match) -> str | None:
    values = [v for k, v in m.groupdict().items() if k.startswith("level") and v]
    assert len(values) <= 1
    return values[0] if values else None


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_line_pattern_compiles_and_finds_the_example(layout):
    pattern = re.compile(line_pattern(layout))
    assert {"ts", "message"} <= set(pattern.groupindex)
    m = pattern.match(layout.example + " WARN disk almost full")
    assert m is not None and m.group("ts") == layout.example
    assert (_level(m), m.group("message")) == ("WARN", "disk almost full")


@pytest.mark.parametrize(("line", "ts", "level", "message"), [
    ("2024-03-05 10:11:12 INFO started", "2024-03-05 10:11:12", "INFO", "started"),
    ("2024-03-05 10:11:12 [warning] slow", "2024-03-05 10:11:12", "warning", "slow"),
    ("[2024-03-05 10:11:12] [Error] boom", "2024-03-05 10:11:12", "Error", "boom"),
    ("2024-03-05 10:11:12 - ERROR - boom", "2024-03-05 10:11:12", "ERROR", "boom"),
    ("2024-03-05 10:11:12 error: boom", "2024-03-05 10:11:12", "error", "boom"),
    ("2024-03-05 10:11:12\tinfo\tmain.go:12\tup", "2024-03-05 10:11:12", "info", "main.go:12\tup"),
    ("2024-03-05 10:11:12 [main] DEBUG c.x.Y - hi", "2024-03-05 10:11:12", "DEBUG", "c.x.Y - hi"),
    ("2024-03-05 10:11:12 E some failure", "2024-03-05 10:11:12", "E", "some failure"),
    ("2024-03-05 10:11:12 [E] some failure", "2024-03-05 10:11:12", "E", "some failure"),
    ("2024-03-05 10:11:12 E/Tag( 123): crash", "2024-03-05 10:11:12", "E", "Tag( 123): crash"),
    ("2024-03-05 10:11:12  1234  5678 W Tag: x", "2024-03-05 10:11:12", "W", "Tag: x"),
    ("2024-03-05 10:11:12 stdout F INFO ok", "2024-03-05 10:11:12", "INFO", "ok"),
    ("web_1  | 2024-03-05 10:11:12 CRITICAL x", "2024-03-05 10:11:12", "CRITICAL", "x"),
    # ordinary first words of a message are not levels
    ("2024-03-05 10:11:12 Error connecting to db", "2024-03-05 10:11:12", None,
     "Error connecting to db"),
    ("2024-03-05 10:11:12 A user logged in", "2024-03-05 10:11:12", None, "A user logged in"),
    ("2024-03-05 10:11:12 I/O error on sda", "2024-03-05 10:11:12", None, "I/O error on sda"),
    ("2024-03-05 10:11:12 Informational note", "2024-03-05 10:11:12", None, "Informational note"),
    ("2024-03-05 10:11:12 INFORMATIONAL x", "2024-03-05 10:11:12", None, "INFORMATIONAL x"),
    ("2024-03-05 10:11:12", "2024-03-05 10:11:12", None, ""),
])
def test_line_pattern_groups(line, ts, level, message):
    m = re.match(line_pattern(layout_named(ISO_SPACE)), line)
    assert m is not None
    assert (m.group("ts"), _level(m), m.group("message")) == (ts, level, message)


def test_line_pattern_glog_letter_is_the_level():
    m = re.match(line_pattern(layout_named("MMdd HH:mm:ss.SSSSSS (glog)")),
                 "E0305 10:11:12.123456  1234 main.cc:12] failed")
    assert (m.group("ts"), _level(m), m.group("message")) == (
        "0305 10:11:12.123456", "E", "1234 main.cc:12] failed"
    )


@pytest.mark.parametrize("line", [
    "java.lang.IllegalStateException: boom",
    "    at com.x.Job.run(Job.java:12)",
    "hello world 2024-03-05 10:11:12 there",  # two words before the time: not a prefix
    "2024-03-05 10:11:12,123 x",  # a fraction this layout does not have
])
def test_line_pattern_does_not_match_other_lines(line):
    assert re.match(line_pattern(layout_named(ISO_SPACE)), line) is None


def test_weak_layouts_take_no_host_prefix():
    epoch = layout_named("epoch seconds")
    assert re.match(line_pattern(epoch), "1709633472 x") is not None
    assert re.match(line_pattern(epoch), "user 1709633472 x") is None
    assert re.match(PREFIX_REGEX + "2", "myhost 2").end() == 8


def test_healthapp_times_without_padding():
    """HealthApp pads no field of its time, and writes the milliseconds as a number: ":12" is
    12 ms, ":9" 9 ms (its lines are in order only when read so)."""
    samples = ["20171224-0:5:9:12", "20171224-22:15:29:606", "20171224-22:16:0:9"]
    layout = infer_layout(samples)
    assert layout is not None and layout.name == "yyyyMMdd-HH:mm:ss:SSS"
    assert [python_parse(layout, s) for s in samples] == [
        datetime(2017, 12, 24, 0, 5, 9, 12000), datetime(2017, 12, 24, 22, 15, 29, 606000),
        datetime(2017, 12, 24, 22, 16, 0, 9000)]
    assert python_parse(layout, "20171224-24:5:9:12") is None
    line = "20171224-0:5:9:12|Step_LSC|30002312|onExtend:1514038530000 14 0 4"
    found = find_timestamp(line)
    assert found is not None and found[2] is layout and line[found[0]:found[1]] == samples[0]
