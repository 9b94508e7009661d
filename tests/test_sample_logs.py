"""The committed sample folder is exactly what build_scripts/make_sample_logs.py writes."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import os
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from logdesk.paths import sample_logs_dir

SCRIPT = Path(__file__).resolve().parent.parent / "build_scripts" / "make_sample_logs.py"


@pytest.fixture(scope="module")
def generator():
    spec = importlib.util.spec_from_file_location("make_sample_logs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh(generator, tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return out, generator.generate(out)


def _text(path: Path) -> str:
    # Compare gzip members by content: another zlib build may compress differently.
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8")


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_committed_sample_matches_the_generator(fresh):
    out, _ = fresh
    committed = sample_logs_dir()
    assert _files(committed) == _files(out)
    for name in _files(out):
        assert _text(committed / name) == _text(out / name), f"{name} is stale: rerun the script"


def test_generator_is_byte_reproducible(generator, fresh, tmp_path):
    out, _ = fresh
    generator.generate(tmp_path)
    for name in _files(out):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_gzip_header_has_no_name_or_time(fresh):
    out, _ = fresh
    (gz,) = out.rglob("*.gz")
    header = gz.read_bytes()[:10]
    assert header[3] & 0x08 == 0  # FNAME flag unset
    assert header[4:8] == b"\0\0\0\0"  # MTIME = 0


def _records(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(path), newline="")))


def test_stats_match_the_files(fresh):
    """What the README reports is what a strict CSV reading of the files finds."""
    out, stats = fresh
    assert sum(f.records for f in stats.files) == sum(
        len(_records(out / f.path)) - 1 for f in stats.files
    )
    for f in stats.files:
        rows = _records(out / f.path)
        assert tuple(rows[0]) == f.header
        wrong_width = sum(len(r) != len(f.header) for r in rows[1:])
        empty_message = sum(
            len(r) == len(f.header) and not r[-1] for r in rows[1:]  # message is last
        )
        bad_time = sum(len(r) == len(f.header) and r[0] in ("N/A", "-") for r in rows[1:])
        assert wrong_width + empty_message + bad_time == len(f.malformed), f.path
        assert _text(out / f.path).count("\n") == f.physical_lines
    assert 5 <= stats.malformed <= 10
    assert stats.levels["UNKNOWN"] == 3 + 50  # unmappable words + the level-less syslog
    assert len(stats.ips) == 40


# A record's first line in each plain-text file, written independently of the generator.
_RECORD_START = {
    "apache_combined": re.compile(
        r'^\S+ - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] '
        r'"[A-Z]+ /\S* HTTP/1\.1" (\d{3}) \d+ "[^"]*" "[^"]*"$'
    ),
    "log4j": re.compile(
        r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} (DEBUG|INFO |WARN |ERROR|FATAL) "
        r"\[[\w-]+\] [\w.]+ - \S"
    ),
    "syslog_rfc3164": re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} [\w-]+ \w+(\[\d+\])?: \S"),
}


def _lines(path: Path) -> list[str]:
    return [line for line in _text(path).split("\n")[:-1]]


def _json_object(line: str) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def test_text_stats_match_the_files(fresh):
    """Lines, records, continuation lines and malformed lines of the plain-text and JSON-lines
    files, counted here with plain regexes and json.loads."""
    out, stats = fresh
    assert [f.format for f in stats.text_files] == [
        "apache_combined", "log4j", "jsonl", "syslog_rfc3164"
    ]
    for f in stats.text_files:
        lines = _lines(out / f.path)
        assert all(line.strip() for line in lines), f.path  # no blank lines
        assert f.data_lines == len(lines), f.path
        if f.format == "jsonl":
            bad = [i for i, line in enumerate(lines, 1) if _json_object(line) is None]
            assert [line for line, _ in f.malformed] == bad
            assert f.parsed == len(lines) - len(bad) and f.continuation_lines == 0
            levels = Counter(str(_json_object(line)["level"]) for line in lines
                             if _json_object(line) is not None)
            assert levels == f.raw_levels
            continue
        start = _RECORD_START[f.format]
        starts = [i for i, line in enumerate(lines, 1) if start.match(line)]
        assert starts[0] == 1, f.path  # a continuation line needs a record above it
        assert f.parsed == len(starts), f.path
        assert f.continuation_lines == len(lines) - len(starts), f.path
        assert f.malformed == []
        if f.format == "apache_combined":
            statuses = Counter(start.match(line).group(1) for line in lines)
            assert statuses == f.raw_levels
        if f.format == "log4j":
            words = Counter(start.match(lines[i - 1]).group(1).strip() for i in starts)
            assert words == f.raw_levels
            continuation = [line for line in lines if not start.match(line)]
            assert all(line.startswith(("\tat ", "\t... ", "Caused by: ", "java.", "org."))
                       for line in continuation)
    assert stats.continuation_lines == sum(f.continuation_lines for f in stats.text_files) > 0
    assert stats.data_lines == (
        sum(f.records for f in stats.files) + sum(f.data_lines for f in stats.text_files)
    )


def test_sample_trips_every_default_alert(fresh):
    from logdesk.settings import AlertSettings

    _, stats = fresh
    alerts = AlertSettings()
    assert stats.errors / stats.parsed > alerts.error_rate_threshold
    assert stats.burst_errors > alerts.error_count_threshold
    assert stats.burst_critical >= alerts.critical_error_count


def _readers_for_every_sample_format() -> bool:
    """The plain-text format detection and the JSON-lines reader (issue 5) are both present."""
    from logdesk.engine import text_formats

    json_reader = importlib.util.find_spec("logdesk.engine.readers.json_reader")
    return json_reader is not None and hasattr(text_formats, "BUILTIN_FORMATS")


@pytest.mark.slow
@pytest.mark.skipif(not _readers_for_every_sample_format(),
                    reason="needs the plain-text format detection and the JSON-lines reader")
def test_logdesk_reads_the_sample_as_its_readme_says(spark, generator, fresh, tmp_path):
    """The whole sample through run_pipeline, summarize and the alerts: every figure the README
    states about ingest, levels, services, IPs and alerts is what logdesk computes."""
    from logdesk.analysis.alerts import evaluate_alerts
    from logdesk.analysis.summarize import summarize
    from logdesk.engine.pipeline import run_pipeline
    from logdesk.results import MISSING_KEY, RecordFilter
    from logdesk.settings import PathSettings, Settings

    out, stats = fresh
    # syslog has no year: logdesk takes it from the file's date, so date the files in 2026
    march_4 = datetime(2026, 3, 4, tzinfo=UTC).timestamp()
    for f in stats.all_files:
        os.utime(out / f.path, (march_4, march_4))
    settings = Settings(paths=PathSettings(work_dir=str(tmp_path / "work")))
    run = run_pipeline(spark, out, settings)

    by_path = {Path(f.path).relative_to(out).as_posix(): f for f in run.ingest.files}
    # the folder's README is listed too, as not a log
    assert (by_path["README.md"].fate, by_path["README.md"].data_lines) == ("skipped", 0)
    assert sorted(p for p, f in by_path.items() if f.fate == "read") == sorted(
        f.path for f in stats.all_files)
    for f in stats.files:
        got = by_path[f.path]
        assert (got.format, got.data_lines, got.parsed_rows, got.malformed_rows) == (
            "csv", f.records, f.records - len(f.malformed), len(f.malformed)
        ), f.path
    for f in stats.text_files:
        got = by_path[f.path]
        assert (got.format, got.data_lines, got.parsed_rows, got.continuation_lines,
                got.malformed_rows) == (
            f.format, f.data_lines, f.parsed, f.continuation_lines, len(f.malformed)
        ), f.path
    assert run.ingest.data_lines == stats.data_lines
    assert run.ingest.parsed_rows == stats.parsed

    analytics = summarize(run.cube, RecordFilter(), settings.analytics)
    assert analytics.total == stats.parsed and analytics.errors == stats.errors
    assert {k: v for k, v in analytics.by_level.items() if v} == +stats.levels
    assert (analytics.first_seen, analytics.last_seen) == (stats.first, stats.last)
    assert {s.key for s in analytics.per_service} - {MISSING_KEY} == set(stats.services)
    assert {s.key for s in analytics.per_ip} - {MISSING_KEY} == set(stats.ips)
    alerts = evaluate_alerts(analytics, settings.alerts)
    assert [(a.rule, a.severity) for a in alerts] == [
        (rule, severity) for rule, severity, _ in generator.fired_alerts(stats)
    ]
