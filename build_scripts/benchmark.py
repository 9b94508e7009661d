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
         the access logs (the two 5xx questions, median of 3; apt-get install lnav).
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


# ----------------------------------------------------------------------------- report


def _s(x: float | None, digits: int = 2) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _mb(kb: int | None) -> str:
    return f"{kb / 1024:,.0f} MB" if kb else "n/a"


def _ok(part) -> dict:
    """A measurement's dict, or {} when it was skipped, failed or is a message."""
    return part if isinstance(part, dict) and "error" not in part else {}


def _num(part: dict, key: str) -> float | None:
    value = part.get(key)
    return value if isinstance(value, (int, float)) else None


def figures(res: dict) -> dict:
    """The few numbers the ratios and targets use (None = not measured)."""
    floor, cli, eng, cache = (_ok(res.get(k)) for k in ("floor", "cli", "engine", "cache"))
    runs = [r["pipeline_s"] for r in eng.get("runs", []) if "pipeline_s" in r]
    f = {"floor_start": _num(floor, "session_start_s"), "floor_cold": _num(floor, "cold_s"),
         "floor_warm": _num(floor, "warm_s"), "required": _num(floor, "required_work_s"),
         "cli": _num(cli, "seconds"),
         "first": runs[0] if runs else None, "warm": min(runs[1:]) if len(runs) > 1 else None,
         "lnav": _num(_ok(res.get("lnav")), "seconds"),
         "cli_archive": _num(_ok(res.get("cli_archive_used")), "seconds"),
         "duckdb": _num(_ok(res.get("duckdb")), "seconds"),
         "rss_engine": eng.get("python_hwm_kb") or eng.get("python_maxrss_kb"),
         "rss_cli": cli.get("python_kb")}
    sample = [r["pipeline_s"] for r in eng.get("sample_runs", []) if "pipeline_s" in r]
    f["sample_first"] = sample[0] if sample else None
    f["sample_warm"] = min(sample[1:]) if len(sample) > 1 else None
    for name in ("A", "B", "C"):
        f[name] = _num(_ok(cache.get(name)), "pipeline_s")
    for name in ("B_cli", "C_cli"):
        f[name] = _num(_ok(cache.get(name)), "seconds")
    both = (f["floor_start"], f["floor_cold"])
    f["floor_cold_total"] = None if None in both else sum(both)
    return f


def target_rows(res: dict) -> list[dict]:
    """One row per measure: value, ratio to its reference, target and whether it is met."""
    f, fmt, rows = figures(res), res["spec"]["format"], []

    def row(measure, value, ref=None, ref_name="", limit=None, target="-", unit="s"):
        ratio = f"{value / ref:.2f}x {ref_name}" if value is not None and ref else "-"
        met = "-" if target == "-" else "n/a" if value is None or limit is None else (
            "yes" if value <= limit else "NO")
        shown = _s(value) if unit == "s" else _mb(value * 1024 if value else None)
        rows.append({"measure": measure, "seconds": shown, "value": value, "ratio": ratio,
                     "target": target, "met": met})

    def times(k, factor):
        return None if f[k] is None else factor * f[k]

    row("plain Spark: session start", f["floor_start"])
    row("plain Spark: cold query", f["floor_cold"])
    row("plain Spark: warm query (min of 2)", f["floor_warm"])
    if fmt == "csv":
        row("plain Spark: the dashboard's least work, one job from source, warm",
            f["required"], f["floor_warm"], "warm floor")
    if fmt == "apache":
        row("lnav: 5xx by hour + top IPs (median of 3)", f["lnav"])
    if fmt == "csv":
        row("DuckDB: read + cube", f["duckdb"])
    row("logdesk first run, cache off", f["first"], f["floor_cold"], "cold floor",
        times("floor_cold", 2), "<= 2x cold floor")
    row("logdesk warm run, cache off", f["warm"], f["floor_warm"], "warm floor",
        times("floor_warm", 2), "<= 2x warm floor")
    if fmt == "apache":
        row("logdesk warm run vs lnav", f["warm"], f["lnav"], "lnav", times("lnav", 2),
            "<= 2x lnav")
    row("logdesk CLI cold (subprocess, Spark start incl.)", f["cli"], f["floor_cold_total"],
        "floor start+cold", times("floor_cold_total", 1.3), "<= 1.3x cold floor")
    row("logdesk CLI cold, JVM class archive made earlier", f["cli_archive"],
        f["floor_cold_total"], "floor start+cold", times("floor_cold_total", 1.3),
        "<= 1.3x cold floor")
    lnav = (f["lnav"], "lnav") if fmt == "apache" else (None, "")
    row("re-open unchanged from cache, engine API (B)", f["B"], *lnav, 1.0, "<= 1 s")
    jvm = _ok(_ok(res.get("cache")).get("B_cli")).get("jvm_started")
    row("re-open unchanged from cache, CLI (B)"
        + ("" if jvm is None else f", JVM {'started' if jvm else 'not started'}"),
        f["B_cli"], *lnav, 1.0, "<= 1 s")
    for name, measure, full, full_name in (("C", "engine API", "warm", "warm run"),
                                           ("C_cli", "CLI", "cli", "CLI cold run")):
        limit = None if f[full] is None else max(1.0, 0.1 * f[full])
        row(f"refresh after +1% lines in one file, {measure} (C)", f[name], f[full],
            full_name, limit, "<= max(1 s, 10% of a full run)")
    row("bundled sample, Spark ready (warm session, min of 2)", f["sample_warm"], limit=3.0,
        target="<= 3 s")
    for key, who in (("rss_engine", "engine process"), ("rss_cli", "logdesk process")):
        mb = f[key] / 1024 if f[key] else None
        row(f"Python peak RSS, {who}", mb, limit=300.0, target="< 300 MB", unit="MB")
    return rows


