"""How fast is logdesk, next to plain Spark, DuckDB and lnav? A rerunnable benchmark on seeded
data. One run prints every figure, the ratios between them and a table of targets.

    python build_scripts/benchmark.py --quick                     # tiny smoke test of it all
    python build_scripts/benchmark.py --rows 1000000              # CSV, 8 files, local[*]
    python build_scripts/benchmark.py --rows 1000000 --format apache --markdown bench.md
    python build_scripts/benchmark.py --rows 5000000 --data /big/disk/bench --json out.json

Data (bench_data.py): N seeded rows in DATA/<format>/logs, reused while rows, files and seed
match. --format csv (8 files), log4j (the same rows as log4j lines, a third of the errors with
a 3-line stack trace; 8 files) or apache (combined access-log lines, ~5% 5xx, a long tail of
client IPs; 4 files).

Measured, each Spark user in a fresh process with a private config and cache under --data:
  floor  plain Spark (bench_peers.py): session start, then the format's least work — CSV:
         read CSV + try_to_timestamp + hour x level; apache: read.text + regexp_extract +
         5xx by hour and top IPs by 5xx; log4j: read.text + regexp_extract + hour x level —
         cold (first query) and warm (min of 2 more);
  (a)    `python -m logdesk process DATA --out TMP` with the cache off: what a user waits for,
         Spark start-up included, and its peak RSS (Python, driver JVM);
  (b)    the engine API with the cache off (bench_engine.py): session start, the first and
         the warm run_pipeline runs (seconds, stage_seconds, and spark_jobs / plan_seconds
         where RunResult has them), summarize + alerts + reports, peak RSS;
  (c)    filter-change latency: summarize() of the cube with a level filter and a date range
         (median of 20), and the cube's size;
  cache  with the cache on (an empty private cache first): A = the run that fills it,
         B = the same folder again, C = after 1% more lines in one file (a refresh); B and C
         through the engine API in the warm process and as `logdesk process` subprocesses
         (which should start no JVM when every file is cached); RunResult.cache if present.
         The grown file is cut back afterwards, so the data stays reusable;
  peers  DuckDB over the CSV files (the cube's aggregates; pip install .[bench]) and lnav over
         the access logs (the two 5xx questions, median of 3; apt-get install lnav);
  many   20,000 three-line files in 200 folders (bench_scale.py): `logdesk process --no-cache`
         and the engine API, discovery and reading timed apart (target <= 20 s);
  cancel runs over the data cancelled at points of their stages (bench_scale.py): seconds
         from the request to Cancelled, each and the largest (target <= 2 s).
Then: ratios (logdesk / floor, / lnav, / DuckDB) and a Markdown table of the targets (printed,
in --json, and in --markdown FILE). The machine has few cores: close other work first.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_data  # noqa: E402
import bench_engine  # noqa: E402
import bench_peers  # noqa: E402
import bench_scale  # noqa: E402
from bench_figures import table_markdown, target_rows  # noqa: E402
from bench_report import print_report  # noqa: E402

REPO = bench_engine.REPO
QUICK_ROWS = 10_000


def run_all(args: argparse.Namespace, spec: bench_data.DataSpec, logs: Path,
            data_dir: Path) -> dict:
    res: dict = {"spec": vars(spec), "cpus": os.cpu_count(), "python": sys.version.split()[0],
                 "load_before": os.getloadavg()[0],
                 "size_mb": sum(p.stat().st_size for p in logs.iterdir() if p.is_file()) / 1e6}
    accepts, why = bench_engine.config_accepts_cache(data_dir)
    res["cache_switch"] = ("`cache: {enabled: ...}` in the config file" if accepts else
                           "dataclasses.replace in the engine processes (the config loader "
                           "does not take `cache:` yet)")
    res["cache_switch_detail"] = why
    env_off = bench_engine.private_env(data_dir, "off", args.master, args.driver_memory,
                                       {"enabled": False} if accepts else None,
                                       data_dir / "cache")
    with tempfile.TemporaryDirectory(prefix="logdesk-bench-") as tmp:
        tmp_dir = Path(tmp)
        if not args.skip_floors:
            print("floor: plain Spark in a fresh process ...", flush=True)
            res["floor"] = bench_peers.measure_floor_in_child(
                spec.format, logs, tmp_dir, env_off, args.master, args.driver_memory)
        if not args.skip_cli:
            print("(a) logdesk process in a subprocess, cache off ...", flush=True)
            env, res["cli_cache"] = env_off, "cache off"
            if not accepts:  # the cache cannot be switched off here: start it empty
                cold = data_dir / "cache-cli-cold"
                shutil.rmtree(cold, ignore_errors=True)
                env = {**env_off, "LOGDESK_CACHE_DIR": str(cold)}
                res["cli_cache"] = "empty private cache (cannot be switched off yet)"
            res["cli"] = bench_engine.measure_cli(logs, tmp_dir / "cli-reports", env)
            # the same with the JVM's class archive (engine/class_archive.py): a first run,
            # after which it is made in the background, then one that maps it
            archive = data_dir / "cache-class-archive"
            shutil.rmtree(archive, ignore_errors=True)
            env = {k: v for k, v in {**env, "LOGDESK_CACHE_DIR": str(archive)}.items()
                   if k != "LOGDESK_CLASS_ARCHIVE"}
            res["cli_archive_made"] = bench_engine.measure_cli(logs, tmp_dir / "cli-a1", env)
            jvm, deadline = archive / "jvm", time.time() + 600
            while time.time() < deadline and (
                    not any(jvm.glob("*.jsa")) or any(jvm.glob("*.dumping"))):
                time.sleep(2)
            res["cli_archive_used"] = bench_engine.measure_cli(logs, tmp_dir / "cli-a2", env)
        print("(b, c) engine API in a fresh process, cache off ...", flush=True)
        res["engine"] = bench_engine.run_in_child("engine-child", logs, tmp_dir, env_off,
                                                  "--warm-runs", str(args.warm_runs))
        if not args.skip_cache:
            print("cache: A fill, B re-open, C +1% lines (engine API and CLI) ...", flush=True)
            cache_dir = data_dir / "cache-on"
            shutil.rmtree(cache_dir, ignore_errors=True)
            env_on = bench_engine.private_env(data_dir, "on", args.master, args.driver_memory,
                                              {"enabled": True} if accepts else None, cache_dir)
            try:
                res["cache"] = bench_engine.run_in_child(
                    "cache-child", logs, tmp_dir, env_on, "--spec", json.dumps(vars(spec)),
                    "--data", str(data_dir))
            finally:
                bench_data.restore(spec, data_dir)  # also when the child died mid-way
        if not args.skip_many_files:
            print("many files: logdesk process and the engine API over small files ...",
                  flush=True)
            res["many_files"] = bench_scale.measure_many_files(
                data_dir, tmp_dir, env_off, dirs=bench_scale.MANY_DIRS // (20 if args.quick else 1))
        if not args.skip_cancel:
            print("cancel: runs cancelled at points of their stages ...", flush=True)
            res["cancel"] = bench_scale.measure_cancel(logs, tmp_dir, env_off)
    if not args.skip_duckdb and spec.format == "csv":
        print("(d) DuckDB ...", flush=True)
        try:
            res["duckdb"] = bench_peers.measure_duckdb(
                logs, res["engine"].get("bucket_seconds") or 3600)
        except Exception as exc:  # noqa: BLE001
            res["duckdb"] = f"DuckDB failed: {exc}"
    if not args.skip_lnav and spec.format == "apache":
        print("lnav ...", flush=True)
        res["lnav"] = bench_peers.measure_lnav(logs, data_dir / "lnav-home")
    res["load_after"] = os.getloadavg()[0]
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="logdesk benchmark (see the module docstring)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, help="default: 8 (csv, log4j), 4 (apache)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=REPO / "build" / "benchmark",
                        help="folder for generated logs, private configs and caches")
    parser.add_argument("--format", choices=bench_data.FORMATS, default="csv")
    parser.add_argument("--master", default="local[*]")
    parser.add_argument("--driver-memory", default="2g")
    parser.add_argument("--warm-runs", type=int, default=1,
                        help="extra run_pipeline runs on the same session")
    parser.add_argument("--quick", action="store_true",
                        help=f"everything at {QUICK_ROWS:,} rows (own data under DATA/quick)")
    parser.add_argument("--skip-floors", action="store_true", help="no plain Spark floor")
    parser.add_argument("--skip-cli", action="store_true", help="skip (a)")
    parser.add_argument("--skip-cache", action="store_true", help="no cache A/B/C runs")
    parser.add_argument("--skip-duckdb", action="store_true", help="skip DuckDB (csv)")
    parser.add_argument("--skip-lnav", action="store_true", help="skip lnav (apache)")
    parser.add_argument("--skip-many-files", action="store_true",
                        help="no run over 20,000 small files (DATA/many-files)")
    parser.add_argument("--skip-cancel", action="store_true", help="no cancel latencies")
    parser.add_argument("--json", type=Path, help="also write all figures to this file")
    parser.add_argument("--markdown", type=Path, help="also write the targets table here")
    args = parser.parse_args(argv)

    if args.quick:
        args.rows, args.files = QUICK_ROWS, 2
        args.data = args.data / "quick"
    files = args.files or bench_data.DEFAULT_FILES[args.format]
    if args.rows < 1 or files < 1 or args.warm_runs < 0:
        parser.error("--rows and --files must be positive, --warm-runs 0 or more")
    spec = bench_data.DataSpec(args.rows, files, args.seed, args.format)
    data_dir = args.data.resolve()
    t = time.perf_counter()
    logs, made = bench_data.ensure_data(spec, data_dir)
    print(f"{'generated' if made else 'reusing'} {spec.rows:,} {spec.format} rows in {logs} "
          f"({time.perf_counter() - t:.1f} s)", flush=True)

    res = run_all(args, spec, logs, data_dir)
    rows = target_rows(res)
    print_report(res, rows)
    title = (f"logdesk benchmark: {spec.rows:,} {spec.format} rows in {spec.files} files, "
             f"{args.master}, {os.cpu_count()} CPUs")
    if args.markdown:
        args.markdown.write_text(f"{title}\n\n{table_markdown(rows)}\n", encoding="utf-8")
    if args.json:
        res["targets"] = rows
        args.json.write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
