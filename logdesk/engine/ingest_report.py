"""What the run made of each file (IngestReport) and its malformed rows (CSV), from the files'
cache entries: plain Python over small tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa

from logdesk.engine.discover import FORMAT_UNREADABLE, READ_FORMATS, InputFile
from logdesk.reports.csv_safety import LfCsvWriter, neutralize
from logdesk.results import (
    FATE_READ, FATE_SKIPPED, FATE_UNREADABLE, MALFORMED_COLUMNS, FileIngest, IngestReport,
    MalformedSample,
)

SAMPLES_PER_FILE = 3  # malformed lines shown per file in the Inputs view / ingest report
SAMPLE_CHARS = 500


def ingest_report(
    folder: Path,
    inputs: Sequence[InputFile],
    counts: Mapping[str, tuple[int, int, int]],
    malformed: Mapping[str, pa.Table],
) -> IngestReport:
    """counts: path -> (records, malformed, continuation lines); malformed: path -> its rows
    (line, reason, raw) in line order."""

    def samples(path: str) -> tuple[MalformedSample, ...]:
        rows = malformed.get(path)
        if rows is None or rows.num_rows == 0:
            return ()
        head = rows.slice(0, SAMPLES_PER_FILE).to_pylist()
        return tuple(
            MalformedSample(r["line"], r["reason"] or "", (r["raw"] or "")[:SAMPLE_CHARS]) for r in head
        )

    files = []
    for f in inputs:
        parsed, bad, cont = counts.get(f.path, (0, 0, 0))
        files.append(
            FileIngest(
                path=f.path,
                format=f.format_name,
                data_lines=parsed + cont + bad,
                parsed_rows=parsed,
                malformed_rows=bad,
                encoding=f.encoding,
                note=f.note,
                continuation_lines=cont,
                malformed_samples=samples(f.path),
                fate=_fate(f),
                timestamp_layout=f.timestamp_layout,
            )
        )
    return IngestReport(folder=str(folder), files=tuple(files))


def _fate(f: InputFile) -> str:
    if f.format in READ_FORMATS:
        return FATE_READ
    return FATE_UNREADABLE if f.format == FORMAT_UNREADABLE else FATE_SKIPPED


def write_malformed_csv(target: Path, malformed: Mapping[str, pa.Table]) -> Path:
    """file, line, reason, raw — ordered by file, then line; text cells neutralized against
    spreadsheet formula injection; written to a temporary name and renamed."""
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = LfCsvWriter(handle)
        writer.writerow(MALFORMED_COLUMNS)
        for path in sorted(malformed):
            rows = malformed[path]
            for line, reason, raw in zip(
                rows.column("line").to_pylist(), rows.column("reason").to_pylist(), rows.column("raw").to_pylist()
            ):
                writer.writerow(
                    (neutralize(path), "" if line is None else line, neutralize(reason), neutralize(raw))
                )
    os.replace(tmp, target)
    return target


__all__ = ["SAMPLES_PER_FILE", "ingest_report", "write_malformed_csv"]
