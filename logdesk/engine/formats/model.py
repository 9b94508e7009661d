"""Plain-text log formats: what a record's first line looks like and where its fields are.

Pure Python (no Spark): discovery detects a file's format from its head on the driver, and the
text reader (readers/text_reader.py) turns the same definition into Spark built-ins
(rlike / regexp_extract). Patterns are therefore written in the common subset of Python `re`
and Java regex: named groups as `(?P<name>...)` (translated to Java's `(?<name>...)` by
`java_pattern`), no Python-only or Java-only constructs.

Group names the reader understands (all optional except that a record needs a timestamp):
  ts        timestamp text; `date` + `time` groups are joined with a space when there is no ts
  level     level text, normalized by the configured level mapping
  status    HTTP status (access logs): 5xx ERROR, 4xx WARN, anything else INFO
  pri       syslog <PRI>: severity = pri % 8, mapped as a syslog numeric level
  service, ip, endpoint, message
A name may carry a numeric suffix for alternatives (`message2`): the first non-empty of
`message`, `message2`, ... is used. Without a message group the whole first line is the message.
Other group names are allowed and ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


# Group names with a meaning for the reader (see the module docstring).
FIELD_GROUPS: tuple[str, ...] = (
    "ts", "date", "time", "level", "status", "pri", "service", "ip", "endpoint", "message"
)
_SUFFIXED = re.compile(r"^([a-z]+)(\d+)$")


@dataclass(frozen=True)
class TextFormat:
    """One plain-text format.

    name               shown in the ingest report ("log4j", "apache_combined", a user name)
    pattern            matches a record's first line from its start (re.match semantics; the
                       reader anchors it); named groups as in the module docstring
    timestamp_pattern  Spark datetime pattern for the ts text ("yyyy-MM-dd HH:mm:ss,SSS");
                       None: logdesk's generic parser (timestamps.parse_timestamp), which knows
                       ISO 8601, syslog, Apache, ctime, epoch and more
    yearless           the ts text has no year (syslog, logcat, glog): the year is taken from
                       the file's modification time, rolling back a year for times after it.
                       With a timestamp_pattern, the reader parses concat(year, ' ', ts) with
                       "yyyy " + timestamp_pattern (the pattern describes the ts text itself);
                       without one, the generic parser's syslog branch supplies the year
    multiline          lines that do not match `pattern` continue the record before them
                       (stack traces); False: such lines are malformed
    skip               lines matching this are headers/directives (W3C `#Fields:`): neither
                       records nor malformed, like a CSV header line
    description        one line for users (settings, docs)
    user               defined in the user's config (tried before the built-ins)
    timestamp_layout   the name of a timestamps.catalogue layout that every ts text is parsed
                       in, exactly (the generic reader's formats: their pattern picks out text
                       in that layout)
    partial            a line matching this (from its start) is a piece of a longer line that
                       the next piece of its stream continues (Kubernetes/CRI's "P" tag): that
                       line, when it matches `pattern`, is folded into the record as a
                       continuation line, its text after `piece` joined to the line without a
                       line break
    piece              what starts every line of a `partial` format before its own text (the
                       time, stream and tag): removed from the continuing pieces; its group 1
                       names the line's stream (pieces continue within a stream only)
    """

    name: str
    pattern: str
    timestamp_pattern: str | None = None
    yearless: bool = False
    multiline: bool = True
    skip: str | None = None
    description: str = ""
    user: bool = False
    timestamp_layout: str | None = None
    partial: str | None = None
    piece: str | None = None

    def groups(self) -> dict[str, int]:
        """Group name -> group number (1-based), as regexp_extract wants it."""
        return dict(re.compile(self.pattern).groupindex)

    def field_groups(self, field: str) -> list[int]:
        """Group numbers feeding `field`, in order of preference (field, field2, field3...)."""
        found: list[tuple[int, int]] = []
        for name, number in self.groups().items():
            if name == field:
                found.append((0, number))
            else:
                m = _SUFFIXED.match(name)
                if m and m.group(1) == field:
                    found.append((int(m.group(2)), number))
        return [number for _, number in sorted(found)]


def java_pattern(pattern: str) -> str:
    """The pattern in Java syntax: (?P<name> -> (?<name>, and (?P=name) -> \\k<name>."""
    java = re.sub(r"\(\?P<([A-Za-z][A-Za-z0-9]*)>", r"(?<\1>", pattern)
    return re.sub(r"\(\?P=([A-Za-z][A-Za-z0-9]*)\)", r"\\k<\1>", java)


__all__ = ["FIELD_GROUPS", "TextFormat", "java_pattern"]
