"""Grouping accuracy of logdesk's error-type mining on labelled messages.

    python build_scripts/eval_templates.py [labelled.csv] [-v]
    python build_scripts/eval_templates.py --loghub [DIR] [-v]

The first form reads a CSV with columns message,group (default:
resources/eval/templates_labelled.csv, written by build_scripts/make_templates_sample.py).
The second reads the labelled loghub systems under DIR (default: ../shared/datasets/loghub-dev
next to the repository), one folder per system holding *_structured.csv with Content and
EventId columns. The loghub data is read where it lies, at run time, and never copied: its
licence allows evaluation use only.

Every message goes through the engine's own steps: Spark masking (logdesk.engine.error_types)
and the runs' template mining (logdesk.engine.mining). A message counts as correctly grouped
when the set of messages in its predicted group equals the set in its true group (the grouping
accuracy of the loghub benchmarks), over all messages. The accuracy is computed here in plain
Python, independently of the mining code.
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from collections.abc import Hashable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SAMPLE = ROOT / "resources" / "eval" / "templates_labelled.csv"
DEFAULT_LOGHUB = ROOT.parent / "shared" / "datasets" / "loghub-dev"


def grouping_accuracy(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> float:
    """Share of messages whose predicted group holds exactly the messages of their true group."""
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth differ in length")
    if not truth:
        return 1.0
    by_predicted: dict[Hashable, set[int]] = defaultdict(set)
    by_truth: dict[Hashable, set[int]] = defaultdict(set)
    for i, (p, t) in enumerate(zip(predicted, truth)):
        by_predicted[p].add(i)
        by_truth[t].add(i)
    correct = sum(1 for p, t in zip(predicted, truth) if by_predicted[p] == by_truth[t])
    return correct / len(truth)


def _masked(spark, messages: list[str]) -> list[str | None]:
    """Each message's masked type, by the engine's Spark masking, in input order."""
    from pyspark.sql import functions as F

    from logdesk.engine.error_types import error_type

    frame = spark.createDataFrame(list(enumerate(messages)), "i long, message string")
    rows = frame.select("i", error_type(F.col("message")).alias("t")).collect()
    by_index = {r["i"]: r["t"] for r in rows}
    return [by_index[i] for i in range(len(messages))]


def evaluate(spark, messages: list[str], truth: list[str]) -> dict[str, object]:
    """accuracy of mined templates and of plain masking, and the group counts."""
    from logdesk.engine.mining import mine_templates

    masked = _masked(spark, messages)
    mapping = mine_templates(masked)
    mined = [mapping.get(m, m) if m is not None else None for m in masked]
    return {
        "messages": len(messages),
        "true_groups": len(set(truth)),
        "mined_accuracy": grouping_accuracy(mined, truth),
        "mined_groups": len(set(mined)),
        "masked_accuracy": grouping_accuracy(masked, truth),
        "masked_groups": len(set(masked)),
        "mined": mined,
    }


def _print_groups(mined: list[str | None], truth: list[str]) -> None:
    members: dict[str | None, set[str]] = defaultdict(set)
    sizes: dict[str | None, int] = defaultdict(int)
    for m, t in zip(mined, truth):
        members[m].add(t)
        sizes[m] += 1
    for m in sorted(members, key=str):
        print(f"{sizes[m]:5d} {sorted(members[m])} {m}")


def _read_sample(sample: Path) -> tuple[list[str], list[str]]:
    with sample.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["message"] for r in rows], [r["group"] for r in rows]


def _read_loghub(folder: Path) -> tuple[list[str], list[str]]:
    structured = next(folder.glob("*_structured.csv"))
    with structured.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["Content"] for r in rows], [r["EventId"] for r in rows]


def main(argv: list[str]) -> int:
    from logdesk.engine.session import create_session
    from logdesk.settings import SparkSettings

    paths = [a for a in argv if not a.startswith("-")]
    verbose = "-v" in argv or "--verbose" in argv
    loghub = "--loghub" in argv
    spark = create_session(SparkSettings(master="local[2]", shuffle_partitions=4), "UTC", "logdesk-eval")
    try:
        if loghub:
            root = Path(paths[0]) if paths else DEFAULT_LOGHUB
            systems = sorted(p for p in root.iterdir() if p.is_dir() and any(p.glob("*_structured.csv")))
            if not systems:
                print(f"no loghub systems under {root}")
                return 1
            accuracies = []
            print(f"loghub: {root}")
            print(f"{'system':12s} {'accuracy':>8s} {'true':>5s} {'pred':>5s} {'masked':>6s}")
            for folder in systems:
                messages, truth = _read_loghub(folder)
                r = evaluate(spark, messages, truth)
                accuracies.append(r["mined_accuracy"])
                print(f"{folder.name:12s} {r['mined_accuracy']:8.3f} {r['true_groups']:5d} "
                      f"{r['mined_groups']:5d} {r['masked_groups']:6d}", flush=True)
                if verbose:
                    _print_groups(r["mined"], truth)
            print(f"{'mean':12s} {sum(accuracies) / len(accuracies):8.3f}")
        else:
            sample = Path(paths[0]) if paths else DEFAULT_SAMPLE
            messages, truth = _read_sample(sample)
            r = evaluate(spark, messages, truth)
            print(f"sample: {sample} ({r['messages']} messages, {r['true_groups']} true groups)")
            print(f"mined templates: accuracy {r['mined_accuracy']:.4f}, {r['mined_groups']} predicted groups")
            print(f"plain masking:   accuracy {r['masked_accuracy']:.4f}, {r['masked_groups']} predicted groups")
            if verbose:
                _print_groups(r["mined"], truth)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
