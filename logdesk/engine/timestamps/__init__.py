"""Timestamp text -> TimestampType.

generic.py   the generic chain of known forms (every row tries them in order)
"""

from logdesk.engine.timestamps.generic import parse_timestamp, parse_with_pattern

__all__ = ["parse_timestamp", "parse_with_pattern"]
