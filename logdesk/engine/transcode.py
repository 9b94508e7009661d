"""Read copies: log files Spark cannot read as they are -> UTF-8 copies in the run's folder.

Two reasons for a copy, both found on the driver in one streaming pass per file:
- The encoding. Spark's text and CSV sources split lines on UTF-8 bytes, so a UTF-16 file
  (PowerShell, some IIS and .NET logs: by its BOM or, without one, by the NUL byte of every other
  byte) or a legacy 8-bit one (cp1252: a head that is not UTF-8 and holds no multi-byte UTF-8)
  is decoded and written as UTF-8. Invalid code units are replaced (U+FFFD), never a crash.
- Broken compression. A truncated or corrupt .gz/.bz2 makes Spark's read fail, and with it the
  whole run. Every compressed file to be read is decompressed here first; when its stream breaks,
  the lines that did decompress (up to the last line end) are copied, the file is read from
  that copy, and its note says where the data broke. Whole files are not copied.
The readers read the copy and report the original path.
"""

from __future__ import annotations

import bz2
import codecs
import dataclasses
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from logdesk.engine.input_io import base_name, open_input
from logdesk.engine.discover import InputFile

_CHUNK = 1 << 20


def needs_copy(encoding: str) -> bool:
    """Spark reads UTF-8 (a BOM is dropped by the readers); anything else is copied first."""
    return encoding not in ("", "utf-8", "utf-8-sig")


def compression(path: str) -> str:
    """"gzip", "bzip2" or "" (Spark, too, picks the codec by the name)."""
    lower = path.lower()
    return "gzip" if lower.endswith(".gz") else "bzip2" if lower.endswith(".bz2") else ""


def transcode_inputs(files: Sequence[InputFile], target_dir: Path) -> list[InputFile]:
    """`files`, with a UTF-8 copy under `target_dir` for each one not in UTF-8 and for each
    compressed one whose data breaks (its note then says so); the others unchanged."""
    out: list[InputFile] = []
    for i, f in enumerate(files):
        codec = compression(f.read_path)
        if not needs_copy(f.encoding) and not codec:
            out.append(f)
            continue
        if not needs_copy(f.encoding):
            broken = _first_break(f.read_path, codec)
            if broken is None:
                out.append(f)
                continue
        target_dir.mkdir(parents=True, exist_ok=True)
        copy = target_dir / f"{i:05d}-{_plain_name(base_name(f.path))}"
        broken = _copy(f.read_path, copy, f.encoding)
        note = f.note
        if broken is not None:
            good, lines, why = broken
            damage = (f"broken {codec} data after {good:,} decompressed bytes ({why}): "
                      f"read the {lines:,} complete lines before it")
            note = f"{note}; {damage}" if note else damage
        out.append(dataclasses.replace(f, transcoded=str(copy), note=note))
    return out


def _plain_name(name: str) -> str:
    """The name without a compression suffix, since the copy is not compressed."""
    lower = name.lower()
    for suffix in (".gz", ".bz2"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


class _Broken(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _chunks(path: str) -> Iterator[bytes]:
    """The file's decompressed bytes in chunks; raises _Broken where the data breaks, after
    yielding all that decompressed before (GzipFile.read would drop a chunk's partial output)."""
    codec = compression(str(path))
    with open_input(path) as raw:
        if not codec:
            while chunk := raw.read(_CHUNK):
                yield chunk
            return
        # gzip and bzip2 files may hold several members/streams, one after the other
        new = (lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)) if codec == "gzip" else bz2.BZ2Decompressor
        unpack = new()
        started = False  # a member has begun and not yet ended
        while True:
            data = raw.read(_CHUNK)
            if not data:
                if started:
                    raise _Broken("the data ends in the middle of a stream")
                return
            while data:
                started = True
                try:
                    out = unpack.decompress(data)
                except (zlib.error, OSError, EOFError, ValueError) as exc:
                    raise _Broken(_why(exc)) from None
                if out:
                    yield out
                if unpack.eof:
                    data, unpack, started = unpack.unused_data, new(), False
                else:
                    data = b""


def _first_break(path: str, codec: str) -> tuple[int, str] | None:
    """(decompressed bytes before the break, why) for a compressed file whose data breaks;
    None when it decompresses to its end."""
    done = 0
    try:
        for chunk in _chunks(path):
            done += len(chunk)
    except _Broken as exc:
        return done, exc.why
    return None


def _why(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _copy(source: str, target: Path, encoding: str) -> tuple[int, int, str] | None:
    """Decompress and decode `source` into `target` (UTF-8). On a broken stream, the copy
    ends at the last complete line (ended by LF, CRLF or a lone CR); returns (good bytes,
    complete lines, why) then, else None."""
    if encoding in ("utf-16-le", "utf-16-be"):
        codec = "utf-16"  # reads the BOM and drops it (an explicit -le/-be would keep it)
    elif needs_copy(encoding):
        codec = encoding  # utf-16le/utf-16be without a BOM, cp1252
    else:
        codec = "utf-8"
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    done, pending, lines = 0, "", 0
    with open(target, "w", encoding="utf-8", newline="") as out:
        try:
            for chunk in _chunks(source):
                done += len(chunk)
                # complete lines only, until the stream ends; cut in the decoded text (a
                # UTF-16 code unit may hold the byte of a line end), at LF, CRLF or a lone CR,
                # but not after a CR at the very end: a LF may follow in the next chunk
                text = pending + decoder.decode(chunk)
                end = len(text) - 1 if text.endswith("\r") else len(text)
                cut = max(text.rfind("\n", 0, end), text.rfind("\r", 0, end)) + 1
                pending = text[cut:]
                lines += _line_ends(text[:cut])
                out.write(text[:cut])
        except _Broken as exc:
            if pending.endswith("\r"):  # a line the break left complete
                out.write(pending)
                lines += 1
            return done, lines, exc.why
        out.write(pending + decoder.decode(b"", final=True))
    return None


def _line_ends(text: str) -> int:
    """Line ends as an editor sees them: LF, CRLF and a lone CR."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


__all__ = ["compression", "needs_copy", "transcode_inputs"]
