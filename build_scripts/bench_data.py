"""Seeded log data for benchmark.py: CSV, log4j and Apache combined access logs.

Generated once per (format, rows, files, seed) under DATA/<format>/logs and reused while the
stamp next to it matches. `append_lines` grows one file by new lines of the same generator
(timestamps after the file's last one) and `restore` cuts it back, so the data stays reusable;
a marker file makes an interrupted benchmark restore the file on the next run.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

GENERATOR_VERSION = 2  # bump when the generated data changes shape
FORMATS = ("csv", "log4j", "apache")
DEFAULT_FILES = {"csv": 8, "log4j": 8, "apache": 4}
HEADER = "timestamp,level,service,ip,endpoint,message\n"
FIRST_DAY = datetime(2026, 2, 1, tzinfo=UTC)
DAYS = 14
LEVEL_WEIGHTS = {"DEBUG": 15.0, "INFO": 65.0, "WARN": 12.0, "ERROR": 7.4, "CRITICAL": 0.6}
HOUR_WEIGHTS = (2, 1, 1, 1, 1, 2, 4, 7, 10, 12, 13, 13, 12, 12, 13, 14, 14, 13, 11, 9, 7, 5, 4, 3)
SERVICES = ("api-gateway", "orders", "catalog", "search", "payments", "billing", "auth",
            "sessions", "inventory", "shipping", "notifications", "recommendations")
RESOURCES = ("orders", "products", "categories", "search", "suggest", "payments", "refunds",
             "invoices", "login", "logout", "token", "session", "stock", "shipments", "labels",
             "notifications", "recommendations", "cart", "wishlist", "reviews")
ENDPOINTS = tuple(f"/api/v1/{r}" for r in RESOURCES) + tuple(f"/api/v2/{r}" for r in RESOURCES)

# Error families. Placeholders: {n} number, {small} 1-2, {ms} duration, {ip} address, {port},
# {hex} id, {uuid}, {path}, {svc} service, {ep} endpoint — all varying, so masking must group
# them ({svc} splits a family into one error type per service, as a real upstream name would).
ERROR_TEMPLATES = (
    "Timeout after {ms} ms calling payment-provider",
    "Timeout after {ms} ms calling {svc}",
    "Connection refused to {ip}:{port}",
    "Connection reset by peer {ip}:{port}",
    "User {n} not found",
    "Order {uuid} not found",
    "NullPointerException in OrderService.java:{n}",
    "IllegalStateException in CartController.java:{n}: cart {n} already checked out",
    "Disk {path} {n}% full",
    "Cannot open {path}: Permission denied",
    "Rate limit exceeded for client {ip}, retry in {n}s",
    'Payment declined for order {uuid}: "insufficient funds" (code {n})',
    "Invalid JWT signature for session {hex}",
    'Deadlock detected on table "orders", transaction {n} rolled back',
    "Upstream {svc} returned HTTP 503 after {ms} ms",
    "Upstream {svc} returned HTTP 502 after {ms} ms",
    "Database connection pool exhausted ({n}/{n} in use)",
    "OutOfMemoryError: Java heap space in worker {n}",
    "Failed to parse JSON body at position {n}: unexpected token",
    "SSL handshake with {ip}:{port} failed: certificate expired",
    "Kafka producer send failed for topic orders-{n}, partition {n}",
    "Redis command GET session:{hex} timed out after {ms} ms",
    "Invalid state transition for shipment {uuid}: PACKED -> CREATED",
    "Template rendering failed for notification {n}: missing key 'name'",
    "Model {hex} scoring failed: feature vector length {n} != 128",
)
CRITICAL_TEMPLATES = tuple(t for t in ERROR_TEMPLATES if t.startswith(
    ("Database connection pool", "OutOfMemoryError", "Disk ", "SSL handshake")))
INFO_TEMPLATES = (
    "GET {ep} 200 in {ms} ms",
    "GET {ep} 200 in {ms} ms",
    "POST {ep} 201 in {ms} ms",
    "User {n} logged in from {ip}",
    "Order {uuid} created, total {n}.{cents} EUR",
    "Health check passed ({n} dependencies)",
)
DEBUG_TEMPLATES = (
    "Cache hit for key product:{n}",
    "Loaded {n} rows from {svc} in {ms} ms",
    'Feature flag "new-checkout" evaluated for user {n}',
)
WARN_TEMPLATES = (
    "Slow response {ms} ms on {ep}",
    "Retrying request to {svc} (attempt {small} of 3)",
    "Disk {path} {n}% full",
)
TEMPLATES = {"DEBUG": DEBUG_TEMPLATES, "INFO": INFO_TEMPLATES, "WARN": WARN_TEMPLATES,
             "ERROR": ERROR_TEMPLATES, "CRITICAL": CRITICAL_TEMPLATES}
PATHS = ("/var/lib/data", "/var/log/app", "/srv/uploads/img_{n}.png", "/tmp/export-{n}.csv")
# continuation lines after some log4j error records
STACK_TRACE = (
    "java.lang.IllegalStateException: {svc} failed\n"
    "\tat com.shop.{svc}.Handler.handle(Handler.java:42)\n"
    "\tat com.shop.core.Dispatcher.run(Dispatcher.java:118)\n"
)

# Apache combined access logs: ~5% 5xx, a long tail of clients, a few busy crawlers.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STATUS_WEIGHTS = {200: 78.0, 304: 6.0, 301: 1.5, 302: 2.0, 404: 5.0, 400: 0.9, 401: 0.8,
                  403: 0.8, 500: 2.4, 502: 1.3, 503: 1.0, 504: 0.3}
METHOD_WEIGHTS = {"GET": 89.0, "POST": 8.5, "HEAD": 1.5, "PUT": 0.7, "DELETE": 0.3}
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.5.0",
    "python-requests/2.31.0",
    "Prometheus/2.49.1",
)
AGENT_WEIGHTS = (30, 18, 8, 16, 12, 5, 3, 3, 3, 2)
APACHE_FIRST_OCTETS = (23, 31, 37, 45, 52, 66, 72, 77, 81, 88, 91, 95, 103, 109, 114, 151, 154,
                       176, 185, 188, 193, 203, 212, 217)


@dataclass(frozen=True)
class DataSpec:
    rows: int
    files: int
    seed: int
    format: str = "csv"  # "log4j": the CSV rows as plain text; "apache": access-log lines

    def stamp(self) -> dict:
        stamp = {"rows": self.rows, "files": self.files, "seed": self.seed,
                 "generator_version": GENERATOR_VERSION}
        if self.format != "csv":
            stamp["format"] = self.format
        return stamp

    @property
    def suffix(self) -> str:
        return "csv" if self.format == "csv" else "log"


# ----------------------------------------------------------------------------- CSV, log4j


class _Faker:
    """Fills message templates with seeded random parts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ips = self._ips(300)
        # A long tail of clients: a few busy ones, many quiet ones.
        self.ip_weights = [1.0 / (i + 1) ** 0.7 for i in range(len(self.ips))]

    def _ips(self, count: int) -> list[str]:
        seen: set[str] = set()
        while len(seen) < count:
            kind = self.rng.randrange(3)
            if kind == 0:
                ip = f"10.{self.rng.randrange(256)}.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"
            elif kind == 1:
                ip = f"192.168.{self.rng.randrange(256)}.{self.rng.randrange(1, 255)}"
            else:
                ip = f"203.0.113.{self.rng.randrange(1, 255)}"
            seen.add(ip)
        return sorted(seen)

    def fill(self, template: str, ip: str, endpoint: str) -> str:
        r = self.rng
        out = template
        # Replace one placeholder at a time so repeated ones ({n} ... {n}) get different values.
        while "{" in out:
            start = out.index("{")
            end = out.index("}", start)
            name = out[start + 1:end]
            if name == "n":
                value = str(r.randint(1, 99999))
            elif name == "ms":
                value = str(r.randint(50, 9000))
            elif name == "small":
                value = str(r.randint(1, 2))
            elif name == "cents":
                value = f"{r.randrange(100):02d}"
            elif name == "ip":
                value = ip if r.random() < 0.5 else f"10.0.{r.randrange(8)}.{r.randrange(1, 30)}"
            elif name == "port":
                value = r.choice(("5432", "6379", "9092", "443", "8080"))
            elif name == "hex":
                value = f"{r.getrandbits(64):016x}"
            elif name == "uuid":
                h = f"{r.getrandbits(128):032x}"
                value = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
            elif name == "path":
                value = r.choice(PATHS).replace("{n}", str(r.randint(1, 9999)))
            elif name == "svc":
                value = r.choice(SERVICES)
            elif name == "ep":
                value = endpoint
            else:
                raise KeyError(name)
            out = out[:start] + value + out[end + 1:]
        return out


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _day_stamps(rng: random.Random, rows: int) -> list[int]:
    """Sorted seconds since FIRST_DAY over DAYS days, busier in the day than at night."""
    days = [rng.randrange(DAYS) for _ in range(rows)]
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=rows)
    return sorted(d * 86400 + h * 3600 + rng.randrange(3600) for d, h in zip(days, hours))


