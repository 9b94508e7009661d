"""partials.malformed_table: malformed rows numbered on the driver from a collected line index,
against lines counted by hand and against the Spark window numbering (number_staged_lines)."""

from __future__ import annotations

from pathlib import Path

from logdesk.engine.discover import discover_inputs
from logdesk.engine.ingest import read_inputs
from logdesk.engine.partials import FILE_ID, MALFORMED, PART, malformed_table, tag_rows
from logdesk.engine.readers.line_numbers import number_staged_lines
from logdesk.settings import Settings


def _copy(spark, folder: Path, out: Path):
    files = discover_inputs(folder)
    staged = tag_rows(read_inputs(spark, files, Settings(), numbered=False), [f.path for f in files])
    staged.write.mode("overwrite").parquet(str(out))
    return spark.read.parquet(str(out)), [f.path for f in files]


def _lines(table, paths) -> dict[str, list[int]]:
    got: dict[str, list[int]] = {}
    for row in table.to_pylist():
        got.setdefault(Path(paths[row[FILE_ID]]).name, []).append(row["line"])
    return {name: sorted(lines) for name, lines in got.items()}


def test_malformed_lines_counted_on_the_driver_match_the_file(spark, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    # CSV: quoted fields with line breaks before and between the bad rows
    csv_lines = [
        "timestamp,level,message",                       # 1
        '2024-01-01 00:00:00,INFO,"two',                 # 2
        'lines"',                                        # 3
        "2024-01-01 00:00:01,INFO,ok",                   # 4
        "not a time,ERROR,bad time",                     # 5  malformed
        '2024-01-01 00:00:02,WARN,"three',               # 6
        "",                                              # 7  (inside the quotes)
        'lines"',                                        # 8
        "2024-01-01 00:00:03,INFO,too,many,fields",      # 9  malformed
        "2024-01-01 00:00:04,INFO,last",                 # 10
    ]
    (logs / "app.csv").write_text("\n".join(csv_lines) + "\n", encoding="utf-8")
    # a one-line format (access log) split into several blocks: every third line does not
    # fit it and is malformed, blank lines (every 7th) are skipped but counted
    access = '10.0.0.{n} - - [05/Mar/2024:10:00:00 +0000] "GET /{n} HTTP/1.1" 200 1 "-" "-"'

    def big_line(i: int) -> str:
        if i % 7 == 0:
            return ""
        return f"line {i} " + "x" * (i % 50) if i % 3 == 0 else access.format(n=i % 250)

    big = [big_line(i) for i in range(1, 3001)]
    (logs / "big.log").write_text("\n".join(big) + "\n", encoding="utf-8")
    before = spark.conf.get("spark.sql.files.maxPartitionBytes")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "8192")
    try:
        copy, paths = _copy(spark, logs, tmp_path / "copy")
        assert spark.read.text(str(logs / "big.log")).rdd.getNumPartitions() > 5
        on_driver = malformed_table(copy)
        bad = copy.where(copy[PART] == MALFORMED)
        in_spark = number_staged_lines(bad, copy).select(FILE_ID, "line").toArrow()
    finally:
        spark.conf.set("spark.sql.files.maxPartitionBytes", before)
    expected = {
        "app.csv": [5, 9],
        "big.log": [i for i in range(1, 3001) if i % 7 != 0 and i % 3 == 0],
    }
    assert _lines(on_driver, paths) == expected
    assert _lines(in_spark, paths) == expected
    raws = {r["line"]: r["raw"] for r in on_driver.to_pylist() if paths[r[FILE_ID]].endswith("big.log")}
    assert raws[3] == "line 3 xxx" and raws[2997] == "line 2997 " + "x" * (2997 % 50)
    reasons = {r["line"]: r["reason"] for r in on_driver.to_pylist() if paths[r[FILE_ID]].endswith("app.csv")}
    assert reasons[5].startswith("unparseable timestamp") and reasons[9].startswith("wrong field count")
