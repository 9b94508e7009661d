"""Tiny files handed to Spark as a few pack files instead of thousands of files.

Spark pays for every file it reads, whatever its size: listing it, opening it in a task (some
0.3 ms each here; 20,000 three-line files took 5-15 s of a 2-core run before a single line was
parsed). The small files of a bundle (cache/bundles.py) are therefore copied, on the driver,
into one pack per reader group: each physical line of a member (split as Spark's text source
splits, at \\n, \\r\\n or \\r) becomes `<member's file URI>\\x01<the line's bytes>\\n`, its files
one after the other. readers/common.read_lines reads a pack and takes each row's file from its
prefix, so every reader sees the same rows, positions and line numbers as from the member
itself (a member's lines are consecutive rows of the pack: its block's row ids count its lines).

Only uncompressed members up to PACK_FILE_BYTES are packed (compressed ones would need their
codec; larger ones cost Spark little beside their bytes). A member that cannot be read again
is left to Spark, as it would be without packs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from logdesk.engine.discover import FORMAT_JSONL, FORMAT_TEXT, InputFile
from logdesk.engine.input_io import absolute_input, open_input
from logdesk.engine.readers.common import PACK_SEPARATOR, spark_file_uri
from logdesk.engine.transcode import compression

PACK_FILE_BYTES = 64 * 1024  # a member's size at most


def reader_group(f: InputFile) -> tuple:
    """The reader call a file is read in (ingest.read_inputs, then the text reader's format):
    a pack holds the files of one, so that a reader reads no other reader's lines."""
    return (f.format, f.text_format if f.format == FORMAT_TEXT else None)


def packable(f: InputFile) -> bool:
    return (f.format in (FORMAT_TEXT, FORMAT_JSONL) and f.size <= PACK_FILE_BYTES
            and not compression(f.read_path) and not f.line_offset and _utf8(f.read_path))


def _utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in the name: Spark spells it its own way
        return False
    return True


def pack_inputs(reads: Sequence[InputFile], bundles: Sequence[Sequence[int]],
                pack_dir: Path, check=lambda: None) -> list[InputFile]:
    """`reads` with InputFile.pack set for the packed members of `bundles` (positions in
    `reads`); the pack files are written under `pack_dir`. `check` raises on a cancel."""
    out = list(reads)
    for number, bundle in enumerate(bundles):
        groups: dict[tuple, list[int]] = {}
        for i in bundle:
            if packable(reads[i]):
                groups.setdefault(reader_group(reads[i]), []).append(i)
        for g, members in enumerate(groups.values()):
            check()
            pack_dir.mkdir(parents=True, exist_ok=True)
            target = pack_dir / f"pack-{number}-{g}.txt"
            with open(target, "wb") as pack:
                for i in members:
                    if _write_member(pack, reads[i]):
                        out[i] = replace(reads[i], pack=str(target))
    return out


def _write_member(pack, f: InputFile) -> bool:
    try:
        with open_input(f.read_path) as handle:
            data = handle.read()
    except OSError:
        return False
    prefix = (spark_file_uri(absolute_input(f.read_path)) + PACK_SEPARATOR).encode("utf-8")
    lines = data.splitlines()  # bytes: \n, \r\n and \r only, as Hadoop's line reader
    if lines:
        pack.write(prefix + (b"\n" + prefix).join(lines) + b"\n")
    return True


__all__ = ["PACK_FILE_BYTES", "pack_inputs", "packable", "reader_group"]
