"""benchmark.py's figures: the few numbers the ratios and targets use, and the targets table."""

from __future__ import annotations

import bench_scale


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
    many = _ok(res.get("many_files"))
    f.update({f"many_{k}": v for k, v in (bench_scale.many_figures(many) if many else {}).items()})
    f["many_files"] = many.get("files")
    f["cancel_worst"] = bench_scale.cancel_worst(_ok(res.get("cancel")))
    f["cancel_points"] = len(_ok(res.get("cancel")).get("points", []))
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
    if f["many_files"]:
        n = f"many files: {f['many_files']:,} three-line files"
        row(f"{n}, discovery + reading, engine warm", f["many_warm_read"], limit=20.0,
            target="<= 20 s")
        row(f"{n}, discovery + reading, engine first run", f["many_first_read"], limit=20.0,
            target="<= 20 s")
        row(f"{n}, discovery + reading, app's first run (after its warm-up)", f["many_app_read"],
            limit=20.0, target="<= 20 s")
        row(f"{n}, discovery + reading, `logdesk process --no-cache`", f["many_cli_read"],
            limit=20.0, target="<= 20 s")
        row(f"{n}, discovery alone, engine warm", f["many_warm_discover"])
        row(f"{n}, `logdesk process --no-cache` total", f["many_cli_total"])
    if f["cancel_points"]:
        row(f"cancel: request to Cancelled, largest of {f['cancel_points']} points",
            f["cancel_worst"], limit=bench_scale.CANCEL_TARGET_S, target="<= 2 s")
    for key, who in (("rss_engine", "engine process"), ("rss_cli", "logdesk process")):
        mb = f[key] / 1024 if f[key] else None
        row(f"Python peak RSS, {who}", mb, limit=300.0, target="< 300 MB", unit="MB")
    return rows


def table_markdown(rows: list[dict]) -> str:
    lines = ["| measure | seconds | ratio | target | met |", "|---|---:|---:|---|---|"]
    lines += [f"| {r['measure']} | {r['seconds']} | {r['ratio']} | {r['target']} | {r['met']} |"
              for r in rows]
    return "\n".join(lines)



__all__ = ["figures", "table_markdown", "target_rows"]
