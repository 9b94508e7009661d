"""Built-in formats: operating systems, platforms and tools (Windows CBS, the Hadoop family's
log4j layouts, Android logcat's other layouts, strace, dpkg, docker compose, Kubernetes/CRI).

Patterns are in the common subset of Python re and Java regex (see formats/model.py). Skip
patterns spell out their "^": detection matches them from a line's start, and so does the
reader (an rlike alone would search the whole line).
"""

from __future__ import annotations

from logdesk.engine.formats.apps import ANSI
from logdesk.engine.formats.model import TextFormat

_JAVA_LEVEL = r"TRACE|DEBUG|INFO|WARN|ERROR|FATAL"
_LOG4J_ISO = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}"  # log4j's %d{ISO8601}
_RFC3339 = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})"
# any ISO-like time a container's own line may start with (docker compose -t, app loggers)
_ISO_TS = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?"
_LOGCAT_LEVEL = r"[VDIWEFA]"

# The level a container's line gives itself at its start, when the format around it has none
# (docker compose, CRI, Docker's json-file): "ERROR ...", "[WARN] ...", "WARNING: ...", after an
# optional time ("2024-03-05 10:11:12,123 INFO ...") and colour codes, or klog/glog's letter
# ("E0305 10:11:12.123456 ...", what Kubernetes' own components write). Upper-case words only:
# a lower-case "error" starting a sentence is prose more often than a level.
LEVEL_WORDS = r"TRACE|DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|FATAL|CRITICAL|PANIC"
_LEAD_TS = r"(?:\[?" + _ISO_TS + r"\]? +)?"


def leading_level(group: str) -> str:
    """Zero-width: fills `group` (a level word) or `group`2 (a klog letter) when the text at
    this point starts with a level as described above, and matches empty otherwise."""
    word = (
        ANSI + _LEAD_TS + ANSI + r"\[?(?P<" + group + ">" + LEVEL_WORDS + r")(?![A-Za-z0-9_])"
    )
    klog = r"(?P<" + group + r"2>[IWEF])\d{4} \d{2}:\d{2}:\d{2}\.\d{6} "
    return "(?:(?=" + word + ")|(?=" + klog + ")|)"


# logcat's threadtime tail: "  pid  tid L tag: message"
_LOGCAT_THREADTIME = (
    r" +\d+ +\d+ (?P<level>" + _LOGCAT_LEVEL + r") (?P<service>[^:]*?) *: ?(?P<message>.*)"
)
_LOGCAT_SKIP = r"^-{9} (?:beginning of |switch to )"


def _logcat_tag(suffix: str) -> str:
    """logcat's "L/tag( pid): message" (brief and time layouts; the tag may be padded)."""
    return (
        r" ?(?P<level" + suffix + ">" + _LOGCAT_LEVEL + r")/(?P<service" + suffix
        + r">[^(]*?) *\( *\d+\): ?(?P<message" + suffix + r">.*)"
    )


# strace -f -tt [-T]: "[pid] time call(args) = result [<secs>]"; also -t (seconds), -ttt
# (epoch) and the lines strace writes between calls (unfinished/resumed, signals, exits). A
# failed call ("= -1 ENOENT (...)") is ERROR: the errno's "E" is read as the level, which the
# mapping already knows; other lines have no level (UNKNOWN). ERROR rather than WARN because a
# failed system call is the one failure strace records and what a trace is read for; routine
# probes (ENOENT while searching paths) then share a few error types. Service = the syscall.
_STRACE = (
    r"(?:\d+ +|\[pid +\d+\] )?(?P<ts>\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{10}(?:\.\d{1,6})?) "
    r"(?:(?=.*\) += -1 (?P<level>E)[A-Z0-9]+(?: |$))|)"
    r"(?P<message>(?P<service>[a-z_][a-z0-9_]*)\(.*(?:\) += |<unfinished \.\.\.>).*"
    r"|<\.\.\. (?P<service2>[a-z_][a-z0-9_]*) resumed>.*|--- .*|\+\+\+ .*)"
)

