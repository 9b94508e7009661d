"""UTF-16 and legacy 8-bit (cp1252) log files -> UTF-8 copies that Spark can read.

Spark's text and CSV sources split lines on UTF-8 bytes, so a UTF-16 file (Windows tools write
them: PowerShell, some IIS and .NET logs) is decoded here, on the driver, in a streaming pass, and
written as UTF-8 into the run's folder; the readers read the copy and report the original path.
Invalid code units are replaced (U+FFFD), never a crash. Compressed input (.gz, .bz2) is
decompressed on the way. Only files discovery found not to be UTF-8 are copied: UTF-16 by
its BOM or, without one, by the NUL byte of every other byte; cp1252 when the head is not
valid UTF-8 and holds no multi-byte UTF-8 at all.
"""

from __future__ import annotations

import bz2
import codecs
import dataclasses
import gzip
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from logdesk.engine.discover import InputFile

_CHUNK = 1 << 20


def needs_copy(encoding: str) -> bool:
    """Spark reads UTF-8 (a BOM is dropped by the readers); anything else is copied first."""
    return encoding not in ("", "utf-8", "utf-8-sig")


def transcode_inputs(files: Sequence[InputFile], target_dir: Path) -> list[InputFile]:
    """`files` with a UTF-8 copy under `target_dir` for each one not in UTF-8 (others
    unchanged)."""
    out: list[InputFile] = []
    for i, f in enumerate(files):
        if not needs_copy(f.encoding):
            out.append(f)
            continue
        target_dir.mkdir(parents=True, exist_ok=True)
        copy = target_dir / f"{i:05d}-{_plain_name(Path(f.path).name)}"
        _transcode(Path(f.path), copy, f.encoding)
        out.append(dataclasses.replace(f, transcoded=str(copy)))
    return out


def _plain_name(name: str) -> str:
    """The name without a compression suffix, since the copy is not compressed."""
    lower = name.lower()
    for suffix in (".gz", ".bz2"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _open_raw(path: Path) -> BinaryIO:
    lower = path.name.lower()
    if lower.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if lower.endswith(".bz2"):
        return bz2.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _transcode(source: Path, target: Path, encoding: str) -> None:
    # "utf-16" reads the BOM and drops it; an explicit -le/-be would keep it as U+FEFF, so the
    # explicit codec is only for files without one (discovery's "utf-16le"/"utf-16be")
    codec = "utf-16" if encoding in ("utf-16-le", "utf-16-be") else encoding
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    with _open_raw(source) as raw, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := raw.read(_CHUNK):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))


__all__ = ["needs_copy", "transcode_inputs"]
