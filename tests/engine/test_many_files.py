"""Many small files: bundled into a few cache entries and handed to Spark in packs, with every
file's records, continuation lines, malformed rows and line numbers its own — the same as
when each file is read and kept on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from logdesk.engine.cache import bundles
from logdesk.engine.pipeline import run_pipeline
from logdesk.engine.readers import file_lookup
from logdesk.engine.records_export import export_records
from logdesk.results import RecordFilter
from logdesk.settings import CacheSettings, PathSettings, Settings

TRACE = "\tat com.acme.Worker.run(Worker.java:42)\n"


def _folder(tmp_path: Path) -> Path:
    """300 files in nested folders, by hand:
    240 text files a/dNN/app-NNN.log of 3 records; every 10th has a stack-trace line after
        its first record (24 continuation lines), one in CRLF and one without a final line end;
    1 text file starting with a trace line (a line before its first record: malformed, line 1);
    50 JSON-lines files of 2 objects and a blank line between; every 25th has "not json" as
        line 4 (2 malformed rows);
    9 CSV files of 2 rows (never bundled)."""
    root = tmp_path / "logs"
    for i in range(240):
        folder = root / "a" / f"d{i // 40:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"2024-01-02 03:{i % 60:02d}:0{k} {('INFO', 'ERROR', 'WARN')[k]} job {i} step {k}\n"
                 for k in range(3)]
        if i % 10 == 0:
            lines.insert(1, TRACE)
        text = "".join(lines)
        if i == 7:
            text = text.replace("\n", "\r\n")
        if i == 8:
            text = text.rstrip("\n")
        (folder / f"app-{i:03d}.log").write_text(text, encoding="utf-8", newline="")
    (root / "a" / "d00" / "zz-orphan.log").write_text(
        TRACE + "2024-01-02 04:00:00 ERROR late start\n2024-01-02 04:00:01 INFO ok\n",
        encoding="utf-8")
    for i in range(50):
        folder = root / "b" / f"e{i // 25}"
        folder.mkdir(parents=True, exist_ok=True)
        text = ('{"time": "2024-01-03T10:00:00Z", "level": "info", "msg": "one"}\n\n'
                '{"time": "2024-01-03T10:00:01Z", "level": "error", "msg": "two"}\n')
        if i % 25 == 0:
            text += "not json\n"
        (folder / f"ev-{i:02d}.jsonl").write_text(text, encoding="utf-8")
    for i in range(9):
        (root / f"t{i}.csv").write_text(
            "timestamp,level,message\n2024-01-04T00:00:00Z,INFO,a\n2024-01-04T00:00:01Z,WARN,b\n",
            encoding="utf-8")
    return root


def _settings(tmp_path: Path, name: str, cache: bool = True) -> Settings:
    return Settings(paths=PathSettings(work_dir=str(tmp_path / f"work-{name}")),
                    cache=CacheSettings(enabled=cache, dir=str(tmp_path / f"cache-{name}")))


def _files(run) -> dict[str, tuple]:
    return {f.path: (f.fate, f.format, f.data_lines, f.parsed_rows, f.continuation_lines,
                     f.malformed_rows, tuple((s.line, s.reason) for s in f.malformed_samples))
            for f in run.ingest.files}


def _export(spark, run, path: Path) -> list[str]:
    export_records(spark, run, RecordFilter(), "", path, "UTC")
    return path.read_text(encoding="utf-8").splitlines()


def test_many_small_files_count_as_each_read_alone(spark, tmp_path, monkeypatch):
    logs = _folder(tmp_path)
    bundled = run_pipeline(spark, logs, _settings(tmp_path, "b", cache=False))
    ingest = bundled.ingest
    assert len(ingest.files) == 300
    assert ingest.parsed_rows == 240 * 3 + 2 + 50 * 2 + 9 * 2 == 840
    assert ingest.continuation_lines == 24
    assert ingest.malformed_rows == 1 + 2
    files = _files(bundled)
    assert files[str(logs / "a/d00/app-000.log")][2:6] == (4, 3, 1, 0)
    assert files[str(logs / "a/d00/app-007.log")][2:6] == (3, 3, 0, 0)  # CRLF
    assert files[str(logs / "a/d00/app-008.log")][2:6] == (3, 3, 0, 0)  # no final line end
    orphan = files[str(logs / "a/d00/zz-orphan.log")]
    assert orphan[2:6] == (3, 2, 0, 1) and orphan[6][0][0] == 1
    bad = files[str(logs / "b/e0/ev-00.jsonl")]
    assert bad[2:6] == (3, 2, 0, 1) and bad[6] == ((4, "not a JSON object"),)
    assert files[str(logs / "b/e0/ev-01.jsonl")][2:6] == (2, 2, 0, 0)
    expected = _export(spark, bundled, tmp_path / "b.csv")

    # per-file facts as literals (300 files: above JOIN_ABOVE they came by a broadcast join)
    monkeypatch.setattr(file_lookup, "JOIN_ABOVE", 10_000)
    literals = run_pipeline(spark, logs, _settings(tmp_path, "l", cache=False))
    assert _files(literals) == files
    assert literals.ingest == bundled.ingest
    assert _export(spark, literals, tmp_path / "l.csv") == expected

    # the same files, each read and kept on its own: the same report, the same records
    monkeypatch.setattr(bundles, "BUNDLE_MIN_FILES", 10_000)
    alone = run_pipeline(spark, logs, _settings(tmp_path, "a", cache=False))
    assert _files(alone) == files
    assert alone.ingest == bundled.ingest
    assert _export(spark, alone, tmp_path / "alone.csv") == expected


def test_bundles_are_reused_whole_and_read_again_when_one_file_changes(spark, tmp_path):
    logs = _folder(tmp_path)
    settings = _settings(tmp_path, "c")
    first = run_pipeline(spark, logs, settings)
    entries = tmp_path / "cache-c" / "entries"
    # 9 CSV files alone; 291 small text and JSON files in one bundle (at most 500 files)
    assert len(list(entries.iterdir())) == 9 + 1
    assert (first.cache.read, first.cache.reused) == (300, 0)

    again = run_pipeline(spark, logs, settings)
    assert (again.cache.read, again.cache.reused) == (0, 300)
    assert _files(again) == _files(first)

    grown = logs / "a" / "d01" / "app-051.log"
    with open(grown, "a", encoding="utf-8") as handle:
        handle.write("2024-01-02 05:00:00 ERROR one more\n")
    third = run_pipeline(spark, logs, settings)
    assert (third.cache.read, third.cache.reused) == (291, 9)  # its bundle, whole
    assert third.ingest.parsed_rows == 841
    assert _files(third)[str(grown)][2:6] == (4, 4, 0, 0)
    assert len(list(entries.iterdir())) == 9 + 1  # the old bundle is gone

    (logs / "b" / "e1" / "ev-30.jsonl").unlink()
    fourth = run_pipeline(spark, logs, settings)
    assert (fourth.cache.read, fourth.cache.reused, fourth.cache.dropped) == (290, 9, 1)
    assert fourth.ingest.parsed_rows == 839


@pytest.mark.parametrize("count, expected", [(31, 31), (32, 1)])
def test_bundles_start_at_32_small_files(tmp_path, count, expected):
    from logdesk.engine.cache.plan import READ, FilePlan
    from logdesk.engine.discover import FORMAT_TEXT, InputFile

    plans = [FilePlan(InputFile(f"/x/{i}.log", FORMAT_TEXT, 10, 0.0, None, "utf-8", ""), READ,
                      None, None, InputFile(f"/x/{i}.log", FORMAT_TEXT, 10, 0.0, None, "utf-8", ""))
             for i in range(count)]
    units = bundles.group_units(plans, set())
    assert len(units) == expected
    assert sorted(i for _, members, _ in units for i in members) == list(range(count))
