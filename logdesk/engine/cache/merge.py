"""The partial aggregates of every file of a run -> the run's Cube and error-type details.

No Spark: the tables are small (one row per bucket x level x key of each file). The files'
facts (in memory, or the Parquet Spark wrote) are read one file at a time, split by cube table
and summed a few files at a time, so a run's peak memory is its largest cube table (the IPs),
not all of its facts. Templates are mined over the masked messages of all files' records
(engine/mining.py: a function of that multiset, not of the order files arrive in), each file's
masked keys are mapped to their templates and the facts are summed again; an error type is the
template of error records. Fresh runs take the same path as runs answered from the cache, so
both give the same reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import numpy as np
from logdesk.engine.mining import mine_templates
from logdesk.engine.partials import GID_LEVELS, GID_OF_DIMENSION, NO_TYPE
from logdesk.results import ERROR_LEVELS, LEVELS, MISSING_KEY, Cube, ErrorTypeInfo, FactTable

# Arrow buffers from the C allocator, not mimalloc (pyarrow's default): mimalloc keeps the
# pages of freed temporaries, so merging 5M records' facts peaked at 326 MB of Python process
# memory instead of 264 MB (build_scripts/benchmark.py's target is < 300 MB).
pa.set_memory_pool(pa.system_memory_pool())

_ERROR_LEVEL_INDEXES = pa.array([i for i, name in enumerate(LEVELS) if name in ERROR_LEVELS], pa.int8())
# Services listed per error type (alphabetically first ones); service_count has them all.
MAX_SERVICES = 5


@dataclass(frozen=True)
class Merged:
    cube: Cube
    error_types: tuple[ErrorTypeInfo, ...]
    templates: Mapping[str, str]  # masked message -> mined template (what the records view maps)
    # the templates of the error records of the files mined from (unfiltered)
    error_templates: frozenset[str] = frozenset()


def _template_key(masked: str | None, mapping: Mapping[str, str]) -> str:
    if masked is None or masked == NO_TYPE:
        return MISSING_KEY
    template = mapping.get(masked, masked)
    return template if template.strip(" ") else MISSING_KEY


FactSource = pa.Table | Path | str | None  # facts in memory, or a Parquet file or folder of them
_FACT_COLUMNS = ["bucket", "level", "key", "count", "first_ms", "last_ms"]
_REDUCE_ROWS = 400_000  # source rows gathered before they are summed into the running table


def merge_partials(
    facts: Sequence[FactSource], patterns: Sequence[pa.Table], bucket_seconds: int, time_zone: str,
    mine_from: Sequence[pa.Table] | None = None, check: Callable[[], None] = lambda: None,
) -> Merged:
    """mine_from: the patterns tables whose masked messages are mined (default `patterns`). A
    run under a record filter passes its files' unfiltered tables, so that its templates (and
    the folder's known types) do not depend on the filter. `check` is called between steps
    (a cancelled run raises there)."""
    fact_rows = [f for f in facts if f is not None]
    pattern_rows = _concat(patterns)
    mined_rows = pattern_rows if mine_from is None else _concat(mine_from)
    mapping = mine_templates(_masked_counts(mined_rows))
    check()

    summers = {GID_LEVELS: _Summer(None, keyed=False)}
    for d, gid in GID_OF_DIMENSION.items():
        summers[gid] = _Summer(mapping if d == "pattern" else None, keyed=True)
    for rows in _sources(fact_rows):  # each source read once, split by table
        check()
        gid = rows.column("gid")
        for table_gid, summer in summers.items():
            summer.add(rows.filter(pc.equal(gid, table_gid)))
        del rows, gid
        pa.default_memory_pool().release_unused()
    check()
    levels = summers[GID_LEVELS].result()
    dims = {}
    for d, gid in GID_OF_DIMENSION.items():
        check()
        dims[d] = summers[gid].result()
    del summers
    error_rows = _error_rows(pattern_rows)
    details, samples = _details(error_rows, mapping, time_zone)
    cube = Cube(
        bucket_seconds=bucket_seconds,
        time_zone=time_zone,
        levels=levels,
        dims=dims,
        error_type_samples=samples,
        pattern_samples=_samples(pattern_rows, mapping),
    )
    mined_errors = error_rows if mine_from is None else _error_rows(mined_rows)
    error_templates = frozenset(
        _template_key(m, mapping) for m in ([] if mined_errors is None else mined_errors.column("masked").to_pylist())
    )
    pa.default_memory_pool().release_unused()  # the temporaries above; the cube is numpy
    return Merged(cube=cube, error_types=details, templates=mapping, error_templates=error_templates)


def _masked_counts(rows: pa.Table | None) -> dict[str, int]:
    """Records per masked message (every record has a patterns row)."""
    if rows is None:
        return {}
    summed = rows.group_by("masked", use_threads=False).aggregate([("count", "sum")])
    return {
        m: int(n) for m, n in zip(summed.column("masked").to_pylist(), summed.column("count_sum").to_pylist())
        if m and m != NO_TYPE
    }


def _error_rows(rows: pa.Table | None) -> pa.Table | None:
    """The patterns rows of ERROR and CRITICAL records."""
    if rows is None:
        return None
    errors = rows.filter(pc.is_in(rows.column("level"), _ERROR_LEVEL_INDEXES))
    return errors if errors.num_rows else None


def _samples(rows: pa.Table | None, mapping: Mapping[str, str]) -> dict[str, str]:
    """template -> its smallest message, whatever the level."""
    samples: dict[str, str] = {}
    if rows is None:
        return samples
    for masked, sample in zip(rows.column("masked").to_pylist(), rows.column("sample").to_pylist()):
        key = _template_key(masked, mapping)
        if sample is not None and (key not in samples or sample < samples[key]):
            samples[key] = sample
    return samples


def _concat(tables: Sequence[pa.Table]) -> pa.Table | None:
    present = [t for t in tables if t is not None and t.num_rows]
    if not present:
        return None
    return pa.concat_tables([t.select(present[0].column_names) for t in present])


def _empty_facts() -> pa.Table:
    return pa.table({
        "bucket": pa.array([], pa.int64()), "level_index": pa.array([], pa.int8()),
        "key": pa.array([], pa.string()), "count": pa.array([], pa.int64()),
        "first_ms": pa.array([], pa.int64()), "last_ms": pa.array([], pa.int64()),
    })


def _sources(sources: Sequence[FactSource]) -> Iterator[pa.Table]:
    """Each source's fact rows (gid and the fact columns), one source at a time."""
    for source in sources:
        if isinstance(source, pa.Table):
            yield source.select(["gid", *_FACT_COLUMNS])
        else:
            yield pq.read_table(source, columns=["gid", *_FACT_COLUMNS])


