"""Built-in formats: web servers, proxies and load balancers (error logs, HAProxy, uWSGI,
AWS ELB/ALB, CloudFront, Zeek).

Patterns are in the common subset of Python re and Java regex (see formats/model.py) and start
with a literal or a narrow class wherever they can: they run on every line in Spark. Skip
patterns start with "^": Spark tests them with rlike, which finds a match anywhere in the line.

Two things the usual detection rule cannot do for these formats (formats/registry.py orders
the families; text_formats.detect_text_format scores them):
  * HAProxy lines sent through syslog, and classic ELB lines, are also lines of the core
    syslog formats, which come first and win the tie. REFINES names, per format, the core
    formats it refines: detection should let it win a tie against them.
  * CloudFront and Zeek files describe their columns in a header (`#Fields:`, `#fields`).
    header_formats(lines) returns the formats a file's head defines; detection should take
    one that fits before scoring anything else: the header knows the columns, and a looser
    format (the W3C directive's for CloudFront, the static Zeek one) may score as much or,
    on a truncated line, more.
tests/engine/formats/test_web_formats.py::hooked_detect is that detection, as a reference.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from logdesk.engine.formats.model import TextFormat

_SYSLOG_TIME = (
    r"(?:[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}"
    r"|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2}))"
)
# An access-log request line: message = the whole line, endpoint = the path without the query;
# absolute URLs (ELB/ALB) lose scheme and host. Anything else ("-", junk) is a message only.
_REQUEST = (
    r'"(?P<message>(?:[A-Z]+ (?:[a-z][a-z0-9+.-]*://[^/\s"]*)?(?P<endpoint>/[^\s?"\\]*))?'
    r'(?:[^"\\]|\\.)*)"'
)

# --------------------------------------------------------------------------- error logs

# Apache 2.2 `[Wed Oct 11 14:32:52 2000] [error] [client 1.2.3.4] msg` and 2.4
# `[Tue Mar 05 10:11:12.123456 2024] [core:error] [pid 1:tid 2] [client 1.2.3.4:5678] msg`.
# The weekday stays out of ts: Spark's parser would reject a date whose weekday disagrees, and
# its patterns cannot parse a weekday at all. trace1..trace8 are read as TRACE (mapped).
_APACHE_ERROR = (
    r"\[[A-Z][a-z]{2} (?P<ts>[A-Z][a-z]{2} \d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})? \d{4})\] "
    r"\[(?:(?P<service>[^\]:\s]+):)?"
    r"(?:(?P<level>emerg|alert|crit|error|warn|notice|info|debug)|(?P<level2>trace)[1-8])\]"
    # 2.4 writes the client with its port after [pid]; 2.2 writes it without one
    r"(?: \[pid \d+(?::tid \d+)?\](?: \[client (?P<ip>[^\]\s]+):\d+\])?"
    r"| \[client (?P<ip2>[^\]\s]+)\])?"
    r" (?P<message>.*)"
)

# nginx `2024/03/05 10:11:12 [error] 123#0: *45 msg, client: 1.2.3.4, server: x,
# request: "GET /p HTTP/1.1", ...`: the message stops before ", client:" (the rest is fields).
_NGINX_ERROR = (
    r"(?P<ts>\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) "
    r"\[(?P<level>debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+: (?:\*\d+ )?"
    r"(?P<message>.*?)"
    r"(?:, client: (?P<ip>[^,\s]+)(?:, server: (?P<service>[^,]*))?"
    r'(?:, request: "(?:[A-Z]+ (?P<endpoint>[^\s?"]+))?(?:[^"\\]|\\.)*")?.*)?$'
)

# --------------------------------------------------------------------------- HAProxy


def _hap_client(n: str) -> str:
    """`ip:port [accept date] frontend backend/server `, which starts both the HTTP and the TCP
    log line (group names suffixed by `n`: one pattern has it twice)."""
    return (
        r"(?P<ip" + n + r">[^\s\[]+):\d+ "
        r"\[(?P<ts" + n + r">\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}\.\d{3})\] "
        r"\S+ (?P<service" + n + r">[^\s/]+)/\S+ "
    )


# httplog: TR/Tw/Tc/Tr/Ta status bytes cookies(2) termination conns queues {headers} "request"
_HAP_HTTP = (
    r"(?:\+?-?\d+/){4}\+?-?\d+ (?P<status>-?\d{1,3}) \+?\d+ \S+ \S+ \S{4} "
    r"\d+/\d+/\d+/\d+/\+?\d+ \d+/\d+(?: \{[^}]*\})* " + _REQUEST
)
# tcplog: Tw/Tc/Tt bytes termination conns queues (no status: no level; the line is the message)
_HAP_TCP = r"(?:\+?-?\d+/){2}\+?-?\d+ \+?\d+ \S{2} \d+/\d+/\d+/\d+/\+?\d+ \d+/\d+(?: .*\S)?"
# Records: HTTP and TCP log lines, with a syslog prefix (any tag) or without (stdout "raw");
# besides them, haproxy's own syslog messages ("Server be/s1 is DOWN", "Proxy fe started.")
# are records too, timed by the syslog prefix and without a level. No group sits in a
# lookahead: Java keeps what a lookahead captured when the alternative around it fails.
_HAPROXY = (
    r"(?:(?:<\d{1,3}>)?" + _SYSLOG_TIME + r" [^\s:]+ [^\s:\[\]]+(?:\[\d+\])?: )?"
    r"(?:" + _hap_client("") + _HAP_HTTP + r"|(?P<message2>" + _hap_client("2") + _HAP_TCP + "))"
    r"|(?:<\d{1,3}>)?(?P<ts3>" + _SYSLOG_TIME + r") [^\s:]+ haproxy\[\d+\]: (?P<message3>.*\S)"
)

# --------------------------------------------------------------------------- uWSGI

_UWSGI = (
    r"\[pid: \d+\|app: -?\d+\|req: -?\d+/\d+\] (?P<ip>\S*) \([^)]*\) \{\d+ vars in \d+ bytes\} "
    # ctime with a space-padded day: the generic parser's ctime branch reads it
    r"\[(?P<ts>[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})\] "
    r"(?P<message>[A-Z]+ (?P<endpoint>[^\s?]*)\S*) => generated \d+ bytes in \d+ [a-z]+"
    r"(?: via [^\s(]+\(\))? \([A-Z]+/[\d.]+ (?P<status>\d{3})\)"
)

# --------------------------------------------------------------------------- AWS

# Classic ELB: time elb client:port backend:port t1 t2 t3 elb_status backend_status rx tx
# "request" ...; ALB: the same after a leading type (http, https, h2, grpcs, ws, wss). A
# timing of -1 and a backend of "-" mean the request never reached one; status "-": no answer.
_AWS_ELB = (
    r"(?:(?:https?|h2|grpcs|wss?) )?"
    r"(?P<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z) (?P<service>\S+) (?P<ip>\S+):\d+ \S+"
    r" (?:-1|[\d.]+) (?:-1|[\d.]+) (?:-1|[\d.]+) (?P<status>\d{3}|-) (?:\d{1,3}|-) \d+ \d+ "
    + _REQUEST
)

# CloudFront standard log: date time edge-location sc-bytes c-ip method host uri status ...,
# tab-separated; later layouts added columns at the end, so at least 6 more are required.
# message = "method<TAB>host<TAB>uri" (the request; the three columns are adjacent), service =
# the distribution's host. Times are UTC (read in the session time zone, UTC by default).
_CLOUDFRONT_FIELDS = (
    "date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(host)",
    "cs-uri-stem", "sc-status",
)
_CLOUDFRONT = (
    r"(?P<date>\d{4}-\d{2}-\d{2})\t(?P<time>\d{2}:\d{2}:\d{2})\t[^\t]*\t\d+\t(?P<ip>[^\t]+)\t"
    r"(?P<message>(?:[A-Z]+|-)\t(?P<service>[^\t]*)\t(?P<endpoint>[^\t]*))\t(?P<status>\d{3})"
    r"(?:\t[^\t]*){6,}$"
)
_W3C_FIELDS = re.compile(r"^#Fields:\s*(.*)$", re.IGNORECASE)

# --------------------------------------------------------------------------- Zeek

# Zeek (Bro) TSV: epoch ts first; most logs then have uid and the connection 4-tuple, whose
# originator is the ip. message = the line after ts and uid. (#path, the log's name, would be
# the natural service: no group can yield text that is not on the line.)
_ZEEK = (
    r"(?P<ts>\d{9,10}(?:\.\d{1,9})?)\t(?:(?:C[0-9A-Za-z]{8,24}|-)\t)?"
    r"(?P<message>(?:(?P<ip>[0-9A-Fa-f]*[.:][0-9A-Fa-f.:]*)\t\d+\t)?[^\t].*)"
)
_ZEEK_SKIP = r"^#"
_ZEEK_FIELD_LINE = re.compile(r"^#fields\t(.+)$")
# Zeek column -> reader group (conn/http/dns... share id.orig_h; http.log has status_code and
# uri, the endpoint)
_ZEEK_GROUPS = {"id.orig_h": "ip", "status_code": "status"}


def zeek_format(fields_directive: str) -> TextFormat:
    """The format of a Zeek TSV log from its `#fields` line (tab-separated column names, with
    or without the `#fields` prefix). The message is method, host and uri when they are
    adjacent (http.log), else every column after ts and uid/fuid."""
    m = _ZEEK_FIELD_LINE.match(fields_directive.rstrip("\r\n"))
    names = [n.strip() for n in (m.group(1) if m else fields_directive).split("\t")]
    if "ts" not in names or "" in names:
        raise ValueError(f"no ts column in Zeek directive: {fields_directive!r}")
    first, last = 0, len(names) - 1
    while first < len(names) and names[first] in ("ts", "uid", "fuid"):
        first += 1
    for i in range(len(names) - 2):
        if names[i : i + 3] == ["method", "host", "uri"]:
            first, last = i, i + 2
    if first > last:  # nothing but ts (and uid): the whole line is the message
        first, last = 0, len(names) - 1
    parts: list[str] = []
    for i, name in enumerate(names):
        if name == "ts":
            part = r"(?P<ts>\d{9,10}(?:\.\d{1,9})?)"
        elif name == "uri":  # the path: the query stays out of the endpoint
            part = r"(?P<endpoint>[^\t?]*)[^\t]*"
        elif name in _ZEEK_GROUPS:
            part = "(?P<" + _ZEEK_GROUPS[name] + r">[^\t]*)"
        else:
            part = r"[^\t]*"
        if i == first:
            part = "(?P<message>" + part
        if i == last:
            part += ")"
        parts.append(part)
    return TextFormat(
        name="zeek",
        pattern=r"\t".join(parts) + "$",
        multiline=False,
        skip=_ZEEK_SKIP,
        description="Zeek (Bro) TSV log; columns from its #fields directive",
    )


# --------------------------------------------------------------------------- the formats

CLOUDFRONT = TextFormat(
    name="cloudfront",
    pattern=_CLOUDFRONT,
    timestamp_pattern="yyyy-MM-dd HH:mm:ss",
    multiline=False,
    skip=r"^#(?:Version|Fields):",
    description="Amazon CloudFront standard access log (tab-separated, #Version/#Fields "
    "header); level from the HTTP status",
)

FORMATS: tuple[TextFormat, ...] = (
    TextFormat(
        name="apache_error",
        pattern=_APACHE_ERROR,
        timestamp_pattern="MMM d HH:mm:ss[.SSSSSS] yyyy",
        # lines a module or CGI script writes without the prefix continue the record
        description="Apache httpd error log, 2.2 ([time] [level] [client ip] msg) and 2.4 "
        "([time] [module:level] [pid p:tid t] [client ip:port] msg)",
    ),
    TextFormat(
        name="nginx_error",
        pattern=_NGINX_ERROR,
        timestamp_pattern="yyyy/MM/dd HH:mm:ss",
        # FastCGI stderr ("PHP message: ...") may span lines: they continue the record
        description="nginx error log: yyyy/MM/dd HH:mm:ss [level] pid#tid: *conn message, "
        "client: ip, server: name, request: \"...\"",
    ),
    TextFormat(
        name="haproxy",
        pattern=_HAPROXY,
        # the accept date; haproxy's own messages fall back to the generic syslog parse
        timestamp_pattern="dd/MMM/yyyy:HH:mm:ss.SSS",
        multiline=False,
        description="HAProxy HTTP/TCP log (syslog-wrapped or raw) and haproxy's syslog "
        "messages; level from the HTTP status",
    ),
    TextFormat(
        name="uwsgi",
        pattern=_UWSGI,
        multiline=False,
        description="uWSGI request log: [pid: p|app: a|req: r/n] ip () {vars} [time] METHOD uri "
        "=> generated ... (HTTP/1.1 status)",
    ),
    TextFormat(
        name="aws_elb",
        pattern=_AWS_ELB,
        timestamp_pattern="yyyy-MM-dd'T'HH:mm:ss.SSSSSSX",
        multiline=False,
        description="AWS Elastic Load Balancing access log, Classic and Application "
        "(type time elb client:port target:port ... status ... \"request\"); level from the "
        "load balancer's status",
    ),
    CLOUDFRONT,
    TextFormat(
        name="zeek",
        pattern=_ZEEK,
        multiline=False,
        skip=_ZEEK_SKIP,
        description="Zeek (Bro) TSV log: epoch ts, uid, id.orig_h as ip; # header lines",
    ),
)

# format name -> names of the core formats whose lines it also matches and refines (see the
# module docstring): it should win a tie against them.
REFINES: dict[str, tuple[str, ...]] = {
    "haproxy": ("syslog_rfc3164", "syslog_iso"),
    "aws_elb": ("syslog_iso",),  # classic ELB: "time elb ip:port ..." reads as time host tag:
}


def header_formats(lines: Sequence[str]) -> list[TextFormat]:
    """Formats that a file's own head defines (decoded head lines, as detection has them):
    a Zeek `#fields` directive's, and CloudFront's when its `#Fields:` directive is the
    standard layout. Detection should take the first that fits before scoring the others."""
    found: list[TextFormat] = []
    head = [line.rstrip("\r\n") for line in lines if line.strip()]
    zeek = next((line for line in head if _ZEEK_FIELD_LINE.match(line)), None)
    if zeek is not None:
        try:
            found.append(zeek_format(zeek))
        except ValueError:
            pass
    w3c = next((m for m in map(_W3C_FIELDS.match, head) if m), None)
    if w3c is not None:
        names = tuple(n.lower() for n in w3c.group(1).split())
        if names[: len(_CLOUDFRONT_FIELDS)] == _CLOUDFRONT_FIELDS:
            found.append(CLOUDFRONT)
    return found


__all__ = ["CLOUDFRONT", "FORMATS", "REFINES", "header_formats", "zeek_format"]
