"""Generate the sample log folder shipped in resources/sample_logs/ (seeded, byte-reproducible).

    python build_scripts/make_sample_logs.py            # rewrites resources/sample_logs/
    python build_scripts/make_sample_logs.py --out DIR  # somewhere else

Three days (2026-03-01 .. 2026-03-03 UTC) of application logs: CSV from ten services, written
in four differently shaped sources so that ingest has real work to do,

* api-gateway/2026-03-0{1,2,3}.csv   timestamp,level,service,ip,endpoint,message
                                     ISO time with T and Z, upper-case levels
* payments.csv                       same columns, `yyyy/MM/dd HH:mm:ss`, lower-case levels
* auth/auth.log                      a CSV with other column names and order
                                     (time,remote_addr,severity,component,path,msg),
                                     `dd/MMM/yyyy:HH:mm:ss +0000`, one-letter levels
* archive/inventory-2026-03.csv.gz   gzip-compressed, ISO time, syslog-ish level names

and, as real systems write them (their own random stream, so the CSV files above do not change
when these do):

* web/access.log                     Nginx "combined" lines; level from the HTTP status
* orders/orders-service.log          logback lines, some ERROR/FATAL records followed by Java
                                     stack traces (continuation lines)
* notifications/events.jsonl         pino JSON lines (numeric levels, epoch-ms time), one line
                                     cut off mid-object
* system/syslog                      BSD syslog (RFC 3164) without PRI: no level, no year

Error messages carry variable ids, numbers, IPs and paths so that error-type masking has
something to group; some fields need CSV quoting (commas, doubled quotes, one newline); one
hour holds an outage burst so that every default alert fires; and a handful of rows are broken
on purpose. The README written next to the files states the exact counts, computed here, so it
stays true when the generator changes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

SEED = 20260301
FIRST_DAY = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 3
BURST_START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # payment-provider outage
BURST_END = BURST_START + timedelta(hours=1)

# The alert thresholds of logdesk's default settings; the sample must trip all three.
ALERT_ERROR_RATE = 0.10
ALERT_ERROR_COUNT = 100
ALERT_CRITICAL_COUNT = 5

NORMAL_LEVELS = ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")
STANDARD_HEADER = ("timestamp", "level", "service", "ip", "endpoint", "message")
AUTH_HEADER = ("time", "remote_addr", "severity", "component", "path", "msg")

# Client addresses: documentation / private ranges only.
CLIENT_IPS: tuple[str, ...] = (
    tuple(f"10.1.{a}.{b}" for a, b in [(4, 23), (4, 57), (7, 12), (7, 88), (9, 3), (9, 141)])
    + tuple(f"10.2.{a}.{b}" for a, b in [(0, 15), (0, 77), (3, 9), (3, 200), (5, 44), (8, 8)])
    + tuple(f"10.20.{a}.{b}" for a, b in [(1, 5), (1, 6), (2, 30), (2, 31)])
    + tuple(f"192.168.{a}.{b}" for a, b in [(0, 10), (0, 11), (0, 25), (1, 100), (1, 101),
                                              (1, 102), (2, 7), (2, 50), (10, 4), (10, 5),
                                              (20, 1), (20, 2)])
    + tuple(f"203.0.113.{b}" for b in (5, 17, 23, 42, 66, 77, 88, 99, 120, 150, 201, 254))
)
ABUSIVE_IP = "203.0.113.66"  # scrapes the API and fails logins; should top the per-IP errors
DB_HOSTS = ("10.0.0.5:5432", "10.0.0.6:5432", "10.0.0.7:6379", "10.0.0.9:9092")

SERVICE_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "api-gateway": ("/api/v1/cart", "/api/v1/products", "/api/v1/search", "/api/v1/orders", "/health"),
    "orders": ("/api/v1/orders", "/api/v1/orders/checkout"),
    "catalog": ("/api/v1/products", "/api/v1/categories"),
    "search": ("/api/v1/search", "/api/v1/suggest"),
    "payments": ("/api/v1/payments", "/api/v1/payments/refund"),
    "billing": ("/api/v1/invoices",),
    "auth": ("/api/v1/login", "/api/v1/logout", "/api/v1/token/refresh"),
    "sessions": ("/api/v1/session",),
    "inventory": ("/api/v1/stock", "/internal/reindex"),
    "shipping": ("/api/v1/shipments",),
}

# Share of normalized levels in ordinary traffic (the burst adds errors on top).
LEVEL_WEIGHTS = {"DEBUG": 14.0, "INFO": 65.6, "WARN": 13.0, "ERROR": 6.8, "CRITICAL": 0.6}
# Requests per hour of day, relative (quiet nights, busy afternoons).
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 13, 12, 12, 13, 14, 14, 13, 11, 9, 7, 5, 4, 3)


# ---------------------------------------------------------------------------------------------
# Messages


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _db(rng: random.Random) -> str:
    return rng.choice(DB_HOSTS)


@dataclass(frozen=True)
class ErrorFamily:
    """One kind of error; `make` renders a message with fresh variable parts."""

    label: str  # the message with its variable parts written as <…>
    services: tuple[str, ...]
    make: Callable[[random.Random, str], str]  # (rng, client ip) -> message
    critical: bool = False


ERROR_FAMILIES: tuple[ErrorFamily, ...] = (
    ErrorFamily(
        "Timeout after <ms> ms calling payment-provider",
        ("orders", "payments", "billing"),
        lambda r, ip: f"Timeout after {r.choice((1500, 3000, 3000, 5000))} ms calling payment-provider",
    ),
    ErrorFamily(
        "Connection refused to <ip>:<port>",
        ("payments", "billing", "inventory", "catalog"),
        lambda r, ip: f"Connection refused to {_db(r)}",
    ),
    ErrorFamily(
        "User <id> not found",
        ("auth", "orders", "sessions"),
        lambda r, ip: f"User {r.randint(1000, 99999)} not found",
    ),
    ErrorFamily(
        "NullPointerException in OrderService.java:<line>",
        ("orders",),
        lambda r, ip: f"NullPointerException in OrderService.java:{r.choice((88, 88, 88, 142))}",
    ),
    ErrorFamily(
        "Disk <path> <n>% full",
        ("inventory", "search"),
        lambda r, ip: f"Disk {r.choice(('/var/lib/data', '/var/lib/data', '/srv/index'))} "
        f"{r.randint(91, 99)}% full",
    ),
    ErrorFamily(
        "Rate limit exceeded for client <ip>, retry in <n>s",
        ("api-gateway",),
        lambda r, ip: f"Rate limit exceeded for client {ip}, retry in {r.randint(5, 60)}s",
    ),
    ErrorFamily(
        'Payment declined for order <uuid>: "insufficient funds" (code <n>)',
        ("payments",),
        lambda r, ip: f'Payment declined for order {_uuid(r)}: "insufficient funds" '
        f"(code {r.choice((51, 51, 61, 65))})",
    ),
    ErrorFamily(
        "Invalid JWT signature for session <hex>",
        ("auth", "sessions"),
        lambda r, ip: f"Invalid JWT signature for session {r.getrandbits(64):016x}",
    ),
    ErrorFamily(
        'Deadlock detected on table "orders", transaction <n> rolled back',
        ("orders", "billing"),
        lambda r, ip: f'Deadlock detected on table "orders", transaction {r.randint(100000, 999999)} '
        "rolled back",
    ),
    ErrorFamily(
        "Upstream <service> returned HTTP 503 after <ms> ms",
        ("api-gateway",),
        lambda r, ip: f"Upstream {r.choice(('orders', 'catalog', 'search', 'payments'))} returned "
        f"HTTP 503 after {r.randint(800, 4000)} ms",
    ),
    ErrorFamily(
        "Cannot open <path>: Permission denied",
        ("shipping", "catalog", "inventory"),
        lambda r, ip: f"Cannot open /srv/uploads/{r.randint(1000, 9999)}/label_{r.randint(1, 999)}.pdf: "
        "Permission denied",
    ),
    ErrorFamily(
        "Database connection pool exhausted (<n>/<n> in use)",
        ("payments", "orders", "billing"),
        lambda r, ip: "Database connection pool exhausted (50/50 in use)",
        critical=True,
    ),
    ErrorFamily(
        "OutOfMemoryError: Java heap space in worker <n>",
        ("search", "inventory", "catalog"),
        lambda r, ip: f"OutOfMemoryError: Java heap space in worker {r.randint(1, 8)}",
        critical=True,
    ),
)
FAMILY_BY_LABEL = {f.label: f for f in ERROR_FAMILIES}


def _ok_message(rng: random.Random, level: str, service: str, ip: str, endpoint: str) -> str:
    """A non-error message for DEBUG/INFO/WARN rows."""
    if level == "DEBUG":
        return rng.choice((
            lambda: f"Cache hit for key product:{rng.randint(1, 5000)}",
            lambda: f"Loaded {rng.randint(1, 500)} rows from {service} in {rng.randint(1, 80)} ms",
            lambda: f'Feature flag "new-checkout" evaluated to {rng.choice(("true", "false"))} '
            f"for user {rng.randint(1000, 99999)}",
            lambda: f"Request headers parsed, {rng.randint(8, 30)} entries",
        ))()
    if level == "INFO":
        method = "POST" if endpoint.endswith(("checkout", "login", "payments", "refund")) else "GET"
        return rng.choice((
            lambda: f"{method} {endpoint} 200 in {rng.randint(3, 400)} ms",
            lambda: f"{method} {endpoint} 200 in {rng.randint(3, 400)} ms",
            lambda: f"{method} {endpoint} 200 in {rng.randint(3, 400)} ms",
            lambda: f"Order {_uuid(rng)} created, total {rng.randint(5, 900)}.{rng.randint(0, 99):02d} EUR",
            lambda: f"User {rng.randint(1000, 99999)} logged in from {ip}",
            lambda: f"Health check passed ({rng.randint(2, 9)} dependencies)",
        ))()
    return rng.choice((
        lambda: f"Slow response {rng.randint(1200, 6000)} ms on {endpoint}",
        lambda: f"Retrying request to {rng.choice(('orders', 'catalog', 'payments'))} "
        f"(attempt {rng.randint(1, 2)} of 3)",
        lambda: f'Deprecated header "X-Client-Version" used by {ip}',
        lambda: f"Disk /var/lib/data {rng.randint(70, 89)}% full",
    ))()


# ---------------------------------------------------------------------------------------------
# Sources


@dataclass(frozen=True)
class Source:
    path: str  # relative to the output folder
    header: tuple[str, ...]
    time_format: Callable[[datetime], str]
    spellings: dict[str, tuple[str, ...]]  # normalized level -> raw spellings used
    services: tuple[str, ...]
    days: tuple[int, ...]  # day offsets from FIRST_DAY covered by the file
    rows: int  # ordinary rows (before burst rows and broken rows)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slashed(t: datetime) -> str:
    return t.strftime("%Y/%m/%d %H:%M:%S")


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _access_log(t: datetime) -> str:
    # Spelled out rather than strftime('%b') so the locale cannot change it.
    return f"{t.day:02d}/{_MONTHS[t.month - 1]}/{t.year}:{t:%H:%M:%S} +0000"


_UPPER = {lv: (lv,) for lv in NORMAL_LEVELS}
SOURCES: tuple[Source, ...] = tuple(
    Source(f"api-gateway/2026-03-0{d + 1}.csv", STANDARD_HEADER, _iso,
           {**_UPPER, "WARN": ("WARN", "WARN", "WARN", "WARNING")},
           ("api-gateway", "api-gateway", "orders", "catalog", "search"), (d,), 600)
    for d in range(DAYS)
) + (
    Source("payments.csv", STANDARD_HEADER, _slashed,
           {"DEBUG": ("debug",), "INFO": ("info",), "WARN": ("warning", "warn"),
            "ERROR": ("error",), "CRITICAL": ("fatal",)},
           ("payments", "payments", "billing"), (0, 1, 2), 640),
    Source("auth/auth.log", AUTH_HEADER, _access_log,
           {"DEBUG": ("D",), "INFO": ("I", "I", "I", "NOTICE"), "WARN": ("W",),
            "ERROR": ("E", "E", "ERR"), "CRITICAL": ("F",)},
           ("auth", "auth", "sessions"), (0, 1, 2), 720),
    Source("archive/inventory-2026-03.csv.gz", STANDARD_HEADER, _iso,
           {"DEBUG": ("TRACE", "DEBUG"), "INFO": ("INFO",), "WARN": ("WARNING",),
            "ERROR": ("ERROR", "SEVERE"), "CRITICAL": ("CRIT",)},
           ("inventory", "inventory", "shipping"), (0, 1, 2), 520),
)

# Raw levels that no mapping knows: these rows are parsed, with level UNKNOWN.
UNMAPPABLE_LEVELS = (("auth/auth.log", "CONFIG"), ("auth/auth.log", "CONFIG"), ("auth/auth.log", "AUDIT"))

# Rows broken on purpose: (file, reason, how to break a normal row). Positions are drawn below.
BROKEN_ROWS: tuple[tuple[str, str], ...] = (
    ("api-gateway/2026-03-01.csv", "too many fields (unquoted comma in the message)"),
    ("api-gateway/2026-03-02.csv", "timestamp 'N/A'"),
    ("api-gateway/2026-03-03.csv", "empty message"),
    ("payments.csv", "timestamp 'N/A'"),
    ("payments.csv", "too few fields (line cut after the ip)"),
    ("auth/auth.log", "timestamp '-'"),
    ("auth/auth.log", "empty message"),
    ("archive/inventory-2026-03.csv.gz", "timestamp 'N/A'"),
)

# Burst rows per file during the outage hour: (file, normalized level, family label, count).
BURST: tuple[tuple[str, str, str, int], ...] = (
    ("api-gateway/2026-03-02.csv", "ERROR", "Timeout after <ms> ms calling payment-provider", 48),
    ("api-gateway/2026-03-02.csv", "ERROR", "Upstream <service> returned HTTP 503 after <ms> ms", 40),
    ("api-gateway/2026-03-02.csv", "CRITICAL", "Database connection pool exhausted (<n>/<n> in use)", 4),
    ("payments.csv", "ERROR", "Connection refused to <ip>:<port>", 52),
    ("payments.csv", "ERROR", "Timeout after <ms> ms calling payment-provider", 30),
    ("payments.csv", "CRITICAL", "Database connection pool exhausted (<n>/<n> in use)", 8),
)


# ---------------------------------------------------------------------------------------------
# Generation


@dataclass
class Row:
    t: datetime
    level: str  # normalized (or UNKNOWN)
    raw_level: str
    service: str
    ip: str
    endpoint: str
    message: str
    family: str = ""  # error family label, for error rows
    broken: str = ""  # why this row is malformed on purpose, else ""


@dataclass
class FileStats:
    path: str
    header: tuple[str, ...]
    time_style: str
    records: int = 0
    physical_lines: int = 0  # including the header
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    multiline: list[int] = field(default_factory=list)  # lines where a multi-line record starts
    quoted_records: int = 0
    raw_levels: Counter = field(default_factory=Counter)


@dataclass
class SampleStats:
    files: list[FileStats]  # the CSV files
    levels: Counter  # normalized level -> parsed rows
    families: Counter  # error family label -> error rows
    services: Counter
    ips: Counter
    endpoints: Counter
    burst_rows: int
    burst_errors: int
    burst_critical: int
    first: datetime
    last: datetime
    text_files: list = field(default_factory=list)  # TextFileStats: plain-text and JSON lines

    @property
    def all_files(self) -> list:
        return [*self.files, *self.text_files]

    @property
    def records(self) -> int:
        """Parsed records plus malformed records/lines."""
        return sum(f.records for f in self.all_files)

    @property
    def malformed(self) -> int:
        return sum(len(f.malformed) for f in self.all_files)

    @property
    def continuation_lines(self) -> int:
        return sum(f.continuation_lines for f in self.text_files)

    @property
    def data_lines(self) -> int:
        """Lines as logdesk's ingest report counts them: a CSV record is one data line (even
        one spanning two physical lines); a text file's every non-blank line is one."""
        return sum(f.records for f in self.files) + sum(f.data_lines for f in self.text_files)

    @property
    def critical(self) -> int:
        return self.levels["CRITICAL"]

    @property
    def parsed(self) -> int:
        return self.records - self.malformed

    @property
    def errors(self) -> int:
        return self.levels["ERROR"] + self.levels["CRITICAL"]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _moment(rng: random.Random, day: int) -> datetime:
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    return FIRST_DAY + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))


