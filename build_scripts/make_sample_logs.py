"""Generate the sample log folder shipped in resources/sample_logs/ (seeded, byte-reproducible).

    python build_scripts/make_sample_logs.py            # rewrites resources/sample_logs/
    python build_scripts/make_sample_logs.py --out DIR  # somewhere else

Three days (2026-03-01 .. 2026-03-03 UTC) of CSV application logs from ten services, written
in four differently shaped sources so that ingest has real work to do:

* api-gateway/2026-03-0{1,2,3}.csv   timestamp,level,service,ip,endpoint,message
                                     ISO time with T and Z, upper-case levels
* payments.csv                       same columns, `yyyy/MM/dd HH:mm:ss`, lower-case levels
* auth/auth.log                      a CSV with other column names and order
                                     (time,remote_addr,severity,component,path,msg),
                                     `dd/MMM/yyyy:HH:mm:ss +0000`, one-letter levels
* archive/inventory-2026-03.csv.gz   gzip-compressed, ISO time, syslog-ish level names

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
UNMAPPABLE_LEVELS = (("auth/auth.log", "NOTE"), ("auth/auth.log", "NOTE"), ("auth/auth.log", "AUDIT"))

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
    files: list[FileStats]
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

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def malformed(self) -> int:
        return sum(len(f.malformed) for f in self.files)

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

    good = [r for r in all_rows if not r.broken]
    burst = [r for r in good if BURST_START <= r.t < BURST_END]
    result = SampleStats(
        files=file_stats,
        levels=Counter(r.level for r in good),
        families=Counter(r.family for r in good if r.family),
        services=Counter(r.service for r in good),
        ips=Counter(r.ip for r in good),
        endpoints=Counter(r.endpoint for r in good),
        burst_rows=len(burst),
        burst_errors=sum(r.level in ("ERROR", "CRITICAL") for r in burst),
        burst_critical=sum(r.level == "CRITICAL" for r in burst),
        first=min(r.t for r in good),
        last=max(r.t for r in good),
    )
    _check(result, good)
    (out_dir / "README.md").write_text(_readme(result, seed), encoding="utf-8")
    return result


def _check(stats: SampleStats, good: list[Row]) -> None:
    """The promises the README makes; fail loudly when a change to the generator breaks one."""
    from logdesk.settings import DEFAULT_LEVEL_MAPPING

    for row in good:
        mapped = DEFAULT_LEVEL_MAPPING.get(row.raw_level.strip().upper(), "UNKNOWN")
        assert mapped == row.level, f"level {row.raw_level!r} maps to {mapped}, not {row.level}"
    assert stats.levels["UNKNOWN"] == len(UNMAPPABLE_LEVELS), "unmappable level count"
    assert stats.errors / stats.parsed > ALERT_ERROR_RATE, "overall error rate must trip the alert"
    assert stats.burst_errors / stats.burst_rows > ALERT_ERROR_RATE
    assert stats.burst_errors > ALERT_ERROR_COUNT and stats.burst_critical >= ALERT_CRITICAL_COUNT
    assert 5 <= stats.malformed <= 10
    assert sum(len(f.multiline) for f in stats.files) == 1


def _readme(s: SampleStats, seed: int) -> str:
    def pct(a: int, b: int) -> str:
        return f"{100.0 * a / b:.1f}%"

    lines = [
        "# Sample logs",
        "",
        (f"Generated by `build_scripts/make_sample_logs.py` (seed {seed}); do not edit by hand "
         "— rerun the script, which also rewrites this file."),
        "Running it twice gives byte-identical files.",
        "",
        (f"Three days of made-up shop traffic, {s.first:%Y-%m-%d %H:%M:%S} to "
         f"{s.last:%Y-%m-%d %H:%M:%S} UTC: {s.records} records in {len(s.files)} files, "
         f"{s.parsed} parseable and {s.malformed} malformed on purpose."),
        "Addresses are private or documentation ranges (10.x, 192.168.x, 203.0.113.x).",
        "",
        "## Files",
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
        "Physical lines include the header line. Level spellings per file:",
        "",
    ]
    for f in s.files:
        spelled = ", ".join(f"`{raw}` {n}" for raw, n in sorted(f.raw_levels.items()))
        lines.append(f"- `{f.path}`: {spelled}")
    lines += [
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
        "UNKNOWN rows carry level words no mapping knows ("
        + ", ".join(sorted({w for _, w in UNMAPPABLE_LEVELS}))
        + "); they are parsed, not malformed.",
        "",
        f"{len(s.services)} services, {len(s.ips)} client IPs, {len(s.endpoints)} endpoints.",
        f"Busiest error IP: `{ABUSIVE_IP}` (rate limits, failed logins).",
        "",
        "## Error families",
        "",
        ("Messages differ in ids, numbers, IPs and paths; error-type masking should group each "
         "family (a family may split where a fixed word differs, e.g. the disk path)."),
        "",
        "| family | records |",
        "|---|---:|",
    ]
    for label, n in sorted(s.families.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"| `{label}` | {n} |")
    lines += [
        "",
        "## Outage burst (alerts)",
        "",
        (f"{BURST_START:%Y-%m-%d %H:%M} to {BURST_END:%H:%M} UTC, the payment provider is "
         f"down: {s.burst_rows} records, {s.burst_errors} errors "
         f"({pct(s.burst_errors, s.burst_rows)}), {s.burst_critical} CRITICAL."),
        ("With the default thresholds (error rate > 10%, more than 100 errors, at least 5 "
         "CRITICAL) all three alerts fire, both for that hour and for the whole sample."),
        "",
        "## On purpose",
        "",
        "Malformed records (line = physical line where the record starts, header is line 1):",
        "",
        "| file | line | what is wrong |",
        "|---|---:|---|",
    ]
    for f in s.files:
        for line, reason in f.malformed:
            lines.append(f"| `{f.path}` | {line} | {reason} |")
    multi = [(f.path, ln) for f in s.files for ln in f.multiline]
    lines += [
        "",
        "Other quirks a reader must handle (these records are valid):",
        "",
        (f"- {sum(f.quoted_records for f in s.files)} records need CSV quoting (commas or "
         "doubled quotes in the message)."),
        *(f"- `{p}` line {ln}: a quoted message with an embedded newline (one record, two "
          "lines)." for p, ln in multi),
        ("- Level words in upper, lower and one-letter case (`warning`, `E`, `fatal`, `CRIT`, "
         "`SEVERE`, `TRACE`, `NOTICE`)."),
        "- `auth/auth.log` is CSV despite its name, with its own column names and order.",
        "- `archive/inventory-2026-03.csv.gz` is gzip-compressed.",
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
    print(f"wrote {args.out}: {stats.records} records in {len(stats.files)} files, "
          f"{stats.malformed} malformed on purpose, {stats.errors} errors "
          f"({stats.burst_errors} in the burst hour)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
