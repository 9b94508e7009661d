"""Grouping accuracy of logdesk's error-type mining on a labelled sample.

    python build_scripts/eval_templates.py [labelled.csv]

The CSV has columns message,group (default: resources/eval/templates_labelled.csv, written by
build_scripts/make_templates_sample.py). Every message is treated as an ERROR record and goes
through the engine's own steps: masking (logdesk.engine.error_types) and template mining
(logdesk.engine.templates). A message counts as correctly grouped when the set of messages in
its predicted group equals the set in its true group (the grouping accuracy of the Loghub
benchmarks). Prints that accuracy for the mined templates and for plain masking.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyspark.sql import DataFrame  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

DEFAULT_SAMPLE = ROOT / "resources" / "eval" / "templates_labelled.csv"


def grouping_accuracy(frame: DataFrame, predicted: str, truth: str) -> tuple[float, int, int]:
    """(accuracy, true groups, predicted groups) of `predicted` against `truth` labels."""
    pairs = frame.groupBy(predicted, truth).agg(F.count(F.lit(1)).alias("both"))
    pred_sizes = frame.groupBy(predicted).agg(F.count(F.lit(1)).alias("pred_size"))
    true_sizes = frame.groupBy(truth).agg(F.count(F.lit(1)).alias("true_size"))
    row = (
        pairs.join(pred_sizes, predicted).join(true_sizes, truth)
        .agg(
            F.sum(F.when((F.col("both") == F.col("pred_size")) & (F.col("both") == F.col("true_size")),
                         F.col("both")).otherwise(0)).alias("correct"),
            F.sum("both").alias("messages"),
            F.countDistinct(truth).alias("true_groups"),
            F.countDistinct(predicted).alias("predicted_groups"),
        )
        .collect()[0]
    )
    return row["correct"] / row["messages"], row["true_groups"], row["predicted_groups"]


def main(argv: list[str]) -> int:
    from logdesk.engine.error_types import error_type
    from logdesk.engine.session import create_session
    from logdesk.engine.templates import mine_templates, with_templates
    from logdesk.settings import SparkSettings

    paths = [a for a in argv if not a.startswith("-")]
    verbose = "-v" in argv or "--verbose" in argv
    sample = Path(paths[0]) if paths else DEFAULT_SAMPLE
    spark = create_session(SparkSettings(master="local[2]", shuffle_partitions=4), "UTC", "logdesk-eval")
    try:
        labelled = spark.read.csv(str(sample), header=True, escape='"', multiLine=True)
        records = labelled.select(
            "message", "group", F.lit("ERROR").alias("level"), error_type(F.col("message")).alias("error_type")
        ).withColumn("masked", F.col("error_type"))
        mapping = mine_templates(records.select("error_type").distinct())
        mined = with_templates(records, mapping).cache()
        messages = mined.count()
        mined_acc, true_groups, mined_groups = grouping_accuracy(mined, "error_type", "group")
        masked_acc, _, masked_groups = grouping_accuracy(mined, "masked", "group")
        print(f"sample: {sample} ({messages} messages, {true_groups} true groups)")
        print(f"mined templates: accuracy {mined_acc:.4f}, {mined_groups} predicted groups")
        print(f"plain masking:   accuracy {masked_acc:.4f}, {masked_groups} predicted groups")
        if verbose:
            for row in mined.groupBy("error_type").agg(F.sort_array(F.collect_set("group")).alias("g"),
                                                       F.count("*").alias("n")).orderBy("error_type").collect():
                print(f"{row['n']:4d} {row['g']} {row['error_type']}")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