def _client_weights() -> list[float]:
    # A few heavy clients, a long tail; the abusive one is busy.
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(CLIENT_IPS))]
    weights[CLIENT_IPS.index(ABUSIVE_IP)] = 0.5
    return weights


def _make_row(rng: random.Random, src: Source, t: datetime, level: str, client_w: list[float],
              family_label: str = "") -> Row:
    ip = rng.choices(CLIENT_IPS, weights=client_w)[0]
    if level in ("ERROR", "CRITICAL"):
        if family_label:
            family = FAMILY_BY_LABEL[family_label]
            service = rng.choice([s for s in src.services if s in family.services] or src.services)
        else:
            service = rng.choice(src.services)
            if service in ("api-gateway", "auth") and rng.random() < 0.35:
                ip = ABUSIVE_IP
            candidates = [f for f in ERROR_FAMILIES
                          if service in f.services and f.critical == (level == "CRITICAL")]
            if not candidates:  # no critical family for this service: use any of its families
                candidates = [f for f in ERROR_FAMILIES if service in f.services]
            family = rng.choice(candidates)
        message = family.make(rng, ip)
        label = family.label
    else:
        service = rng.choice(src.services)
        label = ""
        message = ""
    endpoint = rng.choice(SERVICE_ENDPOINTS[service])
    if not message:
        message = _ok_message(rng, level, service, ip, endpoint)
    raw_level = rng.choice(src.spellings[level])
    return Row(t, level, raw_level, service, ip, endpoint, message, label)


