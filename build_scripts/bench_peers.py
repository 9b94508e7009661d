"""What the same questions cost without logdesk, for benchmark.py's ratios.

* Plain Spark floors, in a fresh process (`python bench_peers.py --floor-child ...`): a
  local session made like logdesk's (logdesk.engine.session.create_session, so the same JVM
  options), then the least work that answers the format's question — timed cold (the first
  query after the session started) and warm (min of 2 more):
    csv     spark.read.csv(header, escape='"', multiLine) + try_to_timestamp, hour x level
    apache  spark.read.text + regexp_extract of ip/time/path/status, try_to_timestamp with
            'dd/MMM/yyyy:HH:mm:ss Z', two group-bys: 5xx by hour, top IPs by 5xx
    log4j   spark.read.text + regexp_extract of time/level, try_to_timestamp, hour x level
  and, for csv, the least work the dashboard itself needs, in one job from the source (no
  copy, no line numbers, no malformed rows): the floor's read and cast, the file column,
  logdesk's error-type masking of error rows, and one grouping-sets aggregate of the cube's
  per-file tables (hour x level, hour x level x type, service, IP, endpoint) — warm, min of 2.
  It shows how far below the issue's "2x the floor" the unavoidable per-row work already is.
* DuckDB over the CSV files: the cube's aggregates (optional: pip install .[bench]).
* lnav over the access logs (when `lnav` is on PATH): 5xx by hour and top IPs by 5xx in one
  headless `lnav -n` call, median of 3.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLOOR_WARM_RUNS = 2
LNAV_RUNS = 3
ACCESS_RE = r'^(\S+) \S+ \S+ \[([^\]]+)\] "(?:[A-Z]+ )?([^\s"]*)[^"]*" (\d{3})'
LOG4J_RE = r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),\d{3} +([A-Z]+)"


# ----------------------------------------------------------------------------- Spark floors


def measure_floor_in_child(fmt: str, logs: Path, out: Path, env: dict[str, str], master: str,
                           driver_memory: str, time_zone: str = "UTC") -> dict | str:
    """The plain Spark floor for `fmt` in a fresh process; a message string when it failed."""
    result_file = out / f"floor-{fmt}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--floor-child", fmt,
           "--logs", str(logs), "--master", master, "--driver-memory", driver_memory,
           "--time-zone", time_zone, "--result", str(result_file)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not result_file.is_file():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return f"plain Spark floor failed ({proc.returncode}): {' | '.join(tail)}"
    result = json.loads(result_file.read_text())
    result["process_s"] = time.perf_counter() - start
    return result


def _start_session(master: str, driver_memory: str, time_zone: str):
    try:
        from logdesk.engine.session import create_session
        from logdesk.settings import SparkSettings
    except Exception:  # noqa: BLE001 - the engine may be mid-rewrite: build it by hand
        from pyspark.sql import SparkSession
        opts = "-Duser.language=en -Duser.country=US -XX:-DontCompileHugeMethods"
        cores = os.cpu_count() or 2
        return (SparkSession.builder.master(master).appName("plain-spark-floor")
                .config("spark.driver.memory", driver_memory)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.session.timeZone", time_zone)
                .config("spark.sql.shuffle.partitions", str(max(2, cores * 2)))
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.driver.extraJavaOptions", opts)
                .config("spark.executor.extraJavaOptions", opts)
                .getOrCreate()), "pyspark builder (logdesk's options copied)"
    settings = SparkSettings(master=master, driver_memory=driver_memory)
    return (create_session(settings, time_zone, app_name="plain-spark-floor"),
            "logdesk.engine.session.create_session")


def _floor_query(spark, fmt: str, files: list[str]) -> dict:
    """One answer of the format's question; returns small facts to cross-check with."""
    from pyspark.sql import functions as F

    if fmt == "csv":
        df = spark.read.csv(files, header=True, escape='"', multiLine=True)
        rows = (df.select(F.date_trunc("hour", F.try_to_timestamp(F.col("timestamp")))
                          .alias("hour"), "level")
                .groupBy("hour", "level").count().collect())
        return {"groups": len(rows), "records": sum(r["count"] for r in rows)}
    lines = spark.read.text(files)
    value = F.col("value")
    if fmt == "log4j":
        df = lines.select(
            F.try_to_timestamp(F.regexp_extract(value, LOG4J_RE, 1),
                               F.lit("yyyy-MM-dd HH:mm:ss")).alias("ts"),
            F.regexp_extract(value, LOG4J_RE, 2).alias("level"),
        ).where(F.col("ts").isNotNull())
        rows = (df.groupBy(F.date_trunc("hour", "ts").alias("hour"), "level").count()
                .collect())
        return {"groups": len(rows), "records": sum(r["count"] for r in rows)}
    df = lines.select(
        F.regexp_extract(value, ACCESS_RE, 1).alias("ip"),
        F.try_to_timestamp(F.regexp_extract(value, ACCESS_RE, 2),
                           F.lit("dd/MMM/yyyy:HH:mm:ss Z")).alias("ts"),
        F.regexp_extract(value, ACCESS_RE, 3).alias("path"),
        F.regexp_extract(value, ACCESS_RE, 4).cast("int").alias("status"),
    )
    errors = df.where(F.col("status") >= 500)
    by_hour = errors.groupBy(F.date_trunc("hour", "ts").alias("hour")).count().collect()
    top = (errors.groupBy("ip").count().orderBy(F.desc("count"), "ip").limit(10).collect())
    return {"groups": len(by_hour), "top_ips": len(top),
            "errors_5xx": sum(r["count"] for r in by_hour),
            "top_ip": f"{top[0]['ip']} ({top[0]['count']})" if top else ""}