def _keyed(part: pa.Table, mapping: Mapping[str, str] | None, keyed: bool) -> pa.Table:
    """A source's rows as (bucket, level_index, key, count, first_ms, last_ms); error types
    by their mined template."""
    keys = part.column("key")
    if mapping is not None:
        unique = pc.unique(keys)
        mapped = pa.array([_template_key(k, mapping) for k in unique.to_pylist()], pa.string())
        keys = mapped.take(pc.index_in(keys, unique))
    elif not keyed:
        keys = pa.array([""] * part.num_rows, pa.string())
    return pa.table({
        "bucket": part.column("bucket").cast(pa.int64()),
        "level_index": part.column("level").cast(pa.int8()),
        "key": keys.cast(pa.string()),
        "count": part.column("count").cast(pa.int64()),
        "first_ms": part.column("first_ms").cast(pa.int64()),
        "last_ms": part.column("last_ms").cast(pa.int64()),
    })


def _reduce(tables: list[pa.Table]) -> pa.Table:
    summed = pa.concat_tables(tables).group_by(["bucket", "level_index", "key"], use_threads=False).aggregate(
        [("count", "sum"), ("first_ms", "min"), ("last_ms", "max")]
    )
    return summed.rename_columns({"count_sum": "count", "first_ms_min": "first_ms", "last_ms_max": "last_ms"})