def _rows_for(rng: random.Random, src: Source, client_w: list[float]) -> list[Row]:
    rows = []
    for _ in range(src.rows):
        t = _moment(rng, rng.choice(src.days))
        rows.append(_make_row(rng, src, t, _weighted(rng, LEVEL_WEIGHTS), client_w))
    for path, level, label, count in BURST:
        if path != src.path:
            continue
        for _ in range(count):
            t = BURST_START + timedelta(seconds=rng.randrange(3600))
            rows.append(_make_row(rng, src, t, level, client_w, label))
    # Unmappable levels: ordinary INFO-ish rows whose level word nobody maps.
    for path, word in UNMAPPABLE_LEVELS:
        if path == src.path:
            t = _moment(rng, rng.choice(src.days))
            row = _make_row(rng, src, t, "INFO", client_w)
            row.level, row.raw_level = "UNKNOWN", word
            rows.append(row)
    rows.sort(key=lambda r: (r.t, r.service, r.message))
    return rows


def _add_multiline(rows: list[Row]) -> None:
    """Give the first NullPointerException a stack trace: one field with an embedded newline."""
    for row in rows:
        if row.family.startswith("NullPointerException"):
            row.message += "\n    at com.shop.orders.OrderService.place(OrderService.java:88)"
            return
    raise AssertionError("no NullPointerException row to carry the multi-line message")


