"""Built-in formats: databases (MySQL error, general and slow logs, PostgreSQL, Redis, MongoDB).

Patterns are in the common subset of Python re and Java regex (see formats/model.py) and start
with a literal or a narrow class wherever they can: they run on every line in Spark. Skip
patterns start with "^": Spark tests them with rlike, which finds a match anywhere in the line.

Some of these servers name their levels with words or signs of their own (MySQL [Note],
PostgreSQL LOG/DETAIL/..., Redis * and #): settings.DEFAULT_LEVEL_MAPPING knows them.
"""

from __future__ import annotations

from logdesk.engine.formats.model import TextFormat

_ISO_TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?"
# MySQL <= 5.5 and MariaDB: yymmdd and an hour padded with a space (" 9:05:01")
_OLD_MYSQL_TIME = r"\d{6} [ \d]\d:\d{2}:\d{2}"
_OLD_MYSQL_PATTERN = "yyMMdd [ ]H:mm:ss"
_MYSQL_LEVEL = r"(?P<level>ERROR|Error|Warning|Note|System)"
# The header mysqld writes at the top of the general and slow logs (and again at each start)
_MYSQL_HEADER = (
    r"^(?:\S.*, Version: .*started with:|(?:Tcp|TCP) [Pp]ort: |Time +Id +Command +Argument)"
)
# general log command names of two words (mysql's command_name[]); one-word names are any
# capitalized word, so "Query  SELECT 1" (space-separated) is not read as command "Query SELECT"
_MYSQL_COMMANDS = (
    r"Init DB|Field List|Create DB|Drop DB|Delayed insert|Change user|Binlog Dump GTID"
    r"|Binlog Dump|Table Dump|Connect Out|Register Slave|Long Data|Close stmt|Reset stmt"
    r"|Set option|Reset Connection|[A-Z][a-z]+|clone"
)

# --------------------------------------------------------------------------- MySQL

# 5.7/8.0 `2024-03-05T10:11:12.123456Z 0 [Warning] [MY-010068] [Server] msg`, 5.6
# `2024-03-05 10:11:12 1234 [Note] msg`; <= 5.5 `240305 10:11:12 [ERROR] msg`, where InnoDB and
# mysqld_safe lines have no level at all. Crash reports and stack traces continue a record.
_MYSQL_ERROR = (
    r"(?:(?P<ts>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})?)"
    r" +\d+ \[" + _MYSQL_LEVEL + r"\](?: \[MY-\d+\])?(?: \[(?P<service>[A-Za-z]+)\])?"
    r"|(?P<ts2>" + _OLD_MYSQL_TIME + r")(?: \[(?P<level2>ERROR|Warning|Note)\])?)"
    r" (?P<message>.*)"
)

# `2024-03-05T10:11:12.123456Z\t   12 Query\tSELECT 1` (tabs, or spaces when copied around).
# message = command and argument; a Connect's user@host gives the client.
_MYSQL_GENERAL = (
    r"(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(?:Z|[+-]\d{2}:\d{2}))[\t ]+\d+ "
    r"(?P<message>Connect[\t ]+[^@\s]*@(?P<ip>[^\s\[]+)(?: .*\S)?"
    r"|(?:" + _MYSQL_COMMANDS + r")(?:[\t ]+.*\S)?)[\t ]*$"  # Spark's trim leaves tabs
)

# A slow-log entry is `# Time:`, `# User@Host:`, `# Query_time:`, `SET timestamp=...;` and the
# statement: the `# Time:` line starts the record, the others continue it, and the message is
# those lines (the empty message group: not the `# Time:` line itself). Servers that write
# `# Time:` only when the second changes (<= 5.6, MariaDB) fold an entry of the same second
# into the one before it.
_MYSQL_SLOW = r"# Time: (?P<ts>" + _ISO_TIME + "|" + _OLD_MYSQL_TIME + r")(?P<message>)\s*$"

# --------------------------------------------------------------------------- PostgreSQL