def _required_work_query(spark, files: list[str]) -> int:
    """The dashboard's unavoidable per-row work in one job (see the module docstring)."""
    from pyspark.sql import functions as F
    from logdesk.engine.error_types import error_type

    df = spark.read.csv(files, header=True, escape='"', multiLine=True)
    level = F.upper(F.trim(F.col("level")))
    df = df.select(
        F.col("_metadata.file_path").alias("file"),
        F.date_trunc("hour", F.try_to_timestamp(F.col("timestamp"))).alias("bucket"),
        level.alias("level"), "service", "ip", "endpoint",
        F.when(level.isin("ERROR", "CRITICAL", "FATAL"), error_type(F.col("message")))
        .alias("etype"))
    df.createOrReplaceTempView("required_work")
    rows = spark.sql(
        "SELECT grouping_id() AS gid, count(*) AS n FROM required_work "
        "GROUP BY file, bucket, level, etype, service, ip, endpoint GROUPING SETS ("
        "(file, bucket, level), (file, bucket, level, etype), (file, service, level), "
        "(file, ip, level), (file, endpoint, level))").collect()
    return len(rows)


def floor_child(fmt: str, logs: Path, master: str, driver_memory: str, time_zone: str) -> dict:
    files = sorted(str(p) for p in logs.iterdir() if p.is_file())
    t = time.perf_counter()
    spark, made_by = _start_session(master, driver_memory, time_zone)
    result: dict = {"format": fmt, "session_start_s": time.perf_counter() - t,
                    "session_by": made_by, "spark_version": spark.version}
    try:
        t = time.perf_counter()
        result["facts"] = _floor_query(spark, fmt, files)
        result["cold_s"] = time.perf_counter() - t
        warm = []
        for _ in range(FLOOR_WARM_RUNS):
            t = time.perf_counter()
            _floor_query(spark, fmt, files)
            warm.append(time.perf_counter() - t)
        result["warm_runs_s"] = warm
        result["warm_s"] = min(warm)
        if fmt == "csv":
            required = []
            for _ in range(FLOOR_WARM_RUNS):
                t = time.perf_counter()
                result["required_fact_rows"] = _required_work_query(spark, files)
                required.append(time.perf_counter() - t)
            result["required_work_s"] = min(required)
    finally:
        spark.stop()
    return result