def _break_rows(rng: random.Random, src: Source, rows: list[Row]) -> None:
    """Insert this file's deliberately malformed rows at seeded positions."""
    for path, reason in BROKEN_ROWS:
        if path != src.path:
            continue
        at = rng.randrange(len(rows) // 5, len(rows) * 4 // 5)
        base = rows[at]
        row = Row(base.t, base.level, base.raw_level, base.service, base.ip, base.endpoint,
                  base.message, base.family, broken=reason)
        if reason.startswith("too many fields"):
            row.level, row.raw_level, row.family = "INFO", src.spellings["INFO"][0], ""
            row.message = "Cart updated, 3 items"  # written without quotes below
        elif reason == "empty message":
            row.message = ""
        rows.insert(at + 1, row)


def _cells(src: Source, row: Row) -> list[str]:
    stamp = src.time_format(row.t)
    if row.broken == "timestamp 'N/A'":
        stamp = "N/A"
    elif row.broken == "timestamp '-'":
        stamp = "-"
    values = {
        "timestamp": stamp, "time": stamp,
        "level": row.raw_level, "severity": row.raw_level,
        "service": row.service, "component": row.service,
        "ip": row.ip, "remote_addr": row.ip,
        "endpoint": row.endpoint, "path": row.endpoint,
        "message": row.message, "msg": row.message,
    }
    return [values[name] for name in src.header]


def _render(src: Source, rows: list[Row], stats: FileStats) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(src.header)
    line = 2
    for row in rows:
        cells = _cells(src, row)
        if row.broken.startswith("too many fields"):
            text = ",".join(cells) + "\n"  # the comma in the message is not quoted
        elif row.broken.startswith("too few fields"):
            text = ",".join(cells[:4]) + "\n"
        else:
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(cells)
            text = buf.getvalue()
        out.write(text)
        span = text.count("\n")
        stats.records += 1
        if row.broken:
            stats.malformed.append((line, row.broken))
        else:
            stats.raw_levels[row.raw_level] += 1
        if span > 1:
            stats.multiline.append(line)
        if '"' in text:
            stats.quoted_records += 1
        line += span
    stats.physical_lines = line - 1
    return out.getvalue()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    if path.suffix == ".gz":
        buf = io.BytesIO()
        # mtime=0 and no file name in the header: the same input gives the same bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
            gz.write(data)
        data = buf.getvalue()
    path.write_bytes(data)


_TIME_STYLES = {_iso: "2026-03-01T08:15:02Z", _slashed: "2026/03/01 08:15:02",
                _access_log: "01/Mar/2026:08:15:02 +0000"}


# ---------------------------------------------------------------------------------------------
# Plain-text and JSON-lines sources, as real systems write them: an Nginx access log, a Java
# service log with stack traces, pino JSON lines and a BSD syslog. They reuse the row model
# above (clients, services, error families, the outage hour) but draw from their own random
# stream, so the CSV files stay byte-identical when these change.

TEXT_STREAM = "text-sources"

ACCESS_LOG = "web/access.log"
ORDERS_LOG = "orders/orders-service.log"
EVENTS_LOG = "notifications/events.jsonl"
SYSLOG = "system/syslog"

# --- Nginx "combined" access log: level from the status (5xx ERROR, 4xx WARN, else INFO)
ACCESS_ROWS = 560
ACCESS_BURST_ERRORS = 45  # checkout and payment calls answered 502/503/504 in the outage hour
ACCESS_LEVEL_WEIGHTS = {"INFO": 87.0, "WARN": 8.5, "ERROR": 4.5}
ACCESS_STATUSES = {
    "INFO": (200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 301, 304, 304),
    "WARN": (400, 401, 403, 404, 404, 404),
    "ERROR": (500, 502, 503, 503, 504),
}
ACCESS_ERROR_FAMILY = '"<METHOD> <path> HTTP/1.1" answered 5xx (access log request line)'
USER_AGENTS = (
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3 Safari/605.1.15"),
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.3 Mobile/15E148 Safari/604.1"),
    "okhttp/4.12.0",
    "curl/8.5.0",
)
REFERERS = ("-", "-", "https://shop.example.com/", "https://shop.example.com/cart",
            "https://shop.example.com/search")

# --- log4j/logback service log of the orders service; FATAL is CRITICAL
ORDERS_ROWS = 300
ORDERS_SPELLINGS = {"DEBUG": "DEBUG", "INFO": "INFO", "WARN": "WARN", "ERROR": "ERROR",
                    "CRITICAL": "FATAL"}
ORDERS_BURST: tuple[tuple[str, str, int], ...] = (
    ("ERROR", "Timeout after <ms> ms calling payment-provider", 24),
    ("CRITICAL", "Database connection pool exhausted (<n>/<n> in use)", 3),
)
# The logger (what the log calls the service) of each error family; others log from these two.
ORDERS_LOGGERS = {
    "Timeout after <ms> ms calling payment-provider": "com.shop.orders.client.PaymentClient",
    "Database connection pool exhausted (<n>/<n> in use)": "com.zaxxer.hikari.pool.HikariPool",
}
ORDERS_DEFAULT_LOGGERS = ("com.shop.orders.OrderService", "com.shop.orders.OrderService",
                          "com.shop.orders.CheckoutController")

# --- pino JSON lines of the notifications service
EVENTS_ROWS = 220
PINO_LEVELS = {"DEBUG": (10, 20, 20), "INFO": (30,), "WARN": (40,), "ERROR": (50,), "CRITICAL": (60,)}
PINO_NAMES = {10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL"}
NOTIFY_ENDPOINTS = ("/api/v1/notify", "/api/v1/notify", "/api/v1/notify/batch")
NOTIFY_FAMILIES: tuple[ErrorFamily, ...] = (
    ErrorFamily(
        "SMTP relay <host> rejected mail for user <id>: 451 4.7.1 try again later",
        ("notifications",),
        lambda r, ip: f"SMTP relay smtp-{r.randint(1, 3)}.mail.internal rejected mail for user "
        f"{r.randint(1000, 99999)}: 451 4.7.1 try again later",
    ),
    ErrorFamily(
        "Push delivery failed for device <hex>: token expired",
        ("notifications",),
        lambda r, ip: f"Push delivery failed for device {r.getrandbits(48):012x}: token expired",
    ),
    FAMILY_BY_LABEL["Connection refused to <ip>:<port>"],
    ErrorFamily(
        "Queue <name> unreachable, <n> notifications dropped",
        ("notifications",),
        lambda r, ip: f"Queue notify-{r.choice(('email', 'push'))} unreachable, "
        f"{r.randint(20, 400)} notifications dropped",
        critical=True,
    ),
)
EVENTS_BROKEN = "invalid JSON (line cut off mid-object)"

# --- BSD syslog (RFC 3164) without <PRI>: no level at all, so UNKNOWN
SYSLOG_LINES = 50
SYSLOG_HOSTS = ("web-01", "web-01", "web-02")
SYSLOG_BOOT = datetime(2026, 2, 20, 6, 12, tzinfo=UTC)  # kernel lines count seconds since then


@dataclass
class TextFileStats:
    """One plain-text or JSON-lines file. data_lines == parsed + continuation_lines + malformed."""

    path: str
    format: str  # the format name logdesk's ingest report should give it
    time_style: str
    data_lines: int = 0  # non-blank lines
    parsed: int = 0  # records (their first lines)
    continuation_lines: int = 0  # stack-trace lines folded into the record above them
    malformed: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    raw_levels: Counter = field(default_factory=Counter)

    @property
    def records(self) -> int:
        """Records plus malformed lines, as CSV FileStats.records counts them."""
        return self.parsed + len(self.malformed)


@dataclass
class TextEntry:
    """A row and the physical lines it is written as (more than one: a stack trace follows)."""

    row: Row
    lines: list[str]


def _access_endpoints() -> list[tuple[str, str]]:
    return [(s, e) for s, eps in SERVICE_ENDPOINTS.items() for e in eps
            if not e.startswith("/internal")]


def _access_entry(rng: random.Random, t: datetime, level: str, client_w: list[float],
                  endpoint: str | None = None) -> TextEntry:
    ip = rng.choices(CLIENT_IPS, weights=client_w)[0]
    if endpoint is None:
        _, endpoint = rng.choice(_access_endpoints())
    status = rng.choice(ACCESS_STATUSES[level])
    if level == "WARN" and rng.random() < 0.4:  # the abusive client: failed logins, rate limits
        ip, endpoint = ABUSIVE_IP, rng.choice(("/api/v1/login", "/api/v1/search"))
        status = 401 if endpoint == "/api/v1/login" else 429
    method = "POST" if endpoint.endswith(("checkout", "login", "payments", "refund")) else "GET"
    query = {
        "/api/v1/orders": lambda: f"?id={rng.randint(1, 9999)}",
        "/api/v1/search": lambda: "?q=" + rng.choice(("shoes", "red+dress", "usb-c", "lamp")),
        "/api/v1/products": lambda: f"?page={rng.randint(1, 40)}",
    }.get(endpoint)
    path = endpoint + (query() if query and rng.random() < 0.6 else "")
    request = f"{method} {path} HTTP/1.1"
    size = 0 if status in (204, 304) else rng.randint(150, 600) if status >= 400 else \
        rng.randint(300, 25000)
    stamp = t.replace(microsecond=0)
    line = (f'{ip} - - [{_access_log(stamp)}] "{request}" {status} {size} '
            f'"{rng.choice(REFERERS)}" "{rng.choice(USER_AGENTS)}"')
    row = Row(t, level, str(status), "", ip, endpoint, request,
              ACCESS_ERROR_FAMILY if level == "ERROR" else "")
    return TextEntry(row, [line])


def _access_entries(rng: random.Random, client_w: list[float]) -> list[TextEntry]:
    entries = [
        _access_entry(rng, _moment(rng, rng.randrange(DAYS)), _weighted(rng, ACCESS_LEVEL_WEIGHTS),
                      client_w)
        for _ in range(ACCESS_ROWS)
    ]
    for _ in range(ACCESS_BURST_ERRORS):
        t = BURST_START + timedelta(seconds=rng.randrange(3600))
        endpoint = rng.choice(("/api/v1/orders/checkout", "/api/v1/payments", "/api/v1/payments"))
        entries.append(_access_entry(rng, t, "ERROR", client_w, endpoint))
    return entries


def _orders_trace(rng: random.Random, label: str) -> list[str]:
    """A Java stack trace for an orders error, or none ("User not found" is logged without)."""
    more = f"\t... {rng.randint(40, 120)} more"
    if label.startswith("Timeout"):
        if rng.random() < 0.5:
            return []
        return [
            ("org.springframework.web.client.ResourceAccessException: I/O error on POST request "
            'for "https://payment-provider.example/v2/charges": Read timed out'),
            "\tat org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:915)",
            "\tat com.shop.orders.client.PaymentClient.charge(PaymentClient.java:57)",
            "\tat com.shop.orders.OrderService.place(OrderService.java:131)",
            "\tat com.shop.orders.CheckoutController.checkout(CheckoutController.java:44)",
            "Caused by: java.net.SocketTimeoutException: Read timed out",
            "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
            "\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)",
            more,
        ]
    if label.startswith("NullPointerException"):
        return [
            ('java.lang.NullPointerException: Cannot invoke "com.shop.orders.Address.getCountry()" '
            'because "order.shipping" is null'),
            "\tat com.shop.orders.OrderService.place(OrderService.java:88)",
            "\tat com.shop.orders.CheckoutController.checkout(CheckoutController.java:44)",
            "\tat jdk.internal.reflect.GeneratedMethodAccessor211.invoke(Unknown Source)",
            more,
        ]
    if label.startswith("Deadlock"):
        return [
            "java.lang.IllegalStateException: Transaction rolled back: could not execute statement",
            "\tat com.shop.orders.OrderRepository.save(OrderRepository.java:39)",
            "\tat com.shop.orders.OrderService.place(OrderService.java:127)",
            "Caused by: org.postgresql.util.PSQLException: ERROR: deadlock detected",
            ("\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse"
            "(QueryExecutorImpl.java:2713)"),
            more,
        ]
    if label.startswith("Database connection pool"):
        return [
            ("java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, "
            f"request timed out after 30000ms (total=50, active=50, idle=0, waiting={rng.randint(3, 40)})"),
            "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
            "\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
            "\tat com.shop.orders.OrderRepository.save(OrderRepository.java:39)",
            "Caused by: java.net.ConnectException: Connection refused",
            "\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)",
            more,
        ]
    return []


def _orders_entry(rng: random.Random, t: datetime, level: str, client_w: list[float],
                  family_label: str = "") -> TextEntry:
    ip = rng.choices(CLIENT_IPS, weights=client_w)[0]
    endpoint = rng.choice(SERVICE_ENDPOINTS["orders"])
    trace: list[str] = []
    if level in ("ERROR", "CRITICAL"):
        if not family_label:
            family_label = rng.choice([f.label for f in ERROR_FAMILIES if "orders" in f.services
                                       and f.critical == (level == "CRITICAL")])
        message = FAMILY_BY_LABEL[family_label].make(rng, ip)
        logger = ORDERS_LOGGERS.get(family_label, "com.shop.orders.OrderService")
        trace = _orders_trace(rng, family_label)
    else:
        message = _ok_message(rng, level, "orders", ip, endpoint)
        logger = rng.choice(ORDERS_DEFAULT_LOGGERS)
    thread = (f"http-nio-8080-exec-{rng.randint(1, 10)}" if rng.random() < 0.9
              else "scheduling-1")
    t = t + timedelta(milliseconds=rng.randrange(1000))
    raw = ORDERS_SPELLINGS[level]
    first = (f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} {raw:<5} [{thread}] "
             f"{logger} - {message}")
    # The reader's record: service = logger, no ip or endpoint; the trace joins the message.
    row = Row(t, level, raw, logger, "", "", "\n".join([message, *trace]), family_label)
    return TextEntry(row, [first, *trace])


def _orders_entries(rng: random.Random, client_w: list[float]) -> list[TextEntry]:
    entries = [
        _orders_entry(rng, _moment(rng, rng.randrange(DAYS)), _weighted(rng, LEVEL_WEIGHTS),
                      client_w)
        for _ in range(ORDERS_ROWS)
    ]
    for level, label, count in ORDERS_BURST:
        for _ in range(count):
            t = BURST_START + timedelta(seconds=rng.randrange(3600))
            entries.append(_orders_entry(rng, t, level, client_w, label))
    return entries


def _notification_message(rng: random.Random, level: str) -> str:
    if level == "DEBUG":
        return rng.choice((
            lambda: f"Rendered template order-confirmation ({rng.choice(('de-DE', 'en-GB', 'fr-FR'))}) "
            f"in {rng.randint(2, 60)} ms",
            lambda: f"Loaded {rng.randint(1, 50)} device tokens for user {rng.randint(1000, 99999)}",
        ))()
    if level == "INFO":
        return rng.choice((
            lambda: f"Sent order confirmation for order {_uuid(rng)} to user {rng.randint(1000, 99999)}",
            lambda: f"Push notification delivered to device {rng.getrandbits(48):012x} "
            f"in {rng.randint(20, 900)} ms",
            lambda: f"POST /api/v1/notify 202 in {rng.randint(3, 200)} ms",
        ))()
    return rng.choice((
        lambda: f"Retrying SMTP delivery for user {rng.randint(1000, 99999)} "
        f"(attempt {rng.randint(2, 4)} of 5)",
        lambda: f"Slow response {rng.randint(1200, 6000)} ms on /api/v1/notify",
    ))()


def _events_entry(rng: random.Random, t: datetime, level: str, client_w: list[float]) -> TextEntry:
    ip = rng.choices(CLIENT_IPS, weights=client_w)[0]
    endpoint = rng.choice(NOTIFY_ENDPOINTS)
    family_label = ""
    if level in ("ERROR", "CRITICAL"):
        family = rng.choice([f for f in NOTIFY_FAMILIES if f.critical == (level == "CRITICAL")])
        message, family_label = family.make(rng, ip), family.label
    else:
        message = _notification_message(rng, level)
    number = rng.choice(PINO_LEVELS[level])
    t = t + timedelta(milliseconds=rng.randrange(1000))
    epoch_ms = int((t - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(milliseconds=1))
    record = {"level": number, "time": epoch_ms, "pid": 4242, "hostname": "notif-1",
              "service": "notifications", "msg": message, "req": {"ip": ip, "path": endpoint}}
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    row = Row(t, level, str(number), "notifications", ip, endpoint, message, family_label)
    return TextEntry(row, [line])


def _events_entries(rng: random.Random, client_w: list[float]) -> list[TextEntry]:
    entries = [
        _events_entry(rng, _moment(rng, rng.randrange(DAYS)), _weighted(rng, LEVEL_WEIGHTS),
                      client_w)
        for _ in range(EVENTS_ROWS)
    ]
    # the queue goes away once: pino's level 60, which ordinary traffic is too small to draw
    entries.append(_events_entry(rng, _moment(rng, rng.randrange(DAYS)), "CRITICAL", client_w))
    return entries


def _syslog_time(t: datetime) -> str:
    return f"{_MONTHS[t.month - 1]} {t.day:>2} {t:%H:%M:%S}"


def _syslog_entry(rng: random.Random, t: datetime) -> TextEntry:
    host = rng.choice(SYSLOG_HOSTS)
    pid = rng.randint(1000, 32000)
    kind = rng.choices(("failed", "accepted", "cron", "systemd", "ufw"),
                       weights=(18, 5, 12, 8, 7))[0]
    if kind == "failed":
        ip = rng.choice((ABUSIVE_IP, ABUSIVE_IP, ABUSIVE_IP, "203.0.113.201"))
        user = rng.choice(("admin", "root", "test", "oracle"))
        tag, message = f"sshd[{pid}]", (f"Failed password for invalid user {user} from {ip} "
                                         f"port {rng.randint(30000, 65000)} ssh2")
    elif kind == "accepted":
        tag, message = f"sshd[{pid}]", (f"Accepted publickey for deploy from "
                                         f"{rng.choice(('10.20.1.5', '10.20.1.6'))} port "
                                         f"{rng.randint(30000, 65000)} ssh2: ED25519 SHA256:"
                                         f"{rng.getrandbits(128):032x}")
    elif kind == "cron":
        tag, message = f"CRON[{pid}]", rng.choice((
            "(root) CMD (/usr/local/bin/rotate-logs.sh)",
            "(www-data) CMD (php /srv/shop/bin/console cache:prune)",
        ))
    elif kind == "systemd":
        tag, message = "systemd[1]", rng.choice((
            f"Started Session {rng.randint(10, 900)} of User deploy.",
            "logrotate.service: Succeeded.",
            "Starting Daily apt download activities...",
        ))
    else:
        tag = "kernel"
        uptime = (t - SYSLOG_BOOT).total_seconds()
        message = (f"[{uptime:.0f}.{rng.randint(0, 999999):06d}] [UFW BLOCK] IN=eth0 "
                   f"OUT= SRC={ABUSIVE_IP} DST=10.0.0.5 LEN=60 PROTO=TCP "
                   f"SPT={rng.randint(30000, 65000)} DPT=22")
    line = f"{_syslog_time(t)} {host} {tag}: {message}"
    service = tag.split("[", 1)[0]
    return TextEntry(Row(t, "UNKNOWN", "", service, "", "", message), [line])


def _syslog_entries(rng: random.Random) -> list[TextEntry]:
    return [_syslog_entry(rng, _moment(rng, rng.randrange(DAYS))) for _ in range(SYSLOG_LINES)]


def _break_events(rng: random.Random, entries: list[TextEntry]) -> None:
    """One JSON line cut off in the middle (a writer killed mid-line)."""
    at = rng.randrange(len(entries) // 5, len(entries) * 4 // 5)
    base = entries[at]
    line = base.lines[0][: len(base.lines[0]) // 2]
    broken = Row(base.row.t, base.row.level, base.row.raw_level, base.row.service, base.row.ip,
                 base.row.endpoint, base.row.message, base.row.family, broken=EVENTS_BROKEN)
    entries.insert(at + 1, TextEntry(broken, [line]))


def _render_text(entries: list[TextEntry], stats: TextFileStats) -> str:
    out: list[str] = []
    for entry in entries:
        line = len(out) + 1
        out.extend(entry.lines)
        stats.data_lines += len(entry.lines)
        if entry.row.broken:
            stats.malformed.append((line, entry.row.broken))
            continue
        stats.parsed += 1
        stats.continuation_lines += len(entry.lines) - 1
        stats.raw_levels[entry.row.raw_level or "(none)"] += 1
    return "".join(f"{line}\n" for line in out)


def _sorted(entries: list[TextEntry]) -> list[TextEntry]:
    return sorted(entries, key=lambda e: (e.row.t, e.lines[0]))


# (path, format name in the ingest report, time style)
TEXT_SOURCES: tuple[tuple[str, str, str], ...] = (
    (ACCESS_LOG, "apache_combined", "01/Mar/2026:08:15:02 +0000"),
    (ORDERS_LOG, "log4j", "2026-03-01 08:15:02,345"),
    (EVENTS_LOG, "jsonl", "1772352902345 (epoch ms)"),
    (SYSLOG, "syslog_rfc3164", "Mar  1 08:15:02 (no year)"),
)


def _text_entries(seed: int, client_w: list[float]) -> dict[str, list[TextEntry]]:
    rng = random.Random(f"{seed}-{TEXT_STREAM}")
    made = {
        ACCESS_LOG: _sorted(_access_entries(rng, client_w)),
        ORDERS_LOG: _sorted(_orders_entries(rng, client_w)),
        EVENTS_LOG: _sorted(_events_entries(rng, client_w)),
        SYSLOG: _sorted(_syslog_entries(rng)),
    }
    _break_events(rng, made[EVENTS_LOG])
    return made


def _expected_level(path: str, raw_level: str) -> str:
    """The level logdesk gives a text record of `path` with this raw level."""
    from logdesk.settings import DEFAULT_LEVEL_MAPPING

    if path == ACCESS_LOG:
        status = int(raw_level)
        return "ERROR" if status >= 500 else "WARN" if status >= 400 else "INFO"
    if path == EVENTS_LOG:
        raw_level = PINO_NAMES[int(raw_level)]
    return DEFAULT_LEVEL_MAPPING.get(raw_level.strip().upper(), "UNKNOWN")


def generate(out_dir: Path, seed: int = SEED) -> SampleStats:
    """Write the sample folder (log files + README.md) into `out_dir`; return what was written."""
    rng = random.Random(seed)
    client_w = _client_weights()
    all_rows: list[Row] = []
    file_stats: list[FileStats] = []
    per_source = [(src, _rows_for(rng, src, client_w)) for src in SOURCES]
    _add_multiline(next(rows for src, rows in per_source if src.path.endswith("03-01.csv")))
    for src, rows in per_source:
        _break_rows(rng, src, rows)
        stats = FileStats(src.path, src.header, _TIME_STYLES[src.time_format])
        _write(out_dir / src.path, _render(src, rows, stats))
        file_stats.append(stats)
        all_rows.extend(rows)
    csv_good = [r for r in all_rows if not r.broken]
    text_stats: list[TextFileStats] = []
    text_entries = _text_entries(seed, client_w)
    for path, fmt, time_style in TEXT_SOURCES:
        entries = text_entries[path]
        stats = TextFileStats(path, fmt, time_style)
        _write(out_dir / path, _render_text(entries, stats))
        text_stats.append(stats)
        all_rows.extend(e.row for e in entries)
        _check_text_levels(path, [e.row for e in entries if not e.row.broken])

    good = [r for r in all_rows if not r.broken]
    burst = [r for r in good if BURST_START <= r.t < BURST_END]
    result = SampleStats(
        files=file_stats,
        levels=Counter(r.level for r in good),
        families=Counter(r.family for r in good if r.family),
        services=Counter(r.service for r in good if r.service),
        ips=Counter(r.ip for r in good if r.ip),
        endpoints=Counter(r.endpoint for r in good if r.endpoint),
        burst_rows=len(burst),
        burst_errors=sum(r.level in ("ERROR", "CRITICAL") for r in burst),
        burst_critical=sum(r.level == "CRITICAL" for r in burst),
        first=min(r.t for r in good),
        last=max(r.t for r in good),
        text_files=text_stats,
    )
    _check(result, csv_good)
    (out_dir / "README.md").write_text(_readme(result, seed), encoding="utf-8")
    return result


def _check(stats: SampleStats, csv_good: list[Row]) -> None:
    """The promises the README makes; fail loudly when a change to the generator breaks one."""
    from logdesk.settings import DEFAULT_LEVEL_MAPPING

    for row in csv_good:
        mapped = DEFAULT_LEVEL_MAPPING.get(row.raw_level.strip().upper(), "UNKNOWN")
        assert mapped == row.level, f"level {row.raw_level!r} maps to {mapped}, not {row.level}"
    assert stats.levels["UNKNOWN"] == len(UNMAPPABLE_LEVELS) + SYSLOG_LINES, "unknown level count"
    assert stats.errors / stats.parsed > ALERT_ERROR_RATE, "overall error rate must trip the alert"
    assert stats.burst_errors / stats.burst_rows > ALERT_ERROR_RATE
    assert stats.burst_errors > ALERT_ERROR_COUNT and stats.burst_critical >= ALERT_CRITICAL_COUNT
    assert 5 <= stats.malformed <= 10
    assert sum(len(f.multiline) for f in stats.files) == 1
    for f in stats.text_files:
        assert f.data_lines == f.parsed + f.continuation_lines + len(f.malformed), f.path


def _check_text_levels(path: str, rows: list[Row]) -> None:
    for row in rows:
        expected = _expected_level(path, row.raw_level) if row.raw_level else "UNKNOWN"
        assert expected == row.level, f"{path}: {row.raw_level!r} gives {expected}, not {row.level}"


def fired_alerts(stats: SampleStats) -> list[tuple[str, str, str]]:
    """(rule, severity, value) of the default alerts over the whole sample, as
    logdesk.analysis.alerts rules them: rate and count fire strictly above the threshold and are
    critical above twice it; the CRITICAL rule fires from its threshold on."""
    fired = []
    rate = stats.errors / stats.parsed
    if rate > ALERT_ERROR_RATE:
        severity = "critical" if rate > 2 * ALERT_ERROR_RATE else "warning"
        fired.append(("high_error_rate", severity, f"{100 * rate:.2f} %"))
    if stats.errors > ALERT_ERROR_COUNT:
        severity = "critical" if stats.errors > 2 * ALERT_ERROR_COUNT else "warning"
        fired.append(("high_error_count", severity, f"{stats.errors} errors"))
    if stats.critical >= ALERT_CRITICAL_COUNT:
        fired.append(("critical_errors", "critical", f"{stats.critical} CRITICAL"))
    return fired


def _readme(s: SampleStats, seed: int) -> str:
    def pct(a: int, b: int) -> str:
        return f"{100.0 * a / b:.1f}%"

    text_only = [f for f in s.text_files if f.format != "jsonl"]
    lines = [
        "# Sample logs",
        "",
        (f"Generated by `build_scripts/make_sample_logs.py` (seed {seed}); do not edit by hand "
         "— rerun the script, which also rewrites this file."),
        "Running it twice gives byte-identical files.",
        "",
        (f"Three days of made-up shop traffic, {s.first:%Y-%m-%d %H:%M:%S} to "
         f"{s.last:%Y-%m-%d %H:%M:%S} UTC, in {len(s.all_files)} files: {len(s.files)} CSV, "
         f"{len(text_only)} plain-text logs in standard formats and "
         f"{len(s.text_files) - len(text_only)} JSON-lines log. "
         f"{s.parsed} records parse, {s.malformed} records or lines are malformed on purpose, "
         f"and {s.continuation_lines} stack-trace lines belong to the records above them."),
        "Addresses are private or documentation ranges (10.x, 192.168.x, 203.0.113.x).",
        "",
        "## Totals, as logdesk's ingest report counts them",
        "",
        "| files | data lines | records | continuation lines | malformed |",
        "|---:|---:|---:|---:|---:|",
        (f"| {len(s.all_files)} | {s.data_lines} | {s.parsed} | {s.continuation_lines} | "
         f"{s.malformed} |"),
        "",
        ("Data lines = records + continuation lines + malformed. A CSV record is one data line, "
         "even the one whose quoted message spans two physical lines; header and blank lines "
         "are not data lines."),
        "",
        "## CSV files",
        "",
        "| file | columns | time style | records | physical lines | malformed |",
        "|---|---|---|---:|---:|---:|",
    ]
    for f in s.files:
        lines.append(
            f"| `{f.path}` | `{','.join(f.header)}` | `{f.time_style}` | {f.records} | "
            f"{f.physical_lines} | {len(f.malformed)} |"
        )
    lines += [
        "",
        ("Records here include the malformed ones; physical lines include the header line. "
         "Level spellings per file:"),
        "",
    ]
    for f in s.files:
        spelled = ", ".join(f"`{raw}` {n}" for raw, n in sorted(f.raw_levels.items()))
        lines.append(f"- `{f.path}`: {spelled}")
    lines += [
        "",
        "## Plain-text and JSON-lines files",
        "",
        "| file | format | time style | data lines | records | continuation lines | malformed |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for f in s.text_files:
        lines.append(
            f"| `{f.path}` | {f.format} | `{f.time_style}` | {f.data_lines} | {f.parsed} | "
            f"{f.continuation_lines} | {len(f.malformed)} |"
        )
    lines += [
        "",
        "Raw levels per file (the status code, the pino number, the log4j word):",
        "",
    ]
    for f in s.text_files:
        spelled = ", ".join(f"`{raw}` {n}" for raw, n in sorted(f.raw_levels.items()))
        lines.append(f"- `{f.path}`: {spelled}")
    lines += [
        "",
        "What each one is:",
        "",
        (f"- `{ACCESS_LOG}`: Nginx `combined` lines; the level comes from the status (5xx "
         "ERROR, 4xx WARN, else INFO), the endpoint is the request path without its query, the "
         "message is the request line; no service."),
        (f"- `{ORDERS_LOG}`: logback lines `yyyy-MM-dd HH:mm:ss,SSS LEVEL [thread] logger - "
         "message`; the logger is the service; FATAL is CRITICAL. Some ERROR and FATAL records "
         "are followed by a Java stack trace (`Caused by:`, `\\tat ...`, `\\t... N more`), "
         "which continues their message."),
        (f"- `{EVENTS_LOG}`: pino JSON lines, numeric levels (10 TRACE, 20 DEBUG, 30 INFO, "
         "40 WARN, 50 ERROR, 60 FATAL), `time` in epoch milliseconds, client ip and path nested "
         "in `req` (`req.ip`, `req.path`)."),
        (f"- `{SYSLOG}`: BSD syslog (RFC 3164) without `<PRI>`, so it has no level: all "
         f"{SYSLOG_LINES} records are UNKNOWN, honestly. The service is the tag (`sshd`, `CRON`, "
         "`systemd`, `kernel`). Its times have no year: logdesk takes the year from the file's "
         "modification time (rolling back a year for times after it), so these records are in "
         "2026 only while the file is dated in 2026 or early 2027 — a checkout made later puts "
         "them a year later and widens the time span."),
        "",
        "## Parsed records",
        "",
        f"{s.parsed} records, by level after mapping with the default level mapping:",
        "",
        "| level | records | share |",
        "|---|---:|---:|",
    ]
    for lv in (*NORMAL_LEVELS, "UNKNOWN"):
        lines.append(f"| {lv} | {s.levels[lv]} | {pct(s.levels[lv], s.parsed)} |")
    lines += [
        "",
        f"Errors (ERROR + CRITICAL): {s.errors} of {s.parsed} = {pct(s.errors, s.parsed)}.",
        "UNKNOWN records are parsed, not malformed: "
        f"{len(UNMAPPABLE_LEVELS)} carry level words no mapping knows ("
        + ", ".join(sorted({w for _, w in UNMAPPABLE_LEVELS}))
        + f"), {SYSLOG_LINES} are the syslog lines, which have no level.",
        "",
        (f"In the data: {len(s.services)} services (as the files name them: CSV service "
         f"columns, Java loggers, syslog tags; the access log has none), {len(s.ips)} client "
         f"IPs, {len(s.endpoints)} endpoints (the JSON lines keep theirs nested in `req`; the "
         "Java log and syslog have none)."),
        f"Busiest error IP: `{ABUSIVE_IP}` (rate limits, failed logins).",
        "",
        "## Error families",
        "",
        ("Messages differ in ids, numbers, IPs and paths; error-type masking should group each "
         "family (a family may split where a fixed word differs, e.g. the disk path). A Java "
         "record's family is its first line; its stack trace follows in the message."),
        "",
        "| family | records |",
        "|---|---:|",
    ]
    for label, n in sorted(s.families.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| `{label}` | {n} |")
    lines += [
        "",
        "## Outage burst",
        "",
        (f"{BURST_START:%Y-%m-%d %H:%M} to {BURST_END:%H:%M} UTC, the payment provider is "
         f"down: {s.burst_rows} records, {s.burst_errors} errors "
         f"({pct(s.burst_errors, s.burst_rows)}), {s.burst_critical} CRITICAL."),
        "",
        "## Alerts",
        "",
        ("With the default thresholds (error rate > 10%, more than 100 errors, at least 5 "
         "CRITICAL) these alerts fire for the whole sample (and, as the burst shows, for that "
         "hour alone too):"),
        "",
        "| rule | severity | value |",
        "|---|---|---|",
        *(f"| {rule} | {severity} | {value} |" for rule, severity, value in fired_alerts(s)),
        "",
        "## On purpose",
        "",
        ("Malformed records and lines (line = physical line where the record starts; a CSV "
         "header is line 1):"),
        "",
        "| file | line | what is wrong |",
        "|---|---:|---|",
    ]
    for f in s.all_files:
        for line, reason in f.malformed:
            lines.append(f"| `{f.path}` | {line} | {reason} |")
    multi = [(f.path, ln) for f in s.files for ln in f.multiline]
    lines += [
        "",
        "Other quirks a reader must handle (these records are valid):",
        "",
        (f"- {sum(f.quoted_records for f in s.files)} CSV records need quoting (commas or "
         "doubled quotes in the message)."),
        *(f"- `{p}` line {ln}: a quoted message with an embedded newline (one record, two "
          "lines)." for p, ln in multi),
        ("- Level words in upper, lower and one-letter case (`warning`, `E`, `fatal`, `CRIT`, "
         "`SEVERE`, `TRACE`, `NOTICE`)."),
        "- `auth/auth.log` is CSV despite its name, with its own column names and order.",
        "- `archive/inventory-2026-03.csv.gz` is gzip-compressed.",
        (f"- `{ORDERS_LOG}`: {s.continuation_lines} stack-trace lines, each folded into the "
         "record that starts above it."),
        f"- `{SYSLOG}` has no file extension.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=repo / "resources" / "sample_logs")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(repo))  # logdesk.settings, when run from a plain checkout
    stats = generate(args.out, args.seed)
    print(f"wrote {args.out}: {stats.parsed} records in {len(stats.all_files)} files, "
          f"{stats.malformed} malformed on purpose, {stats.continuation_lines} continuation "
          f"lines, {stats.errors} errors "
          f"({stats.burst_errors} in the burst hour)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