class _Summer:
    """One cube table, summed over the sources a few at a time: sums, minima and maxima do
    not depend on the grouping, and the driver holds the running sums plus at most
    _REDUCE_ROWS rows of the sources (5M records: the IP rows of all files are 1.5M)."""

    def __init__(self, mapping: Mapping[str, str] | None, keyed: bool) -> None:
        self._mapping, self._keyed = mapping, keyed
        self._summed: pa.Table | None = None
        self._pending: list[pa.Table] = []
        self._rows = 0

    def add(self, part: pa.Table) -> None:
        if part.num_rows == 0:
            return
        self._pending.append(_keyed(part, self._mapping, self._keyed))
        self._rows += part.num_rows
        if self._rows >= _REDUCE_ROWS:
            self._reduce()

    def _reduce(self) -> None:
        if self._pending:
            self._summed = _reduce([t for t in (self._summed, *self._pending) if t is not None])
            self._pending, self._rows = [], 0

    def result(self) -> FactTable:
        self._reduce()
        summed, self._summed = self._summed, None
        return _fact_table(_empty_facts() if summed is None else summed, self._keyed)


def _details(
    rows: pa.Table | None, mapping: Mapping[str, str], time_zone: str
) -> tuple[tuple[ErrorTypeInfo, ...], dict[str, str]]:
    if rows is None:
        return (), {}
    acc: dict[str, list] = {}  # key -> [count, first, last, services, sample]
    for masked, service, count, first, last, sample in zip(
        *(rows.column(c).to_pylist() for c in ("masked", "service", "count", "first_ms", "last_ms", "sample"))
    ):
        key = _template_key(masked, mapping)
        slot = acc.get(key)
        if slot is None:
            slot = acc[key] = [0, first, last, set(), sample]
        slot[0] += int(count)
        slot[1] = min(slot[1], first)
        slot[2] = max(slot[2], last)
        if service is not None and service.strip(" "):
            slot[3].add(service)
        if sample is not None and (slot[4] is None or sample < slot[4]):
            slot[4] = sample
    tz = ZoneInfo(time_zone)

    def at(ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, tz)

    infos = []
    for key, (count, first, last, services, sample) in acc.items():
        ordered = sorted(services)
        infos.append(ErrorTypeInfo(
            template=key, count=count, first_seen=at(first), last_seen=at(last),
            services=tuple(ordered[:MAX_SERVICES]), service_count=len(ordered), sample=sample or "",
        ))
    samples = {key: (slot[4] or "") for key, slot in acc.items()}
    return tuple(sorted(infos, key=lambda i: (-i.count, i.template))), samples


def _fact_table(rows: "pa.Table", keyed: bool) -> FactTable:
    """rows: (gid, bucket, level_index, key, count, first_ms, last_ms, sample) of one set."""
    if rows.num_rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return FactTable(
            keys=(), bucket=empty, level=empty.astype(np.int8), key=empty.astype(np.int32),
            count=empty, first_ms=empty, last_ms=empty.copy(),
        )
    if rows.column("bucket").null_count:
        raise ValueError(
            "build_cube got records without a timestamp; they belong in the malformed rows"
        )

    def numbers(name: str, dtype) -> np.ndarray:
        return rows.column(name).to_numpy().astype(dtype, copy=False)

    if keyed:
        encoded = pc.dictionary_encode(rows.column("key")).combine_chunks()
        names = encoded.dictionary.to_pylist()
        order = sorted(range(len(names)), key=names.__getitem__)
        keys = tuple(names[i] for i in order)
        position = np.empty(len(names), dtype=np.int32)
        position[order] = np.arange(len(names), dtype=np.int32)
        key_index = position[encoded.indices.to_numpy()]
    else:
        keys = ()
        key_index = np.zeros(rows.num_rows, dtype=np.int32)
    table = FactTable(
        keys=keys,
        bucket=numbers("bucket", np.int64),
        level=numbers("level_index", np.int8),
        key=key_index,
        count=numbers("count", np.int64),
        first_ms=numbers("first_ms", np.int64),
        last_ms=numbers("last_ms", np.int64),
    )
    return _sorted_table(table)


def _sorted_table(table: FactTable) -> FactTable:
    """Rows in (bucket, level, key) order, so equal inputs give equal cubes."""
    order = np.lexsort((table.key, table.level, table.bucket))
    return FactTable(
        keys=table.keys,
        bucket=table.bucket[order],
        level=table.level[order],
        key=table.key[order],
        count=table.count[order],
        first_ms=table.first_ms[order],
        last_ms=table.last_ms[order],
    )


__all__ = ["MAX_SERVICES", "Merged", "merge_partials"]