# ----------------------------------------------------------------------------- lnav


LNAV_QUERIES = {
    "5xx by hour": "SELECT strftime('%Y-%m-%d %H', log_time) AS hour, count(*) AS n "
                   "FROM access_log WHERE sc_status >= 500 GROUP BY hour ORDER BY hour",
    "top IPs by 5xx": "SELECT c_ip, count(*) AS n FROM access_log WHERE sc_status >= 500 "
                      "GROUP BY c_ip ORDER BY n DESC, c_ip LIMIT 10",
}


def measure_lnav(logs: Path, home: Path, runs: int = LNAV_RUNS) -> dict | str:
    """Both access-log questions in one headless lnav call (each result as CSV on stdout)."""
    lnav = shutil.which("lnav")
    if not lnav:
        return "lnav not installed (apt-get install lnav); skipped"
    files = sorted(str(p) for p in logs.iterdir() if p.is_file())
    cmd = [lnav, "-n"]
    for sql in LNAV_QUERIES.values():
        cmd += ["-c", ";" + sql, "-c", ":write-csv-to -"]
    home.mkdir(parents=True, exist_ok=True)  # lnav keeps its config under HOME: a private one
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    times, out = [], ""
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd + files, env=env, capture_output=True, text=True,
                              timeout=1800, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
        if proc.returncode != 0:
            return f"lnav failed ({proc.returncode}): {proc.stderr.strip()[:300]}"
        out = proc.stdout
    tables = _csv_tables(out)
    counts = {name: len(rows) for name, rows in zip(LNAV_QUERIES, tables)}
    if len(tables) < len(LNAV_QUERIES) or not all(counts.values()):
        return (f"lnav answered without rows ({counts or 'no result'}): its access_log table "
                f"did not see these files; lnav figures left out")
    by_hour = tables[0] if tables else []
    top = tables[1] if len(tables) > 1 else []
    version = subprocess.run([lnav, "-V"], capture_output=True, text=True).stdout.strip()
    return {"seconds": statistics.median(times), "runs_s": times, "rows": counts,
            "errors_5xx": sum(int(r[-1]) for r in by_hour if r[-1].isdigit()),
            "top_ip": f"{top[0][0]} ({top[0][-1]})" if top else "", "version": version}


def _csv_tables(text: str) -> list[list[list[str]]]:
    """Split lnav's output (header line, rows; again for each query) into row lists."""
    tables: list[list[list[str]]] = []
    for line in text.splitlines():
        cells = line.split(",")
        if cells[0] in ("hour", "c_ip"):
            tables.append([])
        elif tables and line.strip():
            tables[-1].append(cells)
    return tables


# ----------------------------------------------------------------------------- DuckDB


def measure_duckdb(logs: Path, bucket_seconds: int) -> dict | str:
    """The cube's aggregates with DuckDB: read and normalize into a table (as logdesk stages
    its Parquet copy), then one grouping-sets query over (bucket, level[, dimension])."""
    try:
        import duckdb
    except ImportError:
        return "DuckDB not installed (pip install .[bench]); column skipped"
    try:
        from logdesk.settings import DEFAULT_LEVEL_MAPPING
    except ImportError:
        DEFAULT_LEVEL_MAPPING = {k: k for k in ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")}

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="internal: benchmark.py's floor process")
    parser.add_argument("--floor-child", required=True, choices=("csv", "log4j", "apache"))
    parser.add_argument("--logs", type=Path, required=True)
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--driver-memory", default="2g")
    parser.add_argument("--time-zone", default="UTC")
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    result = floor_child(args.floor_child, args.logs, args.master, args.driver_memory,
                         args.time_zone)
    args.result.write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