class _DayNames(dict):
    """Day number (since FIRST_DAY) -> text, computed once per day and format."""

    def __init__(self, fmt: str) -> None:
        super().__init__()
        self.fmt = fmt

    def __missing__(self, day: int) -> str:
        d = FIRST_DAY + timedelta(days=day)
        text = (f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year}:" if self.fmt == "apache"
                else d.strftime("%Y-%m-%d"))
        self[day] = text
        return text


def _write_text_rows(out, rows: int, rng: random.Random, faker: _Faker, fmt: str,
                     stamps: list[int] | None = None) -> None:
    """CSV or log4j rows; `stamps` None = spread over DAYS days (the original data)."""
    day_names = _DayNames(fmt)
    if stamps is None:
        stamps = _day_stamps(rng, rows)
    levels = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()), k=rows)
    services = rng.choices(SERVICES, k=rows)
    ips = rng.choices(faker.ips, weights=faker.ip_weights, k=rows)
    endpoints = rng.choices(ENDPOINTS, k=rows)
    chunk: list[str] = []
    for i in range(rows):
        day, rest = divmod(stamps[i], 86400)
        hh, rest = divmod(rest, 3600)
        mm, ss = divmod(rest, 60)
        level = levels[i]
        message = faker.fill(rng.choice(TEMPLATES[level]), ips[i], endpoints[i])
        if fmt == "log4j":
            chunk.append(
                f"{day_names[day]} {hh:02d}:{mm:02d}:{ss:02d},{i % 1000:03d} {level:<5} "
                f"[worker-{i % 8}] com.shop.{services[i]} - {message} "
                f"(client {ips[i]} {endpoints[i]})\n"
            )
            if level in ("ERROR", "CRITICAL") and i % 3 == 0:
                chunk.append(STACK_TRACE.format(svc=services[i]))
        else:
            chunk.append(
                f"{day_names[day]}T{hh:02d}:{mm:02d}:{ss:02d}Z,{level},{services[i]},{ips[i]},"
                f"{endpoints[i]},{_csv_field(message)}\n"
            )
        if len(chunk) >= 20000:
            out.write("".join(chunk))
            chunk.clear()
    out.write("".join(chunk))


