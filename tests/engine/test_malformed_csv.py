"""write_malformed_csv (csv/malformed_rows.csv): each dangerous start of a malformed line's raw
text is neutralized, everything else is written byte for byte."""

from __future__ import annotations

import csv

import pyarrow as pa
import pytest

from logdesk.engine.ingest_report import write_malformed_csv

DANGEROUS_STARTS = [
    "  =2+2", "\x0b=1+1", " \t=5+5", "\n=4+4", "\t=1", "\r=1", "@SUM(A1)", "+1+2", "-1+2", "=1",
]


def _table(raws: list[str | None], reasons: list[str | None] | None = None) -> pa.Table:
    return pa.table({
        "line": pa.array(list(range(1, len(raws) + 1)), pa.int64()),
        "reason": pa.array(reasons or ["bad"] * len(raws), pa.string()),
        "raw": pa.array(raws, pa.string()),
    })


def _cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("raw", DANGEROUS_STARTS, ids=repr)
def test_each_dangerous_start_is_neutralized(tmp_path, raw):
    target = write_malformed_csv(tmp_path / "malformed_rows.csv", {"/logs/a.log": _table([raw, "-42", "-"])})
    assert _cells(target) == [
        ["file", "line", "reason", "raw"],
        ["/logs/a.log", "1", "bad", "'" + raw],
        ["/logs/a.log", "2", "bad", "-42"],   # a plain number stays
        ["/logs/a.log", "3", "bad", "-"],     # a lone minus is no formula
    ]


def test_text_is_kept_exactly_and_missing_values_are_empty(tmp_path):
    raws = ["  x  ", "\x0b  =2+2  \x0b", None, "-3.5", "a,\"b\"\r\nc"]
    target = write_malformed_csv(
        tmp_path / "m.csv",
        {"/logs/b.log": _table(raws, ["-1+2 fields", None, "=cause", "ok", "@r"]), "=evil.log": _table(["x"])},
    )
    assert _cells(target) == [
        ["file", "line", "reason", "raw"],
        ["/logs/b.log", "1", "'-1+2 fields", "  x  "],
        ["/logs/b.log", "2", "", "'\x0b  =2+2  \x0b"],
        ["/logs/b.log", "3", "'=cause", ""],
        ["/logs/b.log", "4", "ok", "-3.5"],
        ["/logs/b.log", "5", "'@r", "a,\"b\"\r\nc"],
        ["'=evil.log", "1", "bad", "x"],
    ]
    assert target.read_bytes().count(b"\n") == 8  # 7 rows, LF ends, one LF inside a quoted cell
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
