"""The generic reader: text files no format claims, read from their timestamps.

A line that starts — after an optional prefix (`[`, a syslog <PRI>, a docker-compose
`web_1  | `, a file name, a sequence number, a host) — with a timestamp in the file's layout
starts a record; a known level word near the start is its level; the rest is its message; lines
without such a timestamp continue the record before them. The layout is inferred from the
file's head (timestamps/infer.py), so the format is made per layout: files sharing a layout
share one read.
"""

from __future__ import annotations

from logdesk.engine.formats.model import TextFormat
from logdesk.engine.timestamps.catalogue import Layout
from logdesk.engine.timestamps.infer import line_pattern

GENERIC_FORMAT_NAME = "generic"


def generic_format(layout: Layout) -> TextFormat:
    """The generic reader's format for files whose timestamps are in `layout`."""
    return TextFormat(
        name=GENERIC_FORMAT_NAME,
        pattern=line_pattern(layout),
        timestamp_layout=layout.name,
        multiline=True,
        description=f"any text whose lines start with a timestamp ({layout.name}); "
        "lines without one continue the record before them",
    )


__all__ = ["GENERIC_FORMAT_NAME", "generic_format"]
