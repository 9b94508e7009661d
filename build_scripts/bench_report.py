"""benchmark.py's printed report: every figure measured, the ratios, the targets table."""

from __future__ import annotations

import bench_engine
import bench_scale
from bench_figures import _mb, _ok, _s, figures, table_markdown


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


def print_report(res: dict, rows: list[dict]) -> None:  # noqa: C901 - a list of prints
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
    bench_scale.print_many(res.get("many_files") or {})
    bench_scale.print_cancel(res.get("cancel") or {})
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



__all__ = ["print_report"]
