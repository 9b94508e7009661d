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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from logdesk.settings import TextFormatSettings

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
    """

    name: str
    pattern: str
    timestamp_pattern: str | None = None
    yearless: bool = False
    multiline: bool = True
    skip: str | None = None
    description: str = ""
    user: bool = False

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


# --------------------------------------------------------------------------- built-in formats
# Building blocks, kept in the common subset of Python re and Java regex.

_ISO_TS = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
_QUOTED = r'"(?:[^"\\]|\\.)*"'  # a double-quoted string with backslash escapes
# The request line of an access log: message = the whole line, endpoint = its path without
# the query string; a request that is not "METHOD path ..." ("-", junk) keeps only the message.
_REQUEST = r'"(?P<message>(?:[A-Z]+ (?P<endpoint>[^\s?"\\]+))?(?:[^"\\]|\\.)*)"'
_ACCESS_HEAD = (
    r"(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] " + _REQUEST + r" (?P<status>\d{3}|-) (?:\d+|-)"
)
# syslog "tag[pid]: message" after the host
_SYSLOG_TAIL = (
    r" (?P<host>[^\s:]+) (?P<service>[^\s:\[\]]+)(?:\[(?P<pid>[^\]]*)\])?: ?(?P<message>.*)"
)
_JAVA_LEVEL = r"TRACE|DEBUG|INFO|WARNING|WARN|ERROR|FATAL|SEVERE|CRITICAL"
_PY_LEVEL = r"DEBUG|INFO|WARNING|ERROR|CRITICAL|NOTSET"
_PY_ASCTIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:,\d{3})?"


def _log4j_pattern() -> str:
    # Spring Boot puts "PID ---" and, since 3.x, "[app]" between the level and the thread
    spring = r"(?: +\d+ +---)?(?: +\[[^\]]*\](?= +\[))?"
    level_thread = r"(?P<level>" + _JAVA_LEVEL + r")" + spring + r" +\[(?P<thread>[^\]]*)\]"
    thread_level = r"\[(?P<thread2>[^\]]*)\] +(?P<level2>" + _JAVA_LEVEL + r")"
    # the logger is only taken when a " - " or " : " separator follows it
    tail = r" +(?:(?P<service>[^\s\[\]]+)(?: +:| +-)(?: |$))?(?P<message>.*)"
    no_thread = (
        r"(?P<level3>" + _JAVA_LEVEL + r") +(?P<service2>[^\s\[\]]+)(?: +:| +-)"
        r"(?: (?P<message2>.*))?$"
    )
    with_thread = "(?:" + level_thread + "|" + thread_level + ")" + tail
    return r"(?P<ts>" + _ISO_TS + r") +(?:" + with_thread + "|" + no_thread + ")"


def _logfmt_value(group: str) -> str:
    """A logfmt value: quoted (group) or bare (group2), the bare one ending at a space or EOL."""
    return r'(?:"(?P<' + group + r'>(?:[^"\\]|\\.)*)"|(?P<' + group + r'2>[^\s"]+)(?=\s|$))'


def _logfmt_key(keys: str, group: str, required: bool) -> str:
    look = r"(?=(?:.*?\s)?(?:" + keys + r")=" + _logfmt_value(group) + ")"
    return look if required else "(?:" + look + "|)"


_LOGFMT_PAIR = r'[A-Za-z_][A-Za-z0-9_.\-/@]*=(?:' + _QUOTED + r'|[^\s"]*)'
_LOGFMT = (
    # a line without msg= (metrics, access lines) is still a record: the whole line is its
    # message, as the last of the message alternatives
    r"(?=(?P<message9>.*\S))"
    + _logfmt_key("time|ts|timestamp", "ts", True)
    + _logfmt_key("level|lvl|severity", "level", False)
    + _logfmt_key("msg|message", "message", False)
    + _logfmt_key("service|app|component|logger", "service", False)
    + _logfmt_key("ip|client_ip|remote_addr", "ip", False)
    + _logfmt_key("path|endpoint|url", "endpoint", False)
    + _LOGFMT_PAIR + r"(?:\s+" + _LOGFMT_PAIR + r")*\s*$"
)

BUILTIN_FORMATS: tuple[TextFormat, ...] = (
    TextFormat(
        name="apache_combined",
        pattern=_ACCESS_HEAD + " " + _QUOTED + " " + _QUOTED,
        multiline=False,
        description='Apache/Nginx access log, combined: ip - user [time] "request" status size '
        '"referer" "agent"',
    ),
    TextFormat(
        name="apache_common",
        pattern=_ACCESS_HEAD,
        multiline=False,
        description='Apache/Nginx access log, common: ip - user [time] "request" status size',
    ),
    TextFormat(
        name="syslog_rfc5424",
        pattern=(
            r"<(?P<pri>\d{1,3})>1 (?P<ts>\S+) (?P<host>\S+) (?:-(?= )|(?P<service>\S+)) \S+ \S+"
            r' (?:-|(?:\[(?:[^\]"\\]|\\.|' + _QUOTED + r')*\])+)(?: (?P<message>.*))?$'
        ),
        multiline=False,
        description="syslog RFC 5424: <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG",
    ),
    TextFormat(
        name="syslog_rfc3164",
        pattern=(
            r"(?:<(?P<pri>\d{1,3})>)?(?P<ts>[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2})"
            + _SYSLOG_TAIL
        ),
        yearless=True,
        multiline=False,
        description="syslog RFC 3164 (BSD): Mmm dd hh:mm:ss host tag[pid]: message (no year)",
    ),
    TextFormat(
        name="syslog_iso",
        pattern=(
            r"(?:<(?P<pri>\d{1,3})>)?(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
            r"(?:Z|[+-]\d{2}:\d{2}))" + _SYSLOG_TAIL
        ),
        multiline=False,
        description="syslog with an RFC 3339 time (rsyslog's default on current Linux): "
        "time host tag[pid]: message",
    ),
    TextFormat(
        name="log4j",
        pattern=_log4j_pattern(),
        description="Java log4j/logback/Spring Boot: yyyy-MM-dd HH:mm:ss,SSS LEVEL [thread] "
        "logger - message (and close variants); stack traces continue the record",
    ),
    TextFormat(
        name="python_dashed",
        pattern=(
            r"(?P<ts>" + _PY_ASCTIME + r") - (?P<service>.+?) - (?P<level>" + _PY_LEVEL + r")"
            r" - (?P<message>.*)"
        ),
        description="Python logging: %(asctime)s - %(name)s - %(levelname)s - %(message)s",
    ),
    TextFormat(
        name="python_levelname",
        pattern=(
            r"(?P<ts>" + _PY_ASCTIME + r") (?P<level>" + _PY_LEVEL + r") (?P<service>[^\s:]+):"
            r"(?: (?P<message>.*))?$"
        ),
        description="Python logging: %(asctime)s %(levelname)s %(name)s: %(message)s",
    ),
    TextFormat(
        name="python_bare",
        pattern=r"(?P<level>" + _PY_LEVEL + r"):(?P<service>[^:]*):(?P<message>.*)",
        description="Python logging's default LEVEL:name:message (no timestamp: every record "
        "is reported as missing one)",
    ),
    TextFormat(
        name="logcat",
        pattern=(
            r"(?P<ts>\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) +(?P<pid>\d+) +(?P<tid>\d+)"
            r" (?P<level>[VDIWEFA]) (?P<service>[^:]*?) *: ?(?P<message>.*)"
        ),
        timestamp_pattern="MM-dd HH:mm:ss.SSS",
        yearless=True,
        multiline=False,
        skip=r"-{9} beginning of ",
        description="Android logcat -v threadtime: MM-dd HH:mm:ss.SSS pid tid L tag: message",
    ),
    TextFormat(
        name="glog",
        pattern=(
            r"(?P<level>[IWEF])(?P<ts>\d{4} \d{2}:\d{2}:\d{2}\.\d{6}) +(?P<thread>\d+)"
            r" (?P<service>[^:\s\]]+):(?P<line>\d+)\] ?(?P<message>.*)"
        ),
        timestamp_pattern="MMdd HH:mm:ss.SSSSSS",
        yearless=True,
        skip=(
            r"(?:Log file created at:|Running on machine:|Running duration \(h:mm:ss\):"
            r"|Log line format:)"
        ),
        description="Google glog: Lmmdd hh:mm:ss.uuuuuu threadid file:line] message",
    ),
    TextFormat(
        name="logfmt",
        pattern=_LOGFMT,
        multiline=False,
        description="logfmt: key=value pairs in any order (time/ts, level, msg, service, ...)",
    ),
)

# --------------------------------------------------------------------------- W3C extended

W3C_FORMAT_NAME = "w3c"
_W3C_FIELDS = re.compile(r"^#Fields:\s*(.*)$", re.IGNORECASE)
# W3C field name -> reader group name
_W3C_GROUPS = {
    "date": "date",
    "time": "time",
    "c-ip": "ip",
    "cs-uri-stem": "endpoint",
    "sc-status": "status",
    "s-sitename": "service",
}


def w3c_format(fields_directive: str) -> TextFormat:
    """The format of a W3C extended / IIS log from its `#Fields:` line (given with or without
    the `#Fields:` prefix). `cs-method cs-uri-stem`, when adjacent, make the message."""
    m = _W3C_FIELDS.match(fields_directive.strip())
    names = (m.group(1) if m else fields_directive).split()
    if not names:
        raise ValueError(f"no fields in W3C directive: {fields_directive!r}")
    parts: list[str] = []
    i = 0
    while i < len(names):
        name = names[i].lower()
        if name == "cs-method" and i + 1 < len(names) and names[i + 1].lower() == "cs-uri-stem":
            parts.append(r"(?P<message>\S+[ \t]+(?P<endpoint>\S+))")
            i += 2
            continue
        group = _W3C_GROUPS.get(name)
        if group is not None and not any("(?P<" + group + ">" in p for p in parts):
            parts.append("(?P<" + group + r">\S+)")
        else:
            parts.append(r'(?:"[^"]*"|\S+)')
        i += 1
    return TextFormat(
        name=W3C_FORMAT_NAME,
        pattern=r"[ \t]+".join(parts) + r"[ \t]*$",
        multiline=False,
        skip="#",
        description="W3C extended / IIS log; fields from its #Fields: directive",
    )


# --------------------------------------------------------------------------- detection

DETECT_LINES = 50  # non-blank head lines looked at


def detect_text_format(
    lines: Sequence[str], user_formats: Sequence[TextFormat] = ()
) -> TextFormat | None:
    """The format of a file from its decoded head lines, or None when none fits.

    Rule: looking at the first DETECT_LINES non-blank lines, after the format's skip lines, the
    first line must be a record; a format whose other lines cannot continue a record
    (multiline False) must match at least half of them. The format matching the most lines
    wins; ties go to the earlier one: user formats, the file's W3C directive, then the
    built-ins in BUILTIN_FORMATS order.
    """
    sample = [line.rstrip("\r\n") for line in lines if line.strip()][:DETECT_LINES]
    if not sample:
        return None
    candidates: list[TextFormat] = list(user_formats)
    fields = next((line for line in sample if _W3C_FIELDS.match(line.strip())), None)
    if fields is not None:
        try:
            candidates.append(w3c_format(fields))
        except ValueError:
            pass
    candidates.extend(BUILTIN_FORMATS)
    best: TextFormat | None = None
    best_score = 0
    for fmt in candidates:
        score = _matching_lines(fmt, sample)
        if score > best_score:
            best, best_score = fmt, score
    return best


def _matching_lines(fmt: TextFormat, sample: Sequence[str]) -> int:
    """How many sample lines `fmt` reads as records; 0 when it does not fit the file."""
    try:
        # re.ASCII: \d, \s, \w mean what they mean in Java
        pattern = re.compile(fmt.pattern, re.ASCII)
        skip = re.compile(fmt.skip, re.ASCII) if fmt.skip else None
    except re.error:
        return 0
    body = [line for line in sample if not (skip and skip.match(line))]
    if not body or not pattern.match(body[0]):
        return 0
    matched = sum(1 for line in body if pattern.match(line))
    if not fmt.multiline and matched * 2 < len(body):
        return 0
    return matched


def user_text_formats(specs: Iterable[TextFormatSettings]) -> tuple[TextFormat, ...]:
    """The user's configured formats (Settings.text_formats) as TextFormats."""
    return tuple(
        TextFormat(
            name=spec.name,
            pattern=spec.pattern,
            timestamp_pattern=spec.timestamp_pattern,
            yearless=spec.yearless,
            multiline=spec.multiline,
            skip=spec.skip,
            description=f"user format {spec.name}",
            user=True,
        )
        for spec in specs
    )


__all__ = [
    "BUILTIN_FORMATS",
    "DETECT_LINES",
    "FIELD_GROUPS",
    "TextFormat",
    "W3C_FORMAT_NAME",
    "detect_text_format",
    "java_pattern",
    "user_text_formats",
    "w3c_format",
]
