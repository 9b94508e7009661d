"""The first built-in formats: access logs, syslog, Java log4j/logback, Python logging, Android
logcat, glog and logfmt. Building blocks are kept in the common subset of Python re and Java
regex (see formats/model.py)."""

from __future__ import annotations

from logdesk.engine.formats.model import TextFormat

_ISO_TS = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
_QUOTED = r'"(?:[^"\\]|\\.)*"'  # a double-quoted string with backslash escapes
# The request line of an access log: message = the whole line, endpoint = its path without
# the query string; a request that is not "METHOD path ..." ("-", junk) keeps only the message.
_REQUEST = r'"(?P<message>(?:[A-Z]+ (?P<endpoint>[^\s?"\\]+))?(?:[^"\\]|\\.)*)"'
_ACCESS_HEAD = (
    r"(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] " + _REQUEST + r" (?P<status>\d{3}|-) (?:\d+|-)"
)
# syslog "tag[pid]: message" after the host. Also what real files hold: a tag with spaces
# before its [pid] (macOS: "Microsoft Word[123]:"), a version after the tag ("syslogd 1.4.1:"),
# launchd's "(job)" or sandboxd's "([pid])" before the colon, and login's "host  -- root[1]:"
_SYSLOG_TAIL = (
    r" (?P<host>[^\s:]+) +(?:-- )?"
    r"(?:(?P<service>[^\s:\[\]]+(?: [^\s:\[\]]+){0,3})\[(?P<pid>[^\]]*)\]"
    r"|(?P<service2>[^\s:\[\]]+)(?: \d+(?:\.\d+)+)?)"
    r"(?: \([^()]*(?:\([^()]*\)[^()]*)*\))?: ?(?P<message>.*)"
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
    + _logfmt_key("time|ts|timestamp|t", "ts", True)  # t= : Grafana
    + _logfmt_key("level|lvl|severity", "level", False)
    + _logfmt_key("msg|message", "message", False)
    + _logfmt_key("service|app|component|logger", "service", False)
    + _logfmt_key("ip|client_ip|remote_addr", "ip", False)
    + _logfmt_key("path|endpoint|url", "endpoint", False)
    + _LOGFMT_PAIR + r"(?:\s+" + _LOGFMT_PAIR + r")*\s*$"
)

FORMATS: tuple[TextFormat, ...] = (
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
        name="apache_vhost",
        # Apache's vhost_combined (Debian's other_vhosts_access.log): "%v:%p" before common
        pattern=(
            r"(?P<service>[A-Za-z0-9][\w.-]*)(?::\d+)? " + _ACCESS_HEAD
            + "(?: " + _QUOTED + " " + _QUOTED + ")?"
        ),
        multiline=False,
        description='Apache vhost_combined: vhost:port ip - user [time] "request" status size '
        '"referer" "agent" (service = the virtual host)',
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


__all__ = ["FORMATS"]
