"""Shared by the format tests: write a folder of small files, discover and read it once, and
give back what was found per file and its rows in line order (the columns the tests compare)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from logdesk.engine.discover import InputFile, discover_inputs
from logdesk.engine.ingest import read_inputs
from logdesk.settings import Settings

ROW_COLUMNS = [
    "source_file", "line", "ts", "level", "raw_level", "service", "ip", "endpoint",
    "message", "continuation_lines", "malformed_reason",
]


def read_folder_rows(
    spark, folder: Path, files: Iterable[tuple[str, str]], dated: Iterable[str] = (),
    mtime: float | None = None, settings: Settings | None = None,
) -> tuple[dict[str, InputFile], dict[str, list[tuple]]]:
    """files: (name, content) pairs written to `folder`; the names in `dated` get `mtime` as
    their modification time (the year of yearless formats). Returns (name -> InputFile,
    name -> its rows sorted by line, without the file column)."""
    dated = set(dated)
    for name, content in files:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        if name in dated:
            os.utime(path, (mtime, mtime))
    found = discover_inputs(folder)
    rows: dict[str, list[tuple]] = {}
    for r in read_inputs(spark, found, settings or Settings()).select(*ROW_COLUMNS).collect():
        rows.setdefault(Path(r.source_file).name, []).append(tuple(r)[1:])
    return ({Path(f.path).name: f for f in found},
            {name: sorted(got) for name, got in rows.items()})


__all__ = ["ROW_COLUMNS", "read_folder_rows"]