# ----------------------------------------------------------------------------- Apache


class _AccessFaker:
    """Pools of clients, paths, referers for access lines, with long-tailed weights."""

    def __init__(self, rng: random.Random) -> None:
        seen: set[str] = set()
        while len(seen) < 3000:
            seen.add(f"{rng.choice(APACHE_FIRST_OCTETS)}.{rng.randrange(256)}."
                     f"{rng.randrange(256)}.{rng.randrange(1, 255)}")
        self.ips = sorted(seen)
        rng.shuffle(self.ips)
        # Zipf-like: a few crawlers and offices make much of the traffic, most clients little.
        self.ip_weights = [1.0 / (i + 1) ** 1.05 for i in range(len(self.ips))]
        paths = ["/", "/cart", "/checkout", "/login", "/favicon.ico", "/robots.txt"]
        paths += [f"/static/{kind}/{name}.{rng.getrandbits(24):06x}.{kind}"
                  for kind in ("js", "css") for name in ("app", "vendor", "checkout", "theme")]
        paths += [f"/images/products/{rng.randrange(1, 99999)}.jpg" for _ in range(400)]
        paths += [f"/products/{rng.randrange(1, 99999)}" for _ in range(800)]
        paths += [f"/category/{r}" for r in RESOURCES]
        paths += [f"/search?q={r}&page={p}" for r in RESOURCES for p in range(1, 6)]
        paths += [f"{ep}/{rng.randrange(1, 9999)}" for ep in ENDPOINTS for _ in range(10)]
        self.paths = paths
        self.path_weights = [1.0 / (i + 1) ** 0.8 for i in range(len(paths))]
        self.referers = ["-"] * 6 + [f"https://shop.example.com{p}" for p in paths[:40]] + [
            "https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/"]


def _write_access_rows(out, rows: int, rng: random.Random, faker: _AccessFaker,
                       stamps: list[int] | None = None, chunk_rows: int = 50_000) -> None:
    day_names = _DayNames("apache")
    if stamps is None:
        stamps = _day_stamps(rng, rows)
    statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    methods, method_w = list(METHOD_WEIGHTS), list(METHOD_WEIGHTS.values())
    for begin in range(0, rows, chunk_rows):
        n = min(chunk_rows, rows - begin)
        ips = rng.choices(faker.ips, weights=faker.ip_weights, k=n)
        paths = rng.choices(faker.paths, weights=faker.path_weights, k=n)
        status = rng.choices(statuses, weights=status_w, k=n)
        method = rng.choices(methods, weights=method_w, k=n)
        refs = rng.choices(faker.referers, k=n)
        agents = rng.choices(AGENTS, weights=AGENT_WEIGHTS, k=n)
        lines = []
        for j in range(n):
            day, rest = divmod(stamps[begin + j], 86400)
            hh, rest = divmod(rest, 3600)
            mm, ss = divmod(rest, 60)
            st = status[j]
            size = "0" if st == 304 else str(rng.randrange(200, 60000))
            lines.append(
                f'{ips[j]} - - [{day_names[day]}{hh:02d}:{mm:02d}:{ss:02d} +0000] '
                f'"{method[j]} {paths[j]} HTTP/1.1" {st} {size} "{refs[j]}" "{agents[j]}"\n'
            )
        out.write("".join(lines))


