"""SparkBackend's record queries on a hand-written Parquet folder (shared spark fixture)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from logdesk.control import Cancelled, RunControl
from logdesk.engine.backend import SparkBackend
from logdesk.engine.schema import STAGED_SCHEMA
from logdesk.results import RecordFilter
from logdesk.settings import Settings, SparkSettings
from ui_fakes import make_result

UTC = timezone.utc
T0 = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def _row(minute: int, level: str, service: str | None, ip: str, endpoint: str, message: str, line: int):
    ts = (T0 + timedelta(minutes=minute)).replace(tzinfo=None)  # session zone is UTC
    # as the CSV reader stages rows: `line` left to be counted, the row's position kept instead
    return (ts, level, level, service, ip, endpoint, message, None, "a.log", None, "csv", None, None,
            line, 0, 0, 1, 0)


@pytest.fixture(scope="module")
def records_dir(spark, tmp_path_factory):
    rows = [
        _row(0, "INFO", "api", "10.0.0.1", "/login", "user logged in", 1),
        _row(5, "ERROR", "api", "10.0.0.2", "/login", "DB timeout after 30s", 2),
        _row(10, "WARN", "Web", "10.0.0.3", "/home", "slow page", 3),
        _row(15, "ERROR", None, "10.0.0.4", "/PAY", "Payment declined", 4),
        _row(20, "CRITICAL", "pay", "10.0.0.4", "/pay", "out of memory", 5),
        _row(20, "INFO", "pay", "10.0.0.4", "/pay", "<b>bold</b>", 6),
        _row(60, "DEBUG", "api", "10.0.0.1", "/login", "cache hit", 7),
    ]
    bad = (None, None, None, None, None, None, None, None, "a.log", None, "csv", "no timestamp",
           "garbage", 8, 0, 0, 1, 0)
    # the staged copy's layout: the records are its part=records folder
    folder = tmp_path_factory.mktemp("run") / "staged" / "part=records"
    spark.createDataFrame(rows + [bad], STAGED_SCHEMA).coalesce(2).write.parquet(str(folder))
    return folder


@pytest.fixture(scope="module")
def backend(spark):
    b = SparkBackend()
    b.start(Settings(spark=SparkSettings(master="local[2]", shuffle_partitions=4)))
    assert b.spark is spark and not b.owns_session  # the shared session is borrowed
    yield b
    b.stop()
    assert not spark.sparkContext._jsc.sc().isStopped()


@pytest.fixture
def result(records_dir, tmp_path):
    return replace(make_result(tmp_path), records_path=str(records_dir), malformed_csv_path="")


def test_count_applies_the_filter_exactly(backend, result):
    assert backend.count_records(result, RecordFilter(), "") == 7  # the malformed row is left out
    window = RecordFilter(start=T0 + timedelta(minutes=5), end=T0 + timedelta(minutes=20))
    assert backend.count_records(result, window, "") == 3  # 10:05, 10:10, 10:15; 10:20 is excluded
    errors = RecordFilter(levels=frozenset({"ERROR", "CRITICAL"}))
    assert backend.count_records(result, errors, "") == 3
    # naive bounds are wall-clock time in the run's zone (UTC here)
    naive = RecordFilter(start=datetime(2024, 5, 1, 10, 20))
    assert backend.count_records(result, naive, "") == 3


def test_search_is_case_insensitive_over_four_columns(backend, result):
    assert backend.count_records(result, RecordFilter(), "pay") == 3  # endpoint /PAY, /pay; service pay
    assert backend.count_records(result, RecordFilter(), "WEB") == 1  # service Web
    assert backend.count_records(result, RecordFilter(), "10.0.0.1") == 2  # ip
    assert backend.count_records(result, RecordFilter(), "timeout") == 1  # message
    assert backend.count_records(result, RecordFilter(), "<b>") == 1  # no pattern syntax
    assert backend.count_records(result, RecordFilter(), "%") == 0


def test_fetch_sorts_pages_and_converts_times(backend, result):
    page = backend.fetch_records(result, RecordFilter(), "", "ts", False, 0, 3)
    assert page.offset == 0
    assert [r[5] for r in page.rows] == ["user logged in", "DB timeout after 30s", "slow page"]
    assert page.rows[0][0] == T0 and page.rows[0][0].tzinfo is not None
    rest = backend.fetch_records(result, RecordFilter(), "", "ts", False, 3, 10)
    assert [r[5] for r in rest.rows] == ["Payment declined", "out of memory", "<b>bold</b>", "cache hit"]
    by_level = backend.fetch_records(result, RecordFilter(), "", "level", True, 0, 2)
    assert [r[1] for r in by_level.rows] == ["WARN", "INFO"]
    nulls_last = backend.fetch_records(result, RecordFilter(), "", "service", False, 0, 10)
    assert nulls_last.rows[-1][2] is None
    empty = backend.fetch_records(result, RecordFilter(), "nothing like this", "ts", False, 0, 10)
    assert empty.rows == ()


def test_times_come_back_in_the_runs_zone(backend, result):
    berlin = replace(result, cube=replace(result.cube, time_zone="Europe/Berlin"))
    page = backend.fetch_records(berlin, RecordFilter(), "", "ts", False, 0, 1)
    assert page.rows[0][0].utcoffset() == timedelta(hours=2)
    assert page.rows[0][0] == T0.astimezone(ZoneInfo("Europe/Berlin"))


def test_sorting_by_an_unknown_column_is_refused(backend, result):
    with pytest.raises(ValueError):
        backend.fetch_records(result, RecordFilter(), "", "row_id", False, 0, 1)


def test_pages_carry_the_source_file(backend, result):
    page = backend.fetch_records(result, RecordFilter(), "", "source_file", False, 0, 10)
    assert [row[-2] for row in page.rows] == ["a.log"] * 7


def test_each_runs_pages_are_numbered_with_that_runs_lines(spark, backend, result, tmp_path):
    # another run whose a.log has ten malformed lines, then its records at lines 11..13
    other = tmp_path / "other" / "staged" / "part=records"
    bad = [(None, None, None, None, None, None, None, None, "a.log", None, "csv", "no timestamp",
            "garbage", n, 0, 0, 1, 0) for n in range(1, 11)]
    rows = [_row(m, "INFO", "api", "10.0.0.1", "/x", f"other {m}", 11 + m) for m in range(3)]
    spark.createDataFrame(bad + rows, STAGED_SCHEMA).write.parquet(str(other))
    second = replace(result, records_path=str(other))
    for run, lines in ((result, [1, 2, 3]), (second, [11, 12, 13]), (result, [1, 2, 3])):
        page = backend.fetch_records(run, RecordFilter(), "", "ts", False, 0, 3)
        assert [row[-1] for row in page.rows] == lines


def test_pages_count_the_lines_the_reader_left_to_be_counted(backend, result):
    # each record is one line of a.log, in the order _row numbered them (1..7; 8 is malformed)
    page = backend.fetch_records(result, RecordFilter(), "", "ts", False, 0, 10)
    assert [(row[5], row[-1]) for row in page.rows] == [
        ("user logged in", 1), ("DB timeout after 30s", 2), ("slow page", 3),
        ("Payment declined", 4), ("out of memory", 5), ("<b>bold</b>", 6), ("cache hit", 7)]
    by_line = backend.fetch_records(result, RecordFilter(), "", "line", True, 0, 3)
    assert [row[-1] for row in by_line.rows] == [7, 6, 5]  # file order, backwards
    errors = backend.fetch_records(result, RecordFilter(levels=frozenset({"ERROR"})), "", "ts",
                                   False, 0, 10)
    assert [row[-1] for row in errors.rows] == [2, 4]  # a filtered page: the file's own lines


def test_a_run_without_records(backend, result):
    none = replace(result, records_path="")
    assert backend.count_records(none, RecordFilter(), "") == 0
    assert backend.fetch_records(none, RecordFilter(), "", "ts", False, 0, 10).rows == ()


def test_malformed_rows_read_with_limit(backend, result, tmp_path):
    path = tmp_path / "malformed_rows.csv"
    path.write_text('file,line,reason,raw\na.log,3,no timestamp,"two\nlines, quoted ""x"""\nb.log,9,bad,\'=1+1\n',
                    encoding="utf-8")
    rows = backend.malformed_rows(replace(result, malformed_csv_path=str(path)), 10)
    assert rows == (("a.log", 3, "no timestamp", 'two\nlines, quoted "x"'), ("b.log", 9, "bad", "'=1+1"))
    assert backend.malformed_rows(replace(result, malformed_csv_path=str(path)), 1) == rows[:1]
    assert backend.malformed_rows(result, 10) == ()