# The supercomputer logs of Sandia and LLNL (Thunderbird, Spirit, Liberty, Blue Gene/L; the
# USENIX CFDR and loghub sets): "alert epoch yyyy.mm.dd node" before the node's own line, a
# syslog line (Thunderbird: "Nov 9 12:01:01 dn228/dn228 crond[2915]: ...") or a Blue Gene RAS
# line ("2005-06-03-15.42.50.675872 R02-M1-N0 RAS KERNEL INFO ..."). The alert tag ("-" for
# none) is a label added afterwards, not the node's level: it is not read as one.
_SANDIA = (
    r"(?P<alert>-|[A-Z][A-Z0-9_]*) (?P<ts>\d{10}) \d{4}\.\d{2}\.\d{2} (?P<node>\S+) "
    r"(?:[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \S+ (?:(?P<service>[^\s:\[]+)(?:\[\d+\])?: )?"
    r"|\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.\d{6} \S+ [A-Z]+ (?P<service2>[A-Z_]+) "
    r"(?P<level>[A-Z]+) )?(?P<message>.*)"
)

FORMATS: tuple[TextFormat, ...] = (
    TextFormat(
        name="windows_cbs",
        pattern=(
            r"(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}), (?P<level>[A-Za-z]+) +"
            r"(?P<service>\S+)(?: +(?P<message>.*))?$"
        ),
        timestamp_pattern="yyyy-MM-dd HH:mm:ss",
        description="Windows CBS.log / DISM.log: yyyy-mm-dd hh:mm:ss, Level Component message",
    ),
    TextFormat(
        name="hdfs",
        pattern=(
            r"(?P<ts>\d{6} \d{6}) (?P<thread>\d+) (?P<level>" + _JAVA_LEVEL + r") +"
            r"(?P<service>[^\s:]+):(?: (?P<message>.*))?$"
        ),
        timestamp_pattern="yyMMdd HHmmss",
        description="HDFS log4j layout: yyMMdd HHmmss thread LEVEL logger: message",
    ),
    TextFormat(
        name="spark",
        pattern=(
            r"(?P<ts>\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) (?P<level>" + _JAVA_LEVEL + r") +"
            r"(?P<service>[^\s:]+):(?: (?P<message>.*))?$"
        ),
        timestamp_pattern="yy/MM/dd HH:mm:ss",
        # what spark-submit and the shells print before the first log line
        skip=(
            r"^(?:Using Spark's default log4j profile: |Setting default log level to "
            r"|To adjust logging level use )"
        ),
        description="Apache Spark's default log4j layout: yy/MM/dd HH:mm:ss LEVEL logger: "
        "message",
    ),
    TextFormat(
        name="zookeeper",
        # "%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m" (3.5+; 3.4 has no myid). The
        # thread name may hold brackets and colons: it ends at the first ":Class@line] - ".
        pattern=(
            r"(?P<ts>" + _LOG4J_ISO + r") (?:\[myid:\d*\] )?- (?P<level>" + _JAVA_LEVEL
            + r") +\[(?P<thread>.*?):(?P<service>[^:\s\[\]@]+)@\d+\] - (?P<message>.*)"
        ),
        timestamp_pattern="yyyy-MM-dd HH:mm:ss,SSS",
        description="Apache ZooKeeper: time [myid:N] - LEVEL [thread:Class@line] - message",
    ),
    TextFormat(
        name="hadoop",
        # Hadoop daemons' "%d{ISO8601} %p %c: %m". With a thread ("%p [%t] %c: %m", YARN and
        # MapReduce) the core log4j format reads the lines already.
        pattern=(
            r"(?P<ts>" + _LOG4J_ISO + r") (?P<level>" + _JAVA_LEVEL + r") +"
            r"(?P<service>[A-Za-z_$][\w$]*(?:\.[\w$]+)+):(?: (?P<message>.*))?$"
        ),
        timestamp_pattern="yyyy-MM-dd HH:mm:ss,SSS",
        description="Hadoop daemons (HDFS, YARN): yyyy-mm-dd hh:mm:ss,SSS LEVEL logger: "
        "message",
    ),
    TextFormat(
        name="logcat_brief",
        pattern=_logcat_tag(""),
        multiline=False,
        skip=_LOGCAT_SKIP,
        description="Android logcat -v brief: L/tag( pid): message (no time: every record is "
        "reported as missing one)",
    ),
    TextFormat(
        name="logcat_time",
        pattern=r"(?P<ts>\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})" + _logcat_tag(""),
        timestamp_pattern="MM-dd HH:mm:ss.SSS",
        yearless=True,
        multiline=False,
        skip=_LOGCAT_SKIP,
        description="Android logcat -v time: MM-dd HH:mm:ss.SSS L/tag( pid): message",
    ),
    TextFormat(
        name="logcat_dated",
        # -v year gives yyyy-MM-dd, -v epoch seconds since 1970 (the generic parser reads both)
        pattern=(
            r" *(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}(?:\d{3})?"
            r"|\d{9,10}\.\d{3}(?:\d{3})?)(?:" + _LOGCAT_THREADTIME + "|" + _logcat_tag("2") + ")"
        ),
        multiline=False,
        skip=_LOGCAT_SKIP,
        description="Android logcat -v threadtime or -v time with a year (-v year) or epoch "
        "seconds (-v epoch)",
    ),
    TextFormat(
        name="strace",
        pattern=_STRACE,
        # -t/-tt print a time of day only: Spark takes such a time as 1970-01-01 (there is no
        # date in the file to take); -ttt epoch times fall through to the generic parser
        timestamp_pattern="HH:mm:ss[.SSSSSS]",
        multiline=False,
        description="strace -tt/-ttt [-f] [-T]: [pid] time syscall(args) = result; a -1 "
        "errno result is ERROR",
    ),
    TextFormat(
        name="dpkg",
        pattern=(
            r"(?P<ts>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) (?P<message>(?:(?:status [a-z-]+"
            r"|install|upgrade|remove|purge|configure|trigproc) (?P<service>[^\s:]+)(?::\S+)? "
            r"|startup |conffile ).*)"
        ),
        timestamp_pattern="yyyy-MM-dd HH:mm:ss",
        multiline=False,
        description="Debian dpkg.log: time action package:arch versions (service = package; "
        "no levels)",
    ),
    TextFormat(
        name="docker_compose",
        # "name  | line", the name padded and maybe coloured; with `logs -t` the line starts
        # with its time. Lines without one are kept as "missing timestamp".
        pattern=(
            ANSI + r"(?P<service>[A-Za-z0-9][A-Za-z0-9_.-]*) +" + ANSI + r"\|" + ANSI
            + r"(?: (?P<ts>" + _ISO_TS + r")(?= |$))?(?: " + leading_level("level")
            + r"(?P<message>.*))?$"
        ),
        multiline=False,
        skip=r"^" + ANSI + r"Attaching to ",  # `docker compose up` names its containers first
        description="docker compose logs: container | [time] line (service = the container; "
        "level only when the line starts with one)",
    ),
    TextFormat(
        name="lanl_hpc",
        # Los Alamos' HPC cluster logs (loghub HPC): "id node component state epoch flag text"
        pattern=(
            r"(?P<id>\d+) (?P<node>\S+) (?P<service>\S+) (?P<state>\S+) (?P<ts>\d{10}) "
            r"(?P<flag>-?\d+)(?: (?P<message>.*))?$"
        ),
        multiline=False,
        description="LANL HPC cluster log: id node component state epoch-seconds flag message "
        "(service = the component; no levels)",
    ),
    TextFormat(
        name="sandia_hpc",
        pattern=_SANDIA,
        multiline=False,
        description="Sandia/LLNL supercomputer logs (Thunderbird, Spirit, Liberty, BGL): alert "
        "epoch-seconds date node, then the node's syslog or RAS line",
    ),
    TextFormat(
        name="cri",
        # The kubelet's container log files (containerd, CRI-O): "time stream tag message".
        # A "P" (partial) line is a piece of a long line the runtime split (at 16 KiB): the
        # pieces up to the next "F" (full) line of the same stream are one record, their texts
        # joined without a line break (the other stream's lines between them do not cut them);
        # the pieces after the first count as its continuation lines. The record's time and
        # level are its first piece's.
        pattern=(
            r"(?P<ts>" + _RFC3339 + r") (?:stdout|stderr) [FP](?::\S*)?(?: "
            + leading_level("level") + r"(?P<message>.*))?$"
        ),
        multiline=False,
        partial=r"\S+ (?:stdout|stderr) P(?::\S*)?(?: |$)",
        piece=r"\S+ (stdout|stderr) [FP](?::\S*)?(?: |$)",
        description="Kubernetes CRI container log: RFC 3339 time, stdout/stderr, F/P, line "
        "(partial P pieces joined up to their F line; level only when the line starts with one)",
    ),
)

__all__ = ["FORMATS", "LEVEL_WORDS", "leading_level"]
