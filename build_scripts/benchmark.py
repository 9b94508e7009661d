"""How fast is logdesk, and what does Spark cost? A rerunnable benchmark on seeded data.

    python build_scripts/benchmark.py --rows 1000000            # defaults: 8 files, local[*]
    python build_scripts/benchmark.py --rows 5000000 --data /big/disk/bench

It generates N synthetic CSV log rows (reused on the next run when N, files and seed match;
`--format log4j` writes the same rows as plain-text log4j lines, a third of the errors followed
by a 3-line stack trace, to compare plain-text throughput with CSV), then measures:

  (a) `python -m logdesk process DATA --out TMP` in a subprocess: what a user waits for,
      Spark start-up included;
  (b) the same work through the engine API in a fresh process whose Spark session is started
      first, so start-up and processing are timed apart; peak RSS of the driver JVM (polled
      from /proc every 100 ms) and of the Python process;
  (c) the latency of a filter change: summarize() of the run's cube with a level filter and
      with a date range (median of 20), plus the cube's size;
  (d) the same aggregates with DuckDB over the same CSV files (optional: pip install .[bench]).

Every Spark process gets a private config and cache folder under --data, so the user's
settings and cache are neither used nor touched.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 2  # bump when the generated data changes shape
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
PATHS = ("/var/lib/data", "/var/log/app", "/srv/uploads/img_{n}.png", "/tmp/export-{n}.csv")

# Filter-change latency is the median of this many summarize() calls.
FILTER_REPEATS = 20


# ----------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DataSpec:
    rows: int
    files: int
    seed: int
    format: str = "csv"  # or "log4j": the same rows as plain text, some errors with a stack trace

    def stamp(self) -> dict:
        stamp = {"rows": self.rows, "files": self.files, "seed": self.seed,
                 "generator_version": GENERATOR_VERSION}
        if self.format != "csv":
            stamp["format"] = self.format
        return stamp


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


# continuation lines after some log4j error records
STACK_TRACE = (
    "java.lang.IllegalStateException: {svc} failed\n"
    "\tat com.shop.{svc}.Handler.handle(Handler.java:42)\n"
    "\tat com.shop.core.Dispatcher.run(Dispatcher.java:118)\n"
)


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _write_file(path: Path, rows: int, rng: random.Random, faker: _Faker,
                fmt: str = "csv") -> None:
    day_names = [(FIRST_DAY + timedelta(days=d)).strftime("%Y-%m-%d") for d in range(DAYS)]
    days = [rng.randrange(DAYS) for _ in range(rows)]
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=rows)
    stamps = sorted(d * 86400 + h * 3600 + rng.randrange(3600) for d, h in zip(days, hours))
    levels = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()), k=rows)
    services = rng.choices(SERVICES, k=rows)
    ips = rng.choices(faker.ips, weights=faker.ip_weights, k=rows)
    endpoints = rng.choices(ENDPOINTS, k=rows)
    templates = {"DEBUG": DEBUG_TEMPLATES, "INFO": INFO_TEMPLATES, "WARN": WARN_TEMPLATES,
                 "ERROR": ERROR_TEMPLATES, "CRITICAL": CRITICAL_TEMPLATES}
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            out.write(HEADER)
        chunk: list[str] = []
        for i in range(rows):
            s = stamps[i]
            day, rest = divmod(s, 86400)
            hh, rest = divmod(rest, 3600)
            mm, ss = divmod(rest, 60)
            level = levels[i]
            message = faker.fill(rng.choice(templates[level]), ips[i], endpoints[i])
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


def ensure_data(spec: DataSpec, data_dir: Path) -> tuple[Path, bool]:
    """The logs folder for `spec`, generated unless a previous run left the same data."""
    logs = data_dir / "logs"
    stamp_file = data_dir / "stamp.json"
    if stamp_file.is_file() and logs.is_dir():
        try:
            if json.loads(stamp_file.read_text()) == spec.stamp():
                return logs, False
        except ValueError:
            pass
    shutil.rmtree(logs, ignore_errors=True)
    stamp_file.unlink(missing_ok=True)
    logs.mkdir(parents=True)
    rng = random.Random(spec.seed)
    faker = _Faker(rng)
    base, extra = divmod(spec.rows, spec.files)
    for i in range(spec.files):
        suffix = "csv" if spec.format == "csv" else "log"
        _write_file(logs / f"node-{i + 1:02d}.{suffix}", base + (1 if i < extra else 0), rng,
                    faker, spec.format)
    # The stamp goes last and outside the logs folder (logdesk would read it as a log).
    stamp_file.write_text(json.dumps(spec.stamp()) + "\n")
    return logs, True


# ----------------------------------------------------------------------------- memory


class PeakRss:
    """Polls /proc every 100 ms for the peak resident memory of a process and of the Java
    processes below it (the Spark driver JVM is a child of the Python process)."""

    def __init__(self, root_pid: int, interval: float = 0.1) -> None:
        self.root_pid = root_pid
        self.interval = interval
        self.root_kb = 0
        self.java_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self.available = Path("/proc/self/status").exists()

    def __enter__(self) -> Self:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()

    def _poll(self) -> None:
        while True:
            self.root_kb = max(self.root_kb, _rss_kb(self.root_pid))
            for pid in _descendants(self.root_pid):
                if _is_java(pid):
                    self.java_kb = max(self.java_kb, _rss_kb(pid))
            if self._stop.wait(self.interval):
                return


def _rss_kb(pid: int) -> int:
    """Peak (VmHWM) or else current (VmRSS) resident size in kB; 0 when gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            found[key] = int(value.split()[0])
    return found.get("VmHWM", found.get("VmRSS", 0))


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _is_java(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "java"
    except OSError:
        return False


def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f} MB" if kb else "n/a"


