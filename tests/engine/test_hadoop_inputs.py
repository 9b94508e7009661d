"""A folder on a Hadoop file system, listed and read through Hadoop's FileSystem API.

viewfs:// stands in for hdfs:// and s3a://: a real Hadoop file system of another scheme that
ships with Spark's Hadoop client, mounted over a local folder by two configuration keys. Python
cannot open a viewfs:// path, so any read of an input that bypassed the Hadoop API would fail
here; and the local folder under the mount gives the expected results, read the usual way."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import re
from pathlib import Path

import pytest

from logdesk.engine import packs
from logdesk.engine.cache import bundles
from logdesk.engine.discover import discover_inputs
from logdesk.engine.hadoop_discover import discover_hadoop_inputs, qualified_folder
from logdesk.engine.input_io import open_input, stat_input
from logdesk.engine.pipeline import EmptyFolderError, run_pipeline
from logdesk.input_location import InputNotReachable, folder_of
from logdesk.settings import CacheSettings, PathSettings, Settings

_mounts = itertools.count()


def _mount(spark, folder: Path) -> str:
    """A viewfs:// URL for `folder` (a mount table of its own: Hadoop caches file systems by
    their authority)."""
    name = f"logdesk{next(_mounts)}"
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    conf.set(f"fs.viewfs.mounttable.{name}.link./logs", folder.as_uri())
    return f"viewfs://{name}/logs"


def _logs(root: Path) -> Path:
    """By hand: 8 files, 2 of them not read, and a hidden one.
    app.log       4 text records, 1 continuation line (a trace)
    sub/b c.log   2 text records (a space in the name)
    sub/deep/x.log.gz   3 records, gzip
    events.jsonl  2 objects + 1 malformed line
    t.csv         lines 2..1101 rows; line 10 opens a quote nothing closes: that row is
                  malformed, the 1,099 others read (the driver's repair copy, csv_repair.py)
    u16.log       2 records in UTF-16 with a BOM (read through a UTF-8 copy)
    notes.txt     no timestamps: skipped
    empty.log     empty
    .hidden.log   not looked at"""
    logs = root / "logs"
    (logs / "sub" / "deep").mkdir(parents=True)
    (logs / "app.log").write_text(
        "2024-05-01 10:00:00 INFO start\n2024-05-01 10:00:01 ERROR boom\n"
        "\tat com.acme.Main.run(Main.java:1)\n2024-05-01 10:00:02 WARN slow\n"
        "2024-05-01 10:00:03 INFO done\n", encoding="utf-8")
    (logs / "sub" / "b c.log").write_text(
        "2024-05-01 11:00:00 ERROR disk full\n2024-05-01 11:00:01 INFO ok\n", encoding="utf-8")
    with gzip.open(logs / "sub" / "deep" / "x.log.gz", "wt", encoding="utf-8") as fh:
        fh.write("2024-05-01 12:00:00 INFO a\n2024-05-01 12:00:01 ERROR b\n"
                 "2024-05-01 12:00:02 INFO c\n")
    (logs / "events.jsonl").write_text(
        '{"time": "2024-05-01T13:00:00Z", "level": "error", "msg": "x"}\nnot json\n'
        '{"time": "2024-05-01T13:00:01Z", "level": "info", "msg": "y"}\n', encoding="utf-8")
    rows = [f"2024-05-01T14:{i // 60 % 60:02d}:{i % 60:02d}Z,INFO,request {i}\n"
            for i in range(2, 1102)]
    rows[8] = '2024-05-01T14:00:10Z,ERROR,"payment failed\n'  # line 10: a quote never closed
    (logs / "t.csv").write_text("timestamp,level,message\n" + "".join(rows), encoding="utf-8")
    (logs / "u16.log").write_text(
        "2024-05-01 15:00:00 ERROR wide\n2024-05-01 15:00:01 INFO wide ok\n", encoding="utf-16")
    (logs / "notes.txt").write_text("just some words\nand more\n", encoding="utf-8")
    (logs / "empty.log").write_bytes(b"")
    (logs / ".hidden.log").write_text("2024-05-01 16:00:00 ERROR hidden\n", encoding="utf-8")
    return logs


def _settings(tmp_path: Path, cache: bool) -> Settings:
    return Settings(paths=PathSettings(output_dir=str(tmp_path / "out"),
                                       work_dir=str(tmp_path / "work")),
                    cache=CacheSettings(enabled=cache, dir=str(tmp_path / "cache")))


def test_the_hadoop_api_reads_what_python_reads(spark, tmp_path):
    logs = _logs(tmp_path)
    url = _mount(spark, logs)
    st = stat_input(f"{url}/sub/b c.log")
    assert (st.size, st.regular) == ((logs / "sub" / "b c.log").stat().st_size, True)
    assert st.mtime == pytest.approx((logs / "sub" / "b c.log").stat().st_mtime, abs=0.001)
    with open_input(f"{url}/app.log") as fh:
        assert fh.read(10) == b"2024-05-01"
        fh.seek(0)  # the head reader seeks back to decompress
        assert fh.read() == (logs / "app.log").read_bytes()
    with pytest.raises(FileNotFoundError):
        stat_input(f"{url}/missing.log")
    with pytest.raises(FileNotFoundError):
        open(f"{url}/app.log", "rb")  # Python alone cannot: every read must go through Hadoop


def test_discovery_through_hadoop_gives_every_file_the_fate_the_local_walk_gives(spark, tmp_path):
    logs = _logs(tmp_path)
    url = qualified_folder(_mount(spark, logs) + "/")
    assert url.endswith("/logs")
    remote = discover_hadoop_inputs(url)
    local = discover_inputs(logs)
    assert len(remote) == len(local) == 8  # the hidden file in neither
    for r, l in zip(remote, local):
        assert r.path == url + l.path[len(str(logs)):]
        assert r.mtime == pytest.approx(l.mtime, abs=0.001)  # Hadoop keeps milliseconds
        assert dataclasses.replace(r, path=l.path, mtime=l.mtime) == l
    fates = {r.path.rsplit("/", 1)[-1]: r.format for r in remote}
    assert fates == {"app.log": "text", "b c.log": "text", "x.log.gz": "text",
                     "events.jsonl": "jsonl", "t.csv": "csv", "u16.log": "text",
                     "notes.txt": "skipped", "empty.log": "empty"}


@pytest.mark.parametrize("cache", [False, True], ids=["no cache", "cache"])
def test_a_run_over_a_hadoop_folder_counts_what_a_local_run_counts(spark, tmp_path, cache,
                                                                   monkeypatch):
    logs = _logs(tmp_path)
    url = _mount(spark, logs)
    packed: list[str] = []  # a member that cannot be read is left to Spark, silently: count
    write_member = packs._write_member

    def spy(pack, f):
        done = write_member(pack, f)
        if done:
            packed.append(f.read_path)
        return done

    monkeypatch.setattr(packs, "_write_member", spy)
    monkeypatch.setattr(bundles, "BUNDLE_MIN_FILES", 2)  # bundle (and pack) these few files
    remote = run_pipeline(spark, url, _settings(tmp_path / "r", cache))
    # the small uncompressed text and JSON-lines files are bundled and packed (with the cache
    # or without): three read through Hadoop, and the UTF-16 file's UTF-8 copy (local)
    assert sorted(re.sub(r"^\d{5}-", "", p.rsplit("/", 1)[-1]) for p in packed) == [
        "app.log", "b c.log", "events.jsonl", "u16.log"]
    assert sum(p.startswith("viewfs://") for p in packed) == 3
    packed.clear()
    local = run_pipeline(spark, logs, _settings(tmp_path / "l", cache))
    assert remote.input_folder == url
    by_name = {}
    for r, l in zip(remote.ingest.files, local.ingest.files):
        assert r.path == url + l.path[len(str(logs)):]
        assert dataclasses.replace(r, path=l.path) == l
        by_name[r.path.rsplit("/", 1)[-1]] = (r.parsed_rows, r.malformed_rows, r.continuation_lines)
    # counted by hand (see _logs)
    assert by_name == {"app.log": (4, 0, 1), "b c.log": (2, 0, 0), "x.log.gz": (3, 0, 0),
                       "events.jsonl": (2, 1, 0), "t.csv": (1099, 1, 0), "u16.log": (2, 0, 0),
                       "notes.txt": (0, 0, 0), "empty.log": (0, 0, 0)}
    assert _facts(remote.cube) == _facts(local.cube)
    assert int(remote.cube.levels.count.sum()) == 4 + 2 + 3 + 2 + 1099 + 2
    if cache:  # the second run is answered from the cache: no file is read again
        again = run_pipeline(spark, url, _settings(tmp_path / "r", cache))
        assert (again.cache.reused, again.cache.read) == (6, 0)
        assert _facts(again.cube) == _facts(remote.cube)


def _facts(cube) -> list:
    tables = [("levels", cube.levels), *sorted(cube.dims.items())]
    return [(name, t.keys, sorted(zip(t.bucket.tolist(), t.level.tolist(), t.key.tolist(),
                                      t.count.tolist()))) for name, t in tables]


def test_a_missing_hadoop_folder_is_a_clear_error(spark, tmp_path):
    url = _mount(spark, tmp_path / "nowhere")
    with pytest.raises(EmptyFolderError, match=r"cannot read viewfs://.*/logs"):
        run_pipeline(spark, url, _settings(tmp_path, cache=False))


def test_hadoop_urls_are_shared_storage_except_with_spark_connect():
    assert folder_of("hdfs://namenode:8020/logs/", "yarn") == ("hdfs://namenode:8020/logs", True)
    assert folder_of("s3a://bucket/app", "local[*]") == ("s3a://bucket/app", True)
    with pytest.raises(InputNotReachable, match="Spark Connect"):
        folder_of("hdfs://namenode/logs", "sc://10.1.2.3:15002")