# `2024-03-05 10:11:12.123 UTC [123] LOG:  msg` with any log_line_prefix after the time (%m or
# %t first): tokens split by spaces, colons or commas, of which user@db, db=..., client=...
# and host(port) give service and ip ([unknown] and [local] give none), and any other
# ([pid], [line-1], app=...) is passed over. Every token kind starts differently, so a line
# that is no record fails without backtracking. PostgreSQL always writes "LEVEL:" and two
# spaces.
_PG_TOKEN = (
    r"\[[^\]\s]*\]"
    r"|[^\s@:,]*@(?:\[unknown\]|(?P<service>[^\s:,]*))"
    r"|db=(?:\[unknown\]|(?P<service2>[^\s,]*))"
    r"|(?:client|host)=(?:\[local\]|(?P<ip>[^\s,]*))"
    r"|(?!db=|client=|host=)[a-z_]+=[^\s,]*"
    r"|(?P<ip2>[0-9A-Fa-f.]+)\(\d+\)"
    r"|[^\s:,\[\]@=(]+"
)
_POSTGRES = (
    r"(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?"
    r"(?: [A-Z]{2,5}| [+-]\d{2}(?::?\d{2})?)?)"
    r"(?:[ :,]+(?:" + _PG_TOKEN + r"))*?[ :,]+"
    r"(?:(?P<level>DEBUG)[1-5]"
    r"|(?P<level2>LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC"
    r"|DETAIL|HINT|QUERY|CONTEXT|LOCATION|STATEMENT)):  (?P<message>.*)"
)

# --------------------------------------------------------------------------- Redis, MongoDB

# Redis >= 3 `1234:M 05 Mar 2024 10:11:12.123 * msg` (role M master, S replica, C child,
# X sentinel; level . - * #) and `1234:signal-handler (1709633472) msg`. The startup logo is
# written without a prefix: its lines continue the record.
_REDIS = (
    r"\d+:(?:[MSCX] (?P<ts>\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3})"
    r" (?P<level>[.*#-]) (?P<message>.*)"
    r"|signal-handler \((?P<ts2>\d{10})\) (?P<message2>.*))"
)

# MongoDB < 4.4 `2024-03-05T10:11:12.123+0000 I NETWORK  [conn1] msg`: severity letter
# (D1..D5 for debug levels), component ("-" for none) as service, context in brackets.
_MONGODB = (
    r"(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(?:Z|[+-]\d{4})) "
    r"(?P<level>[FEWID])\d? +(?:-|(?P<service>[A-Z][A-Z_]*)) +\[[^\]]*\] (?P<message>.*)"
)

FORMATS: tuple[TextFormat, ...] = (
    TextFormat(
        name="mysql_error",
        pattern=_MYSQL_ERROR,
        # <= 5.5's time; newer ISO times fall back to the generic parser (its first branch)
        timestamp_pattern=_OLD_MYSQL_PATTERN,
        description="MySQL/MariaDB error log: 5.7/8.0 time thread [Level] [MY-code] "
        "[Subsystem] msg, 5.6 and <= 5.5 (yymmdd hh:mm:ss [Level] msg)",
    ),
    TextFormat(
        name="mysql_general",
        pattern=_MYSQL_GENERAL,
        timestamp_pattern="yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
        skip=_MYSQL_HEADER,
        # a multi-line statement continues its record
        description="MySQL general query log (5.7/8.0): time thread Command argument; no level",
    ),
    TextFormat(
        name="mysql_slow",
        pattern=_MYSQL_SLOW,
        timestamp_pattern=_OLD_MYSQL_PATTERN,
        skip=_MYSQL_HEADER,
        description="MySQL/MariaDB slow query log: one record per # Time: entry, its "
        "# User@Host/# Query_time lines and statement as the message; no level",
    ),
    TextFormat(
        name="postgresql",
        pattern=_POSTGRES,
        # %m / %t; a zone PostgreSQL prints as an offset ("+03") goes to the generic parser
        timestamp_pattern="yyyy-MM-dd HH:mm:ss[.SSS] z",
        # statements and messages spanning lines continue their record
        description="PostgreSQL server log with a log_line_prefix starting %m or %t "
        "(time [pid] user@db LEVEL:  msg and variants); DETAIL/HINT/STATEMENT lines are records",
    ),
    TextFormat(
        name="redis",
        pattern=_REDIS,
        timestamp_pattern="d MMM yyyy HH:mm:ss.SSS",
        description="Redis >= 3 server log: pid:role dd Mon yyyy hh:mm:ss.mmm level msg "
        "(level . - * #)",
    ),
    TextFormat(
        name="mongodb",
        pattern=_MONGODB,
        timestamp_pattern="yyyy-MM-dd'T'HH:mm:ss.SSSXX",
        description="MongoDB text log (< 4.4): time severity COMPONENT [context] msg",
    ),
)


__all__ = ["FORMATS"]