def test_cancel_before_the_pipeline_starts_raises_cancelled(backend, tmp_path):
    control = RunControl()
    control.cancel()
    with pytest.raises(Cancelled):
        backend.run(tmp_path, Settings(), control)


def test_warm_up_files_exist_in_the_sample():
    """The warm-up is best effort and silent: a renamed sample file would quietly disable it."""
    from logdesk.engine.backend import _WARM_UP_FILES
    from logdesk.paths import sample_logs_dir

    assert all((sample_logs_dir() / name).is_file() for name in _WARM_UP_FILES)


def test_the_query_language_in_spark(backend, result):
    from logdesk.query import QueryError

    count = lambda q: backend.count_records(result, RecordFilter(), q)  # noqa: E731
    assert count("level:error") == 2  # 10:05 and 10:15
    assert count("ip:10.0.0.4") == 3
    assert count("ip:10.0.0") == 0  # a field term is exact
    assert count("service:pay level:INFO") == 1
    assert count('service:"(none)"') == 1  # the 10:15 row has no service
    assert count('"DB timeout"') == 1
    assert count("db after") == 1  # every word, anywhere
    assert count("db declined") == 0
    assert count("/out of mem(ory|ories)/") == 1
    assert count(r"/^10\.0\.0\.[12]$/") == 3
    assert count("message:PAYMENT") == 1
    assert count("endpoint:/PAY") == 1 and count("endpoint:/pay") == 2  # exact, so case counts
    with pytest.raises(QueryError, match="unknown field 'colour'"):
        count("colour:red")


