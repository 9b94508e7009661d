"""Timestamp text -> TimestampType.

generic.py      the generic chain of known forms (every row tries them in order)
catalogue.py    the layouts a file's timestamps can have (pure Python)
infer.py        one layout per file from a sample of its timestamps or lines, on the driver
                (pure Python): infer_layout, infer_line_layout, find_timestamp, line_pattern
spark_parse.py  every row parsed once in its file's layout, the generic chain for the rest
"""

from logdesk.engine.timestamps.catalogue import LAYOUTS, Layout, layout_named
from logdesk.engine.timestamps.generic import parse_timestamp, parse_with_pattern
from logdesk.engine.timestamps.infer import (
    LEVEL_REGEX,
    PREFIX_REGEX,
    find_timestamp,
    infer_layout,
    infer_line_layout,
    line_pattern,
    python_parse,
)
from logdesk.engine.timestamps.spark_parse import (
    parse_exactly,
    parse_with_layout,
    parse_with_layouts,
)

__all__ = [
    "LAYOUTS",
    "LEVEL_REGEX",
    "Layout",
    "PREFIX_REGEX",
    "find_timestamp",
    "infer_layout",
    "infer_line_layout",
    "layout_named",
    "line_pattern",
    "parse_exactly",
    "parse_timestamp",
    "parse_with_layout",
    "parse_with_layouts",
    "parse_with_pattern",
    "python_parse",
]
