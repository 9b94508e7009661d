"""The head of a file — its first 64 KB, decompressed — and its text encoding, for detection.

Pure Python, on the driver. Tells text from binary (a known binary signature, or more than 10%
control bytes other than tab, line ends and ESC: a block of NULs left by a crash does not make
a log binary) and finds the encoding: UTF-8 (with or without BOM), UTF-16 with a BOM or without
one (every other byte NUL), or cp1252 (not UTF-8, and no multi-byte UTF-8 at all).
"""

from __future__ import annotations

import bz2
import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from logdesk.engine.input_io import base_name, open_input, stat_input

SNIFF_BYTES = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
# stream header + the first block's magic, or the end-of-stream marker (an empty stream)
_BZIP2_MAGIC = re.compile(rb"^BZh[1-9](?:1AY&SY|\x17rE8P\x90)")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Unusable.fate values: the discover.FORMAT_* a file without a usable head gets
UNREADABLE, EMPTY, SKIPPED = "unreadable", "empty", "skipped"


@dataclass(frozen=True)
class Unusable:
    """Why a file has no head to detect a format from."""

    fate: str  # UNREADABLE, EMPTY or SKIPPED
    note: str
    size: int
    mtime: float


@dataclass(frozen=True)
class Head:
    """The first bytes of a file (decompressed) and their text, for format detection."""

    size: int
    mtime: float
    data: bytes  # at most SNIFF_BYTES
    text: str  # decoded, byte order mark removed
    encoding: str  # "utf-8", "utf-8-sig", "utf-16-le" or "utf-16-be"


def read_head(path: Path | str) -> Head | Unusable:
    """The file's head, or why there is nothing to detect (unreadable, compression and name
    disagreeing, empty, binary). `path`: a path, or a URL on a Hadoop file system."""
    path = str(path)
    size, mtime = 0, 0.0  # until the file could be looked at

    def unusable(fate: str, note: str) -> Unusable:
        return Unusable(fate, note, size, mtime)

    codec = "gzip"  # named in the note when decompressing fails
    try:
        st = stat_input(path)
        size, mtime = st.size, st.mtime
        with open_input(path) as fh:
            data = fh.read(SNIFF_BYTES)
            is_gzip = data.startswith(_GZIP_MAGIC)
            is_bzip2 = _BZIP2_MAGIC.match(data) is not None
            codec = "bzip2" if is_bzip2 else codec
            if is_gzip or is_bzip2:
                fh.seek(0)
                try:
                    with (gzip.GzipFile(fileobj=fh) if is_gzip else bz2.BZ2File(fh)) as packed:
                        data = packed.read(SNIFF_BYTES)
                except (OSError, EOFError, zlib.error, ValueError) as exc:  # BadGzipFile too
                    return unusable(UNREADABLE, f"broken {codec} data: {exc}")
    except OSError as exc:
        return unusable(UNREADABLE, f"cannot read: {os_error_text(exc)}")

    # Spark picks the codec by file name, so name and content must agree
    lower = base_name(path).lower()
    for suffix, is_codec, label in ((".gz", is_gzip, "gzip"), (".bz2", is_bzip2, "bzip2")):
        if lower.endswith(suffix) != is_codec:
            why = (
                f"{label} data without a {suffix} name"
                if is_codec
                else f"named {suffix} but not {label} data"
            )
            return unusable(UNREADABLE, f"{why}; rename it to match its content")
    if not data.strip():
        return unusable(EMPTY, "empty file" if not data else "only blank lines")
    encoding = text_encoding(data)
    if encoding.startswith("binary"):
        return unusable(SKIPPED, f"not a log: {encoding}")
    if encoding in ("utf-16-le", "utf-16-be"):  # with a BOM
        text = data[: len(data) - len(data) % 2].decode("utf-16", errors="replace")
    elif encoding in ("utf-16le", "utf-16be"):  # without one
        text = data[: len(data) - len(data) % 2].decode(encoding, errors="replace")
    else:
        text = data.decode(encoding.removesuffix("-sig"), errors="replace")
    return Head(size, mtime, data, text.lstrip("\ufeff"), encoding)


# Starts of binary formats that may sit next to logs (their bytes can look like text for a while)
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive"), (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"), (b"\xfd7zXZ", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"), (b"7z\xbc\xaf", "7-Zip archive"),
)
# Control bytes a text log may hold: tab, line ends, form feed, ESC (ANSI colours). Others
# (NUL from a crash's zero-filled block, say) make a file binary only when they are many.
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0b\x0c\x1b")
_BINARY_SHARE = 0.10  # of the head's bytes being other control bytes
_UTF16_NUL_SHARE = 0.7  # of one byte parity being NUL: ASCII text in UTF-16 without a BOM


def text_encoding(data: bytes) -> str:
    """The head's text encoding ("utf-8", "utf-8-sig", "utf-16-le"/"utf-16-be" with a BOM,
    "utf-16le"/"utf-16be" without one, "cp1252"), or "binary …" saying why it is not text."""
    if data.startswith(_UTF16_BOMS):
        return "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return f"binary content ({what})"
    half = max(1, len(data) // 2)
    if data[1::2].count(0) >= _UTF16_NUL_SHARE * half and data[0::2].count(0) < 0.1 * half:
        return "utf-16le"
    if data[0::2].count(0) >= _UTF16_NUL_SHARE * half and data[1::2].count(0) < 0.1 * half:
        return "utf-16be"
    controls = sum(1 for b in data if (b < 32 and b not in _TEXT_CONTROLS) or b == 127)
    if controls > _BINARY_SHARE * len(data):
        return f"binary content ({controls:,} control bytes in its first {len(data):,})"
    encoding = "utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"
    try:
        data.decode("utf-8")
        return encoding
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and "end of data" in exc.reason:
            return encoding  # the head cut a character in two
    # Invalid UTF-8. A file that also holds valid multi-byte UTF-8 is UTF-8 with a few bad
    # bytes (they read as U+FFFD); one with none is in a legacy 8-bit code page, Windows' most
    # likely (cp1252 is Latin-1 plus printable characters in 0x80-0x9F).
    decoded = data.decode("utf-8", errors="replace")
    if any(ord(c) > 127 and c != "\ufffd" for c in decoded):
        return encoding
    return "cp1252"



# An ANSI CSI escape sequence (colours ESC[32m, line clearing ESC[2K), as coloured console
# output saved to a file holds them. In the common subset of Python re and Java regex: the text
# reader removes the same sequences from every line in Spark (readers/text_reader.py), so that
# detection and reading see the same text.
ANSI_ESCAPE = r"\x1b\[[0-?]*[ -/]*[@-~]"
_ANSI_ESCAPE = re.compile(ANSI_ESCAPE)


def text_lines(text: str) -> list[str]:
    """The head's lines as detection reads them: without ANSI escape sequences."""
    if "\x1b" in text:
        text = _ANSI_ESCAPE.sub("", text)
    return text.splitlines()


def os_error_text(exc: OSError) -> str:
    return f"{exc.strerror} ({exc.__class__.__name__})" if exc.strerror else str(exc)


__all__ = ["ANSI_ESCAPE", "EMPTY", "Head", "SKIPPED", "SNIFF_BYTES", "UNREADABLE", "Unusable",
           "os_error_text", "read_head", "text_encoding", "text_lines"]
