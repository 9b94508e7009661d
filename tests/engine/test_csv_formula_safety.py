"""Formula safety in the CSVs Spark runs feed: the Spark rule agrees with the Python one, the
records export (`--records`) neither trims nor lets a dangerous start through, and malformed
lines of a real run come out neutralized in malformed_rows.csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.records_export import export_records, formula_safe
from logdesk.reports.csv_safety import neutralize
from logdesk.results import RecordFilter
from logdesk.settings import PathSettings, Settings

TRICKY = [
    "  =2+2", "\x0b=1+1", " \t=5+5", "\n=4+4", "\t=1", "\r=1", "@SUM(A1)", "+1+2", "-1+2", "=1",
    "\x00=1", "\x7f=1", "\x85=1", "\u00a0=1", "\u3000+1+1", "\u200b=1", "\u202e=1", "\ufeff=1",
    "\t42", "\r-42", "=", "+", "@", "-1e", "--1", "-0x1F", "-.", "- ", "-\n", "-42 ", "-42\n",
    "-\u0663", "-1,5",
    "-42", "-3.5", "+7", "1e5", "-1e5", "+1E-3", "+.5", "-5.", "  -42", "\u3000+1", "\n-3.5", "-",
    " -", "", "GET /a=1", "x-1", "  x  ", "'=already", "\u0663", None,
]


def test_spark_rule_agrees_with_the_python_rule(spark):
    frame = spark.createDataFrame(list(enumerate(TRICKY)), "id int, cell string")
    got = dict(frame.select("id", formula_safe(F.col("cell")).alias("safe")).collect())
    expected = {i: (None if cell is None else neutralize(cell)) for i, cell in enumerate(TRICKY)}
    assert got == expected
    # and by hand, a few of them
    assert [got[TRICKY.index(c)] for c in ("  =2+2", "\n=4+4", "-42", "-", "\r-42")] == [
        "'  =2+2", "'\n=4+4", "-42", "-", "'\r-42",
    ]


def test_sparks_csv_writer_trims_unless_told_not_to(spark, tmp_path):
    # why records_export sets ignoreLeading/TrailingWhiteSpace off: Spark's default drops them
    frame = spark.createDataFrame([(1, "  x  "), (2, "\x0b=1+1")], "id int, v string").coalesce(1)
    frame.write.option("header", True).csv(str(tmp_path / "default"))
    (part,) = (tmp_path / "default").glob("part-*.csv")
    assert part.read_bytes() == b"id,v\n1,x\n2,=1+1\n"


# A CSV log: one record per message below (service "-", ip "-" or missing), then malformed
# lines (one field where the header has six) whose raw text starts dangerously.
MESSAGES = [
    "  =2+2", "\x0b=1+1", " \t=5+5", "\n=4+4", "\t=1", "\r=1", "@SUM(A1)", "+1+2", "-1+2", "=1",
    "\x0b  =2+2  \x0b", "-42", "-3.5", "+7", "1e5", "-", "  x  \x0b",
]
# The message cell in the export; the engine trims spaces (only spaces) off record fields.
EXPECTED_MESSAGE = [
    "'=2+2", "'\x0b=1+1", "'\t=5+5", "'\n=4+4", "'\t=1", "'\r=1", "'@SUM(A1)", "'+1+2", "'-1+2", "'=1",
    "'\x0b  =2+2  \x0b", "-42", "-3.5", "+7", "1e5", "-", "x  \x0b",
]
MALFORMED_LINES = ["  =2+2", "\x0b=1+1", " \t=5+5", "\t=1", "@SUM(A1),x", "+1+2", "-1+2", "=1", "-42", "-"]


def _log_text() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["timestamp", "level", "service", "ip", "endpoint", "message"])
    for i, message in enumerate(MESSAGES):
        writer.writerow([f"2024-05-01T10:{i:02d}:00Z", "ERROR", "-", "-" if i % 2 else "", "/x", message])
    return buffer.getvalue() + "".join(line + "\n" for line in MALFORMED_LINES)


@pytest.fixture(scope="module")
def exported(spark, tmp_path_factory):
    base = tmp_path_factory.mktemp("formulas")
    folder = base / "logs"
    folder.mkdir()
    (folder / "app.csv").write_text(_log_text(), encoding="utf-8")
    run = run_pipeline(spark, folder, Settings(paths=PathSettings(work_dir=str(base / "work"))))
    target = base / "records.csv"
    count = export_records(spark, run, RecordFilter(), "", target, "UTC")
    with open(target, encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    with open(run.malformed_csv_path, encoding="utf-8", newline="") as handle:
        malformed = list(csv.reader(handle))
    return count, records, malformed


@pytest.mark.parametrize("index", range(len(MESSAGES)), ids=[repr(m) for m in MESSAGES])
def test_records_export_cell_for_each_start(exported, index):
    count, records, _ = exported
    assert count == len(records) == len(MESSAGES)
    row = records[index]
    assert row["timestamp"] == f"2024-05-01T10:{index:02d}:00.000+00:00"
    assert row["message"] == EXPECTED_MESSAGE[index]
    assert row["service"] == "-"  # a lone minus is written as it is, never '-
    assert row["ip"] == ("-" if index % 2 else "")  # a missing ip stays empty


def test_malformed_rows_of_a_real_run_are_neutralized(exported):
    _, _, malformed = exported
    assert malformed[0] == ["file", "line", "reason", "raw"]
    first = len(MESSAGES) + 3  # header line, the records, one more line for "\n=4+4", 1-based
    got = [(int(r[1]), r[3]) for r in malformed[1:]]
    assert got == [
        (first, "'  =2+2"), (first + 1, "'\x0b=1+1"), (first + 2, "' \t=5+5"), (first + 3, "'\t=1"),
        (first + 4, "'@SUM(A1),x"), (first + 5, "'+1+2"), (first + 6, "'-1+2"), (first + 7, "'=1"),
        (first + 8, "-42"), (first + 9, "-"),
    ]
    assert {Path(r[0]).name for r in malformed[1:]} == {"app.csv"}