def table_markdown(rows: list[dict]) -> str:
    lines = ["| measure | seconds | ratio | target | met |", "|---|---:|---:|---|---|"]
    lines += [f"| {r['measure']} | {r['seconds']} | {r['ratio']} | {r['target']} | {r['met']} |"
              for r in rows]
    return "\n".join(lines)


def _run_line(label: str, run: dict) -> str:
    if "error" in run:
        return f"  {label:<44} FAILED: {run['error']}"
    text = f"  {label:<44} {run['pipeline_s']:>8.2f} s"
    for key, name in (("spark_jobs", "Spark jobs"), ("plan_seconds", "plan s")):
        if run.get(key) is not None:
            text += f"  {name} {run[key]:.2f}" if key == "plan_seconds" else f"  {name} {run[key]}"
    stages = ", ".join(f"{k} {v:.2f}" for k, v in run.get("stages", {}).items())
    text += f"\n  {'':<44} stages: {stages or 'n/a'}"
    if "cache" in run:
        text += f"\n  {'':<44} cache: {run['cache']}"
    return text


def _cli_line(label: str, cli: dict) -> str:
    if "error" in cli:
        return f"  {label:<44} FAILED: {cli['error']}"
    return (f"  {label:<44} {cli['seconds']:>8.2f} s  Python {_mb(cli['python_kb'])}, "
            f"JVM {_mb(cli['java_kb']) if cli['jvm_started'] else 'not started'}")


def print_report(res: dict, rows: list[dict]) -> None:
    spec, f = res["spec"], figures(res)
    floor, cli, eng = res.get("floor"), res.get("cli"), res.get("engine", {})
    print(f"\nlogdesk benchmark: {spec['rows']:,} rows in {spec['files']} files "
          f"({res['size_mb']:,.0f} MB {spec['format']}), master {eng.get('master', '?')}, "
          f"driver memory {eng.get('driver_memory', '?')}, {res['cpus']} CPUs, "
          f"Python {res['python']}\ncache switched by {res['cache_switch']}")
    busy = res["load_before"] > 0.5 * (res["cpus"] or 1)
    print(f"load average (1 min) before {res['load_before']:.1f} (after, ours included: "
          f"{res['load_after']:.1f})"
          + ("; other work was running, so the figures are not clean" if busy else "") + "\n")
    if isinstance(floor, dict) and "error" not in floor:
        print(f"plain Spark floor ({floor['format']}, session by {floor['session_by']}, "
              f"Spark {floor['spark_version']}): start {floor['session_start_s']:.2f} s, "
              f"cold {floor['cold_s']:.2f} s, warm {floor['warm_s']:.2f} s "
              f"(runs {', '.join(_s(x) for x in floor['warm_runs_s'])}); {floor['facts']}")
        if "required_work_s" in floor:
            print(f"  the dashboard's least work in one job from source (file column, masking of "
                  f"error rows, 5 grouping sets): {floor['required_work_s']:.2f} s warm = "
                  f"{floor['required_work_s'] / floor['warm_s']:.2f}x the floor "
                  f"({floor['required_fact_rows']:,} fact rows)")
    elif floor:
        print(f"plain Spark floor: {floor}")
    if cli:
        print(f"(a) logdesk process in a subprocess, {res.get('cli_cache', 'cache off')}:")
        print(_cli_line("wall time, Spark start-up included", cli))
        for key, label in (("cli_archive_made", "first run, JVM class archive made after it"),
                           ("cli_archive_used", "with the JVM class archive")):
            if res.get(key):
                print(_cli_line(label, res[key]))
    if "error" in eng:
        print(f"(b) engine process FAILED: {eng['error']}\n{eng.get('trace', '')}")
    if "session_start_s" in eng:
        print(f"(b) engine API, cache off (set by {eng.get('cache_off_by')}): "
              f"session start {eng['session_start_s']:.2f} s")
    for i, run in enumerate(eng.get("runs", [])):
        print(_run_line("first run after start" if i == 0 else f"warm run {i}", run))
    for i, run in enumerate(eng.get("sample_runs", [])):
        print(_run_line(f"bundled sample, run {i + 1} in that session", run))
    if "summarize_alerts_reports_s" in eng:
        print(f"  summarize + alerts + write_reports {eng['summarize_alerts_reports_s']:.2f} s")
        for name, seconds in eng["filter_latency_s"].items():
            print(f"(c) filter change, summarize({name}): {seconds * 1000:.1f} ms "
                  f"(median of {bench_engine.FILTER_REPEATS})")
        fact = eng["fact_rows"]
        print(f"    cube: {sum(fact.values()):,} fact rows "
              f"({', '.join(f'{k} {v:,}' for k, v in fact.items())}), "
              f"{eng['bucket_seconds']} s buckets, {eng['error_types']} error types")
    cache = res.get("cache")
    if cache:
        print(f"cache on (set by {cache.get('cache_on_by', '?')}): +{cache.get('appended_lines', 0):,}"
              f" lines to {cache.get('grown_file', '?')} for each C (cut back afterwards)")
        if "error" in cache:
            print(f"  cache process FAILED: {cache['error']}\n{cache.get('trace', '')}")
        for key, label in (("A", "A first run, fills the cache"), ("B", "B re-open, engine")):
            if key in cache:
                print(_run_line(label, cache[key]))
        if "B_cli" in cache:
            print(_cli_line("B re-open, logdesk process", cache["B_cli"]))
        if "C" in cache:
            print(_run_line("C refresh after +1%, engine", cache["C"]))
        if "C_cli" in cache:
            print(_cli_line("C refresh after +1%, logdesk process", cache["C_cli"]))
    _print_peers(res, eng)
    print("\nratios:")
    for name, a, b in (
        ("logdesk first run / floor cold", f["first"], f["floor_cold"]),
        ("logdesk warm run / floor warm", f["warm"], f["floor_warm"]),
        ("logdesk warm run / lnav", f["warm"], f["lnav"]),
        ("logdesk re-open from cache (engine) / lnav", f["B"], f["lnav"]),
        ("logdesk re-open from cache (CLI) / lnav", f["B_cli"], f["lnav"]),
        ("logdesk CLI cold / (floor session start + floor cold)", f["cli"], f["floor_cold_total"]),
        ("logdesk first run / DuckDB", f["first"], f["duckdb"]),
        ("logdesk warm run / DuckDB", f["warm"], f["duckdb"]),
        ("logdesk CLI cold / DuckDB", f["cli"], f["duckdb"]),
    ):
        if a is not None and b:
            print(f"  {name:<56} {a / b:6.2f}x")
    print(f"\nmemory (peak resident): engine process driver JVM {_mb(eng.get('java_kb'))}, "
          f"Python {_mb(f['rss_engine'])}"
          + (f"; logdesk process JVM {_mb(cli.get('java_kb'))}, Python {_mb(f['rss_cli'])}"
             if _ok(cli) else ""))
    print("\n" + table_markdown(rows))


