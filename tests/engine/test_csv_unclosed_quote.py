"""An unclosed CSV quote is bounded: the row that opens it is malformed ("unclosed quote"), and
every line after it reads as it would without the stray quote, with its own line number.

Files are written by hand; every count below is worked out from them (see each test)."""

from __future__ import annotations

import csv
import gzip
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.readers import csv_repair
from logdesk.engine.records_export import export_records
from logdesk.results import RecordFilter
from logdesk.settings import CacheSettings, PathSettings, Settings

HEAD = "timestamp,level,service,message\n"


def _row(i: int, message: str | None = None) -> str:
    """A well-formed row, its time from i (seconds after 2024-03-05 10:00)."""
    return (f"2024-03-05 10:{i // 60 % 60:02d}:{i % 60:02d},INFO,api,"
            f"{message if message is not None else f'request {i} done'}\n")


def _settings(tmp_path: Path) -> Settings:
    return Settings(paths=PathSettings(work_dir=str(tmp_path / "work")),
                    cache=CacheSettings(enabled=False))


def _run(spark, folder: Path, tmp_path: Path):
    """(run, name -> FileIngest, name -> {line: (reason, raw)} of every malformed row,
    name -> sorted record lines, name -> {line: message})."""
    run = run_pipeline(spark, folder, _settings(tmp_path))
    files = {os.path.relpath(f.path, folder): f for f in run.ingest.files}
    bad: dict[str, dict[int, tuple[str, str]]] = {name: {} for name in files}
    if run.malformed_csv_path:
        with open(run.malformed_csv_path, newline="", encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                bad[os.path.relpath(r["file"], folder)][int(r["line"])] = (r["reason"], r["raw"])
    target = tmp_path / f"records-{len(list(tmp_path.glob('records-*')))}.parquet"
    export_records(spark, run, RecordFilter(), "", target, "UTC")
    lines: dict[str, list[int]] = {name: [] for name in files}
    messages: dict[str, dict[int, str]] = {name: {} for name in files}
    for r in pq.read_table(target).to_pylist():
        name = os.path.relpath(r["source_file"], folder)
        lines[name].append(r["line"])
        messages[name][r["line"]] = r["message"]
    for f in files.values():  # the conservation law, for every file
        assert f.data_lines == f.parsed_rows + f.continuation_lines + f.malformed_rows
    return run, files, bad, {k: sorted(v) for k, v in lines.items()}, messages


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_a_stray_quote_early_in_a_long_file_flags_one_row(spark, tmp_path, line_end):
    # lines 2..3001 are rows 2..3001; line 10 opens a quote that nothing closes (no row after
    # it holds a quote): Spark alone reads lines 10..3001 as one message of 2,991 lines; the
    # look on the driver stops at 1,000 lines that are all rows of the file
    logs = tmp_path / "logs"
    logs.mkdir()
    stray = '2024-03-05 10:00:10,ERROR,api,"payment failed for order 42'
    rows = [_row(i) if i != 10 else stray + "\n" for i in range(2, 3002)]
    (logs / "app.csv").write_bytes((HEAD + "".join(rows)).replace("\n", line_end).encode())

    run, files, bad, lines, messages = _run(spark, logs, tmp_path)

    f = files["app.csv"]
    assert (f.parsed_rows, f.malformed_rows, f.continuation_lines, f.data_lines) == (2999, 1, 0, 3000)
    assert list(bad["app.csv"]) == [10]
    reason, raw = bad["app.csv"][10]
    assert reason == ("unclosed quote: the quoted field opened on this line runs on over the "
                      "next 1,000 lines, which look like rows of the file")
    assert raw == stray
    assert lines["app.csv"] == [i for i in range(2, 3002) if i != 10]
    assert messages["app.csv"][11] == "request 11 done"
    assert messages["app.csv"][3001] == "request 3001 done"
    assert f.malformed_samples[0].line == 10


def test_a_stray_quote_that_a_later_quoted_field_ends(spark, tmp_path):
    # every 100th row has a quoted message with a comma; the stray quote on line 5 runs into
    # the quote of line 100, so Spark alone makes lines 5..100 one malformed row (too many
    # fields), losing 95 rows; now line 5 is flagged and lines 6..100 read as rows
    logs = tmp_path / "logs"
    logs.mkdir()
    rows = []
    for i in range(2, 402):
        if i == 5:
            rows.append('2024-03-05 10:00:05,WARN,api,"retrying, attempt 2\n')
        elif i % 100 == 0:
            rows.append(_row(i, f'"slow, {i} ms"'))
        else:
            rows.append(_row(i))
    (logs / "app.csv").write_text(HEAD + "".join(rows))

    run, files, bad, lines, messages = _run(spark, logs, tmp_path)

    f = files["app.csv"]
    assert (f.parsed_rows, f.malformed_rows) == (399, 1)
    assert bad["app.csv"] == {5: (
        "unclosed quote: the quoted field opened on this line would run on for 95 lines, "
        "into a quote on a later line", '2024-03-05 10:00:05,WARN,api,"retrying, attempt 2')}
    assert lines["app.csv"] == [i for i in range(2, 402) if i != 5]
    assert messages["app.csv"][100] == "slow, 100 ms"
    assert messages["app.csv"][6] == "request 6 done"


def test_legitimate_multi_line_quoted_fields_stay_one_record(spark, tmp_path):
    # a 40-line stack trace and a 1,500-line one (a StackOverflowError prints 1,024 frames
    # and more): both close their quote, so both stay one record; the long one makes the file a
    # suspect (its record spans more than 1,000 lines), and the driver's look clears it
    logs = tmp_path / "logs"
    logs.mkdir()
    short = "".join(f"\tat com.shop.Handler.step{i}(Handler.java:{i})\n" for i in range(40))
    deep = "".join(f"\tat com.shop.Recursive.call(Recursive.java:{i % 7 + 1})\n" for i in range(1500))
    (logs / "short.csv").write_text(
        HEAD + _row(2) + '2024-03-05 10:00:03,ERROR,api,"java.lang.IllegalStateException: boom\n'
        + short + 'end of trace"\n' + _row(45) + _row(46))
    (logs / "deep.csv").write_text(
        HEAD + _row(2) + '2024-03-05 10:00:03,ERROR,api,"java.lang.StackOverflowError\n'
        + deep + '"\n' + _row(1505))
    # a 3-line field in a row with a bad time: a malformed row over lines, which makes the
    # file a suspect; its quote closes, so it stays one malformed row
    (logs / "bad_time.csv").write_text(
        HEAD + _row(2) + 'N/A,ERROR,api,"one\ntwo\nthree"\n' + _row(6))
    assert csv_repair.MAX_QUOTED_LINES < 1500

    run, files, bad, lines, messages = _run(spark, logs, tmp_path)

    assert (files["short.csv"].parsed_rows, files["short.csv"].malformed_rows) == (4, 0)
    assert lines["short.csv"] == [2, 3, 45, 46]
    assert messages["short.csv"][3].count("\n") == 41
    assert (files["deep.csv"].parsed_rows, files["deep.csv"].malformed_rows) == (3, 0)
    assert lines["deep.csv"] == [2, 3, 1505]
    assert messages["deep.csv"][3].count("\tat ") == 1500
    assert (files["bad_time.csv"].parsed_rows, files["bad_time.csv"].malformed_rows) == (2, 1)
    assert bad["bad_time.csv"] == {3: ("unparseable timestamp: N/A",
                                       'N/A,ERROR,api,"one\ntwo\nthree"')}
    assert lines["bad_time.csv"] == [2, 6]


def test_a_stray_quote_in_the_last_row(spark, tmp_path):
    # clean.csv: the stray quote in the last row swallows nothing but the file's last line
    # end: Spark reads that row as a record, nothing is lost, and the file is no suspect.
    # damaged.csv: an earlier stray quote makes the file a suspect; then the last row's
    # unclosed quote is flagged too, as the quote that runs to the end of the file
    logs = tmp_path / "logs"
    logs.mkdir()
    last = '2024-03-05 10:05:00,ERROR,api,"disk full on /var'
    (logs / "clean.csv").write_text(HEAD + "".join(_row(i) for i in range(2, 50)) + last + "\n")
    body = "".join(_row(i) if i != 3 else _row(3, '"timeout, retry') for i in range(2, 50))
    (logs / "damaged.csv").write_text(HEAD + body + _row(50, '"a, b"') + last)  # no last LF

    run, files, bad, lines, messages = _run(spark, logs, tmp_path)

    assert (files["clean.csv"].parsed_rows, files["clean.csv"].malformed_rows) == (49, 0)
    assert lines["clean.csv"] == list(range(2, 51))
    assert messages["clean.csv"][50] == "disk full on /var\n"  # the file's last line end
    d = files["damaged.csv"]
    assert (d.parsed_rows, d.malformed_rows) == (48, 2)
    assert bad["damaged.csv"] == {
        3: ("unclosed quote: the quoted field opened on this line would run on for 47 lines, "
            "into a quote on a later line", _row(3, '"timeout, retry').rstrip("\n")),
        51: ("unclosed quote: the quoted field opened on this line runs to the end of the file",
             last),
    }
    assert lines["damaged.csv"] == [2, *range(4, 51)]
    assert messages["damaged.csv"][50] == "a, b"


def test_only_the_damaged_file_is_read_again(spark, tmp_path):
    # three files with the same header (one Spark scan): a.csv has a stray quote at line 4
    # and a legitimate 3-line field after it; b.csv is clean with a 3-line field; c.csv.gz
    # has a stray quote in its middle. The counts of b.csv are those of a run without a and c
    logs = tmp_path / "logs"
    logs.mkdir()
    multi = '2024-03-05 10:00:30,ERROR,api,"first\nsecond\nthird"\n'
    a_rows = [_row(2), _row(3), '2024-03-05 10:00:04,INFO,"api,x\n',
              *(_row(i) for i in range(5, 30)), multi, *(_row(i) for i in range(33, 1200))]
    (logs / "a.csv").write_text(HEAD + "".join(a_rows))
    (logs / "b.csv").write_text(HEAD + _row(2) + multi + _row(5) + _row(6))
    c_rows = [_row(i) if i != 600 else _row(600, '"never closed') for i in range(2, 1700)]
    (logs / "c.csv.gz").write_bytes(gzip.compress((HEAD + "".join(c_rows)).encode()))

    run, files, bad, lines, messages = _run(spark, logs, tmp_path)

    a, b, c = files["a.csv"], files["b.csv"], files["c.csv.gz"]
    # a.csv: lines 2..1199; the record of line 30 spans 30-32; line 4 malformed
    assert (a.parsed_rows, a.malformed_rows) == (1195, 1)
    assert list(bad["a.csv"]) == [4]
    assert bad["a.csv"][4][0].startswith("unclosed quote: the quoted field opened on this line would")
    assert lines["a.csv"] == [2, 3, *range(5, 31), *range(33, 1200)]
    assert messages["a.csv"][30] == "first\nsecond\nthird"
    assert (b.parsed_rows, b.malformed_rows) == (4, 0)
    assert lines["b.csv"] == [2, 3, 6, 7]
    assert bad["b.csv"] == {}
    assert (c.parsed_rows, c.malformed_rows) == (1697, 1)
    assert list(bad["c.csv.gz"]) == [600]
    assert bad["c.csv.gz"][600][0] == ("unclosed quote: the quoted field opened on this line "
                                       "runs on over the next 1,000 lines, which look like rows "
                                       "of the file")
    assert lines["c.csv.gz"] == [i for i in range(2, 1700) if i != 600]


def test_the_repair_costs_one_spark_job_and_none_without_damage(spark, tmp_path):
    # the same file twice: with a bad timestamp on line 10 (malformed, no quote) and with a
    # stray quote there instead; the second run has one job more (the read of its copy)
    def folder(name: str, line10: str) -> Path:
        logs = tmp_path / name
        logs.mkdir()
        rows = [_row(i) if i != 10 else line10 for i in range(2, 1500)]
        (logs / "app.csv").write_text(HEAD + "".join(rows))
        return logs

    clean = run_pipeline(spark, folder("clean", "N/A,INFO,api,bad time\n"), _settings(tmp_path))
    damaged = run_pipeline(spark, folder("damaged", '2024-03-05 10:00:10,INFO,api,"x\n'),
                           _settings(tmp_path))
    assert (clean.ingest.parsed_rows, clean.ingest.malformed_rows) == (1497, 1)
    assert (damaged.ingest.parsed_rows, damaged.ingest.malformed_rows) == (1497, 1)
    assert damaged.spark_jobs == clean.spark_jobs + 1


def test_the_repaired_rows_are_what_the_cache_keeps_and_an_appended_end_is_read_alike(spark, tmp_path):
    # with the cache on: the second run reuses the repaired rows; then 1,200 rows are appended,
    # the first of them (line 1,500) with a stray quote: only the end is read, and flagged
    logs = tmp_path / "logs"
    logs.mkdir()
    path = logs / "app.csv"
    path.write_text(HEAD + "".join(_row(i) if i != 7 else _row(7, '"oops') for i in range(2, 1500)))
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")),
                        cache=CacheSettings(enabled=True, dir=str(tmp_path / "cache")))

    def counts():
        run = run_pipeline(spark, logs, settings)
        (f,) = run.ingest.files
        return (run.cache.reused, run.cache.appended, f.parsed_rows, f.malformed_rows,
                [(s.line, s.reason.split(":")[0]) for s in f.malformed_samples])

    assert counts() == (0, 0, 1497, 1, [(7, "unclosed quote")])
    assert counts() == (1, 0, 1497, 1, [(7, "unclosed quote")])
    with open(path, "a") as handle:
        handle.write("".join(_row(i) if i != 1500 else _row(1500, '"again') for i in range(1500, 2700)))
    assert counts() == (0, 1, 1497 + 1199, 2, [(7, "unclosed quote"), (1500, "unclosed quote")])