# ----------------------------------------------------------------------------- files


def data_root(spec: DataSpec, data_dir: Path) -> Path:
    return data_dir / spec.format


def ensure_data(spec: DataSpec, data_dir: Path) -> tuple[Path, bool]:
    """The logs folder for `spec`, generated unless a previous run left the same data."""
    root = data_root(spec, data_dir)
    logs = root / "logs"
    stamp_file = root / "stamp.json"
    _restore_pending(root)
    if stamp_file.is_file() and logs.is_dir():
        try:
            if json.loads(stamp_file.read_text()) == {**spec.stamp(), "sizes": _sizes(logs)}:
                return logs, False
        except ValueError:
            pass
    shutil.rmtree(logs, ignore_errors=True)
    stamp_file.unlink(missing_ok=True)
    logs.mkdir(parents=True)
    rng = random.Random(spec.seed)
    faker = _AccessFaker(rng) if spec.format == "apache" else _Faker(rng)
    base, extra = divmod(spec.rows, spec.files)
    for i in range(spec.files):
        rows = base + (1 if i < extra else 0)
        with open(logs / f"node-{i + 1:02d}.{spec.suffix}", "w", encoding="utf-8",
                  newline="") as out:
            if spec.format == "apache":
                _write_access_rows(out, rows, rng, faker)
            else:
                if spec.format == "csv":
                    out.write(HEADER)
                _write_text_rows(out, rows, rng, faker, spec.format)
    # The stamp goes last and outside the logs folder (logdesk would read it as a log).
    stamp_file.write_text(json.dumps({**spec.stamp(), "sizes": _sizes(logs)}) + "\n")
    return logs, True


def _sizes(logs: Path) -> dict[str, int]:
    """File sizes, so that a file left grown or cut (by hand, or a crash) is noticed."""
    return {p.name: p.stat().st_size for p in sorted(logs.iterdir()) if p.is_file()}


def last_stamp(path: Path, fmt: str) -> int:
    """Seconds since FIRST_DAY of the last record in a generated file."""
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 65536))
        lines = f.read().decode("utf-8", "replace").splitlines()
    for line in reversed(lines):
        try:
            if fmt == "apache":
                text = line[line.index("[") + 1:line.index("]")]
                t = datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z")
            elif line[:4].isdigit():
                t = datetime.strptime(line[:19].replace("T", " "), "%Y-%m-%d %H:%M:%S")
                t = t.replace(tzinfo=UTC)
            else:
                continue  # a stack-trace line
        except ValueError:
            continue
        return int((t - FIRST_DAY).total_seconds())
    raise ValueError(f"no timestamp found at the end of {path}")


def append_lines(spec: DataSpec, data_dir: Path, path: Path, rows: int, seed: int) -> int:
    """Append `rows` new records to `path` (same generator and format, timestamps within the
    hour after its last one). Returns the original size; `restore` cuts the file back to it."""
    root = data_root(spec, data_dir)
    marker = root / "append-pending.json"
    if marker.is_file():  # a second append: keep the oldest size, the one to restore
        original = json.loads(marker.read_text())["size"]
    else:
        original = path.stat().st_size
        marker.write_text(json.dumps({"file": str(path), "size": original}) + "\n")
    rng = random.Random(seed)
    start = last_stamp(path, spec.format) + 1
    stamps = sorted(start + rng.randrange(3600) for _ in range(rows))
    with open(path, "a", encoding="utf-8", newline="") as out:
        if spec.format == "apache":
            _write_access_rows(out, rows, rng, _AccessFaker(random.Random(spec.seed)), stamps)
        else:
            _write_text_rows(out, rows, rng, _Faker(random.Random(spec.seed)), spec.format,
                             stamps)
    return original


def restore(spec: DataSpec, data_dir: Path) -> None:
    """Undo append_lines (no-op when nothing was appended)."""
    _restore_pending(data_root(spec, data_dir))


def _restore_pending(root: Path) -> None:
    marker = root / "append-pending.json"
    if not marker.is_file():
        return
    info = json.loads(marker.read_text())
    path = Path(info["file"])
    if path.is_file() and path.stat().st_size > info["size"]:
        with open(path, "r+b") as f:
            f.truncate(info["size"])
    marker.unlink()
