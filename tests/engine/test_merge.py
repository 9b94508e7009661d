"""cache/merge.py: the files' facts merged into the cube, from tables in memory or from the
Parquet folders Spark writes, summed a few sources at a time — against sums done by hand."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from logdesk.engine.cache import merge
from logdesk.engine.partials import GID_INGEST, GID_LEVELS, GID_OF_DIMENSION, empty_patterns
from logdesk.results import LEVELS

ERROR, INFO = LEVELS.index("ERROR"), LEVELS.index("INFO")
IP = GID_OF_DIMENSION["ip"]


def _facts(rows: list[tuple]) -> pa.Table:
    """rows: (gid, bucket, level, key, count, first_ms, last_ms)."""
    columns = list(zip(*rows))
    return pa.table({
        "gid": pa.array(columns[0], pa.int8()),
        "bucket": pa.array(columns[1], pa.int64()),
        "level": pa.array(columns[2], pa.int8()),
        "key": pa.array(columns[3], pa.string()),
        "count": pa.array(columns[4], pa.int64()),
        "first_ms": pa.array(columns[5], pa.int64()),
        "last_ms": pa.array(columns[6], pa.int64()),
        "continuation": pa.array([0] * len(rows), pa.int64()),
    })


FILE_A = _facts([
    (GID_INGEST, None, None, "records", 5, None, None),
    (GID_LEVELS, 0, ERROR, None, 3, 1_000, 2_000),
    (GID_LEVELS, 0, INFO, None, 2, 1_500, 1_600),
    (IP, 0, ERROR, "10.0.0.1", 3, 1_000, 2_000),
    (IP, 0, INFO, "10.0.0.2", 2, 1_500, 1_600),
])
FILE_B = _facts([
    (GID_INGEST, None, None, "records", 4, None, None),
    (GID_LEVELS, 0, ERROR, None, 1, 500, 500),
    (GID_LEVELS, 3600, INFO, None, 3, 3_600_000, 3_700_000),
    (IP, 0, ERROR, "10.0.0.1", 1, 500, 500),
    (IP, 3600, INFO, "10.0.0.2", 3, 3_600_000, 3_700_000),
])


def _spark_like_folder(table: pa.Table, folder: Path) -> Path:
    """The table as Spark writes a file's facts: a folder of part files."""
    folder.mkdir()
    half = table.num_rows // 2
    pq.write_table(table.slice(0, half), folder / "part-00000.snappy.parquet")
    pq.write_table(table.slice(half), folder / "part-00001.snappy.parquet")
    (folder / ".part-00000.snappy.parquet.crc").write_bytes(b"not parquet")  # as Spark leaves
    return folder


def _rows(table) -> list[tuple]:
    return [
        (int(b), LEVELS[int(lv)], table.keys[int(k)] if table.keys else "", int(c), int(f), int(la))
        for b, lv, k, c, f, la in zip(table.bucket, table.level, table.key, table.count,
                                      table.first_ms, table.last_ms)
    ]


@pytest.mark.parametrize("reduce_rows", [1, 400_000])
def test_facts_from_folders_and_memory_sum_like_by_hand(tmp_path, monkeypatch, reduce_rows):
    monkeypatch.setattr(merge, "_REDUCE_ROWS", reduce_rows)  # 1: a reduction after every source
    folder = _spark_like_folder(FILE_A, tmp_path / "a")
    merged = merge.merge_partials([folder, None, FILE_B], [empty_patterns()], 3600, "UTC")
    cube = merged.cube
    assert _rows(cube.levels) == [
        (0, "INFO", "", 2, 1_500, 1_600),
        (0, "ERROR", "", 4, 500, 2_000),  # 3 + 1, the earliest and the latest of both files
        (3600, "INFO", "", 3, 3_600_000, 3_700_000),
    ]
    assert _rows(cube.dims["ip"]) == [
        (0, "INFO", "10.0.0.2", 2, 1_500, 1_600),
        (0, "ERROR", "10.0.0.1", 4, 500, 2_000),
        (3600, "INFO", "10.0.0.2", 3, 3_600_000, 3_700_000),
    ]
    assert cube.dims["ip"].keys == ("10.0.0.1", "10.0.0.2")
    assert len(cube.dims["service"]) == 0 and len(cube.dims["endpoint"]) == 0


def test_the_same_cube_whatever_the_sources_order_and_form(tmp_path, monkeypatch):
    monkeypatch.setattr(merge, "_REDUCE_ROWS", 2)
    one = merge.merge_partials([FILE_A, FILE_B], [empty_patterns()], 3600, "UTC").cube
    other = merge.merge_partials(
        [_spark_like_folder(FILE_B, tmp_path / "b"), _spark_like_folder(FILE_A, tmp_path / "a")],
        [empty_patterns()], 3600, "UTC",
    ).cube
    for name in ("levels", "ip"):
        a = one.levels if name == "levels" else one.dims[name]
        b = other.levels if name == "levels" else other.dims[name]
        assert _rows(a) == _rows(b)