def test_fine_histogram_bins_count_the_records_on_the_runs_wall_clock(backend, result):
    from logdesk.results import LEVELS

    lo = int(T0.timestamp())  # the run's zone is UTC: wall clock = epoch seconds
    hist = backend.level_histogram(result, frozenset(), (lo, lo + 2 * 3600), 300)
    assert hist.bin_seconds == 300 and len(hist.starts) == 24 and hist.starts[0] == lo
    # by hand from records_dir: 10:00 INFO, 10:05 ERROR, 10:10 WARN, 10:15 ERROR,
    # 10:20 CRITICAL + INFO, 11:00 DEBUG (the malformed row has no time)
    assert hist.totals == (1, 1, 1, 1, 2) + (0,) * 7 + (1,) + (0,) * 11
    assert hist.counts[LEVELS.index("ERROR")][:5] == (0, 1, 0, 1, 0)
    assert hist.counts[LEVELS.index("CRITICAL")][4] == 1
    errors = backend.level_histogram(result, frozenset({"ERROR"}), (lo, lo + 2 * 3600), 300)
    assert sum(errors.totals) == 2 and errors.totals[1] == errors.totals[3] == 1
    # in Berlin (CEST, +2 h in May) the same records sit two hours later on the wall clock
    berlin = replace(result, cube=replace(result.cube, time_zone="Europe/Berlin"))
    shifted = backend.level_histogram(berlin, frozenset(), (lo + 7200, lo + 7200 + 3600), 60)
    assert shifted.totals[0] == 1 and shifted.totals[5] == 1 and sum(shifted.totals) == 6