# ----------------------------------------------------------------------------- (a) CLI


def private_env(data_dir: Path, master: str, driver_memory: str) -> dict[str, str]:
    """Environment for Spark processes: own config file (master, memory) and own cache."""
    config_dir = data_dir / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.yaml").write_text(
        f'spark:\n  master: "{master}"\n  driver_memory: "{driver_memory}"\n', encoding="utf-8"
    )
    env = dict(os.environ)
    env["LOGDESK_CONFIG_DIR"] = str(config_dir)
    env["LOGDESK_CACHE_DIR"] = str(data_dir / "cache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def measure_cli(logs: Path, out: Path, env: dict[str, str]) -> dict:
    cmd = [sys.executable, "-m", "logdesk", "process", str(logs), "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakRss(proc.pid) as peak:
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{stdout}\n{stderr}")
    return {"seconds": seconds, "python_kb": peak.root_kb, "java_kb": peak.java_kb,
            "stdout": stdout}


# ----------------------------------------------------------------------------- (b)+(c) engine


def measure_engine_in_child(logs: Path, out: Path, env: dict[str, str], warm_runs: int) -> dict:
    """Run measure_engine() in a fresh Python process, so its memory peaks are its own."""
    result_file = out / "engine-result.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--engine-child", str(logs),
           "--out", str(out), "--result", str(result_file), "--warm-runs", str(warm_runs)]
    proc = subprocess.Popen(cmd, env=env)
    with PeakRss(proc.pid) as peak:
        proc.wait()
    if proc.returncode != 0:
        raise SystemExit(f"engine measurement failed ({proc.returncode})")
    result = json.loads(result_file.read_text())
    result["java_kb"] = peak.java_kb
    result["python_hwm_kb"] = peak.root_kb
    return result


def measure_engine(logs: Path, out: Path, warm_runs: int) -> dict:
    """(b) and (c), in this process. Settings come from the private config file."""
    from logdesk.analysis.alerts import evaluate_alerts
    from logdesk.analysis.summarize import summarize
    from logdesk.config_loader import load_settings
    from logdesk.engine.pipeline import run_pipeline
    from logdesk.engine.session import create_session, stop_session
    from logdesk.reports.writer import write_reports
    from logdesk.results import RecordFilter

    settings = load_settings()
    result: dict = {"master": settings.spark.master, "driver_memory": settings.spark.driver_memory}
    t = time.perf_counter()
    spark = create_session(settings.spark, settings.time_zone, app_name="logdesk-benchmark")
    result["session_start_s"] = time.perf_counter() - t
    try:
        runs = []
        for i in range(1 + warm_runs):
            t = time.perf_counter()
            run = run_pipeline(spark, logs, settings)
            runs.append({"pipeline_s": time.perf_counter() - t, "stages": dict(run.stage_seconds)})
        result["runs"] = runs
    finally:
        stop_session(spark)

    t = time.perf_counter()
    analytics = summarize(run.cube, RecordFilter(), settings.analytics)
    alerts = evaluate_alerts(analytics, settings.alerts)
    report_dir = out / "engine-reports"
    write_reports(run, analytics, alerts, report_dir, settings)
    result["summarize_alerts_reports_s"] = time.perf_counter() - t

    result["parsed_rows"] = run.ingest.parsed_rows
    result["malformed_rows"] = run.ingest.malformed_rows
    result["total"] = analytics.total
    result["errors"] = analytics.errors
    result["by_level"] = dict(analytics.by_level)
    result["alerts"] = [a.rule for a in alerts]
    result["bucket_seconds"] = run.cube.bucket_seconds
    result["fact_rows"] = {"levels": len(run.cube.levels),
                           **{name: len(table) for name, table in run.cube.dims.items()}}
    result["error_types"] = len(analytics.errors_by_type)

    # (c) what a filter change in the window costs: no Spark, only the cube
    first, last = analytics.first_seen, analytics.last_seen
    middle = first + (last - first) / 2
    filters = {
        "levels={ERROR}": RecordFilter(levels=frozenset({"ERROR"})),
        "3-day date range": RecordFilter(start=middle, end=middle + timedelta(days=3)),
    }
    latency = {}
    for name, record_filter in filters.items():
        times = []
        for _ in range(FILTER_REPEATS):
            t = time.perf_counter()
            summarize(run.cube, record_filter, settings.analytics)
            times.append(time.perf_counter() - t)
        latency[name] = statistics.median(times)
    result["filter_latency_s"] = latency
    result["python_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


# ----------------------------------------------------------------------------- (d) DuckDB


def measure_duckdb(logs: Path, bucket_seconds: int) -> dict | str:
    """The cube's aggregates with DuckDB: read and normalize into a table (as logdesk stages
    its Parquet copy), then one grouping-sets query over (bucket, level[, dimension])."""
    try:
        import duckdb
    except ImportError:
        return "DuckDB not installed (pip install .[bench]); column skipped"
    from logdesk.settings import DEFAULT_LEVEL_MAPPING

    files = sorted(str(p) for p in logs.glob("*.csv"))
    level_case = " ".join(
        f"WHEN '{raw}' THEN '{level}'" for raw, level in sorted(DEFAULT_LEVEL_MAPPING.items())
    )
    # Roughly logdesk's error-type masking: ids, addresses, paths and numbers become tokens.
    masked = "message"
    for pattern, token in (
        (r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "<uuid>"),
        (r"\d{1,3}(\.\d{1,3}){3}(:\d+)?", "<ip>"),
        (r"(/[\w.-]+)+", "<path>"),
        (r"\b[0-9a-fA-F]{12,}\b", "<hex>"),
        (r"\d+", "<n>"),
    ):
        masked = f"regexp_replace({masked}, '{pattern}', '{token}', 'g')"
    b = int(bucket_seconds)
    con = duckdb.connect()
    t = time.perf_counter()
    con.execute(f"""
        CREATE TABLE recs AS
        SELECT ts, lvl AS level, service, ip, endpoint, message,
               CASE WHEN lvl IN ('ERROR', 'CRITICAL') THEN {masked} END AS error_type
        FROM (
            SELECT try_strptime("timestamp", '%Y-%m-%dT%H:%M:%SZ') AS ts,
                   CASE upper(trim(level)) {level_case} ELSE 'UNKNOWN' END AS lvl,
                   service, ip, endpoint, message
            FROM read_csv({files!r}, header = true, quote = '"', escape = '"', auto_detect = false,
                          columns = {{'timestamp': 'VARCHAR', 'level': 'VARCHAR',
                                      'service': 'VARCHAR', 'ip': 'VARCHAR',
                                      'endpoint': 'VARCHAR', 'message': 'VARCHAR'}})
        )
    """)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    facts = con.execute(f"""
        SELECT gid, count(*) AS n
        FROM (
            SELECT CAST(floor(epoch(ts) / {b}) * {b} AS BIGINT) AS bucket, level, error_type,
                   ip, service, endpoint, grouping(error_type, ip, service, endpoint) AS gid,
                   count(*) AS c, min(ts) AS first, max(ts) AS last
            FROM recs
            GROUP BY GROUPING SETS ((bucket, level), (bucket, level, error_type),
                                    (bucket, level, ip), (bucket, level, service),
                                    (bucket, level, endpoint))
            -- like logdesk's cube, the error-type table holds error records only
            HAVING NOT (grouping(error_type) = 0 AND error_type IS NULL)
        )
        GROUP BY gid ORDER BY gid
    """).fetchall()
    top = con.execute("""
        SELECT error_type, count(*) AS n, min(ts), max(ts), min(message)
        FROM recs WHERE error_type IS NOT NULL
        GROUP BY error_type ORDER BY n DESC, error_type LIMIT 10
    """).fetchall()
    total, errors = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE level IN ('ERROR', 'CRITICAL')) FROM recs"
    ).fetchone()
    error_types = con.execute(
        "SELECT count(DISTINCT error_type) FROM recs WHERE error_type IS NOT NULL"
    ).fetchone()[0]
    aggregate_s = time.perf_counter() - t
    con.close()
    # grouping() bits are (error_type, ip, service, endpoint); a set leaves its own bit 0
    names = {0b1111: "levels", 0b0111: "error_type", 0b1011: "ip", 0b1101: "service",
             0b1110: "endpoint"}
    return {"seconds": load_s + aggregate_s, "load_s": load_s, "aggregate_s": aggregate_s,
            "total": total, "errors": errors,
            "fact_rows": {names[gid]: n for gid, n in facts},
            "error_types": error_types, "top_error": top[0][0] if top else "",
            "version": duckdb.__version__}