def _print_peers(res: dict, eng: dict) -> None:
    duck, lnav = res.get("duckdb"), res.get("lnav")
    if isinstance(duck, dict):
        facts = duck["fact_rows"]
        print(f"DuckDB {duck['version']}: read + normalize + same cube {duck['seconds']:.2f} s "
              f"(load {duck['load_s']:.2f}, aggregate {duck['aggregate_s']:.2f}); "
              f"{sum(facts.values()):,} fact rows, {duck['error_types']} error types")
        if "total" in eng:
            same = duck["total"] == eng["total"] and duck["errors"] == eng["errors"]
            differ = [k for k in eng["fact_rows"] if eng["fact_rows"][k] != facts.get(k)]
            print(f"  counts {duck['total']:,} records, {duck['errors']:,} errors: "
                  f"{'same as logdesk' if same else 'DIFFERENT from logdesk'}; cube fact rows "
                  + (f"differ for {', '.join(differ)} (the error-type maskings differ "
                     "slightly)" if differ else "all equal"))
    elif duck:
        print(duck)
    if isinstance(lnav, dict):
        print(f"{lnav['version']}: 5xx by hour + top IPs by 5xx {lnav['seconds']:.2f} s "
              f"(median of {len(lnav['runs_s'])}: {', '.join(_s(x) for x in lnav['runs_s'])}); rows "
              f"returned {lnav['rows']}, {lnav['errors_5xx']:,} 5xx, top IP {lnav['top_ip']}")
        facts = _ok(res.get("floor")).get("facts", {})
        if "errors_5xx" in facts:
            same = (facts["errors_5xx"], facts["top_ip"]) == (lnav["errors_5xx"], lnav["top_ip"])
            print(f"  5xx count and top IP {'same as' if same else 'DIFFERENT from'} the "
                  "plain Spark floor")
    elif lnav:
        print(lnav)
    if "total" in eng:
        print(f"logdesk records: {eng['total']:,} parsed, {eng['malformed_rows']:,} malformed, "
              f"{eng['errors']:,} errors; alerts: {', '.join(eng['alerts']) or 'none'}")
        facts = _ok(res.get("floor")).get("facts", {})
        mine, theirs = (("errors", "errors_5xx") if "errors_5xx" in facts else ("total", "records"))
        if theirs in facts:
            print(f"  logdesk {mine} {'=' if eng[mine] == facts[theirs] else '!='} plain Spark "
                  f"floor's {theirs.replace('_', ' ')} ({facts[theirs]:,})")


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