# ----------------------------------------------------------------------------- report


def _rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else ""


def print_report(spec: DataSpec, logs: Path, cli: dict | None, engine: dict,
                 duck: dict | str | None) -> None:
    size_mb = sum(p.stat().st_size for p in logs.iterdir() if p.is_file()) / 1e6
    rows = spec.rows
    print()
    print(f"logdesk benchmark: {rows:,} rows in {spec.files} files ({size_mb:,.0f} MB {spec.format}), "
          f"master {engine['master']}, driver memory {engine['driver_memory']}, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print()
    line = "{:<58} {:>10} {:>12}"
    print(line.format("measure", "seconds", "rows/s"))
    print(line.format("-" * 58, "-" * 10, "-" * 12))
    if cli:
        print(line.format("(a) logdesk process, subprocess (Spark start-up included)",
                          f"{cli['seconds']:.2f}", _rate(rows, cli["seconds"])))
    print(line.format("(b) Spark session start", f"{engine['session_start_s']:.2f}", ""))
    for i, run in enumerate(engine["runs"]):
        label = "run_pipeline, first run after start" if i == 0 else f"run_pipeline, warm run {i}"
        print(line.format(f"    {label}", f"{run['pipeline_s']:.2f}", _rate(rows, run["pipeline_s"])))
    first = engine["runs"][0]
    stages = ", ".join(f"{k} {v:.1f}" for k, v in first["stages"].items())
    print(f"      stages of the first run: {stages}")
    print(line.format("    summarize + alerts + write_reports",
                      f"{engine['summarize_alerts_reports_s']:.2f}", ""))
    total_b = engine["session_start_s"] + first["pipeline_s"] + engine["summarize_alerts_reports_s"]
    print(line.format("    start + first run + reports", f"{total_b:.2f}", _rate(rows, total_b)))
    for name, seconds in engine["filter_latency_s"].items():
        print(line.format(f"(c) filter change, summarize({name}), median of {FILTER_REPEATS}",
                          f"{seconds:.4f}", ""))
    fact = engine["fact_rows"]
    print(f"      cube: {sum(fact.values()):,} fact rows "
          f"({', '.join(f'{k} {v:,}' for k, v in fact.items())}), "
          f"{engine['bucket_seconds']} s buckets, {engine['error_types']} error types")
    if isinstance(duck, dict):
        print(line.format(f"(d) DuckDB {duck['version']}: read + normalize + same cube",
                          f"{duck['seconds']:.2f}", _rate(rows, duck["seconds"])))
        duck_facts = duck["fact_rows"]
        print(f"      load {duck['load_s']:.2f} s, aggregate {duck['aggregate_s']:.2f} s; "
              f"{sum(duck_facts.values()):,} fact rows "
              f"({', '.join(f'{k} {v:,}' for k, v in duck_facts.items())}), "
              f"{duck['error_types']} error types")
    elif duck:
        print(f"(d) {duck}")
    print()
    print("memory (peak resident):")
    print(f"  engine process: driver JVM {_mb(engine.get('java_kb', 0))}, "
          f"Python {_mb(engine['python_maxrss_kb'])}")
    if cli:
        print(f"  logdesk process subprocess: driver JVM {_mb(cli['java_kb'])}, "
              f"Python {_mb(cli['python_kb'])}")
    print()
    print(f"records: {engine['total']:,} parsed, {engine['malformed_rows']:,} malformed, "
          f"{engine['errors']:,} errors; alerts: {', '.join(engine['alerts']) or 'none'}")
    if isinstance(duck, dict):
        agree = duck["total"] == engine["total"] and duck["errors"] == engine["errors"]
        print(f"DuckDB counts {duck['total']:,} records, {duck['errors']:,} errors: "
              f"{'same as logdesk' if agree else 'DIFFERENT from logdesk'}")
        same = [k for k in fact if fact[k] == duck["fact_rows"].get(k)]
        differ = [k for k in fact if k not in same]
        print(f"cube fact rows equal for: {', '.join(same) or 'none'}"
              + (f"; different for: {', '.join(differ)} (the two error-type maskings differ "
                 "slightly)" if differ else ""))
        spark_s = first["pipeline_s"]
        print(f"ratio Spark (first run after start, no start-up) / DuckDB: "
              f"{spark_s / duck['seconds']:.1f}x")
        if len(engine["runs"]) > 1:
            warm = min(r["pipeline_s"] for r in engine["runs"][1:])
            print(f"ratio Spark (warm run) / DuckDB: {warm / duck['seconds']:.1f}x")
        if cli:
            print(f"ratio logdesk process (with start-up) / DuckDB: "
                  f"{cli['seconds'] / duck['seconds']:.1f}x")


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="logdesk benchmark (see the module docstring)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=REPO / "build" / "benchmark",
                        help="folder for generated logs, private config and cache")
    parser.add_argument("--format", choices=("csv", "log4j"), default="csv",
                        help="log4j: the same rows as plain-text log4j lines (no DuckDB step)")
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--driver-memory", default="2g")
    parser.add_argument("--warm-runs", type=int, default=1,
                        help="extra run_pipeline runs on the same session")
    parser.add_argument("--skip-cli", action="store_true", help="skip (a)")
    parser.add_argument("--skip-duckdb", action="store_true", help="skip (d)")
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    parser.add_argument("--engine-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.engine_child:  # internal: the fresh process of measure_engine_in_child
        result = measure_engine(args.engine_child, args.out, args.warm_runs)
        args.result.write_text(json.dumps(result, default=str))
        return 0

    if args.rows < 1 or args.files < 1:
        parser.error("--rows and --files must be positive")
    spec = DataSpec(args.rows, args.files, args.seed, args.format)
    data_dir = args.data.resolve()
    t = time.perf_counter()
    logs, made = ensure_data(spec, data_dir)
    print(f"{'generated' if made else 'reusing'} {spec.rows:,} rows in {logs} "
          f"({time.perf_counter() - t:.1f} s)", flush=True)
    env = private_env(data_dir, args.master, args.driver_memory)

    with tempfile.TemporaryDirectory(prefix="logdesk-bench-") as tmp:
        tmp_dir = Path(tmp)
        cli = None
        if not args.skip_cli:
            print("(a) logdesk process in a subprocess ...", flush=True)
            cli = measure_cli(logs, tmp_dir / "cli-reports", env)
        print("(b, c) engine API in a fresh process ...", flush=True)
        engine = measure_engine_in_child(logs, tmp_dir, env, args.warm_runs)
    duck = None
    if not args.skip_duckdb and spec.format == "csv":
        print("(d) DuckDB ...", flush=True)
        duck = measure_duckdb(logs, engine["bucket_seconds"])
    print_report(spec, logs, cli, engine, duck)
    if args.json:
        if cli:
            cli.pop("stdout", None)
        args.json.write_text(json.dumps({"rows": spec.rows, "files": spec.files, "cli": cli,
                                         "engine": engine, "duckdb": duck}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
