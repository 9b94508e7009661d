"""Reuse the Column expressions a run builds again and again, within one JVM.

Every PySpark Column function is a py4j round trip, and the readers' expressions (the
timestamp chain, the masks, the level map, the JSON field lookups) are built from hundreds of
them: about a third of a small folder's run was spent building plans. Those expressions do
not depend on the files (the file-specific parts, FileLookup's literals, are built per run),
and a JVM Column is immutable and resolved only inside the plan it is used in, so the same
object serves every run of the session.

Keys: the function, its plain arguments, and for a Column argument its expression text (one
round trip instead of the hundreds the expression costs). Spark Connect Columns are built in
Python without round trips: those calls are not cached.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pyspark import SparkContext
from pyspark.sql import Column
from pyspark.sql.utils import is_remote

_MAX_ENTRIES = 512
_cache: dict[tuple, Any] = {}
_jvm: list[Any] = [None]  # the JVM the cached Columns belong to (kept, so its id stays unique)

F = TypeVar("F", bound=Callable[..., Any])


def _arg_key(value: Any) -> Any:
    if isinstance(value, Column):
        jc = getattr(value, "_jc", None)
        if jc is None:
            raise _Uncacheable
        return ("col", jc.toString())
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), str(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(_arg_key(v) for v in value))
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise _Uncacheable


class _Uncacheable(Exception):
    pass


def cached_columns(fn: F) -> F:
    """Decorate a pure Column builder: same arguments in the same JVM -> the same Column(s)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        jvm = SparkContext._jvm
        if jvm is None or is_remote():
            return fn(*args, **kwargs)
        try:
            key = (fn.__module__, fn.__qualname__, tuple(_arg_key(a) for a in args),
                   tuple(sorted((k, _arg_key(v)) for k, v in kwargs.items())))
        except _Uncacheable:
            return fn(*args, **kwargs)
        if _jvm[0] is not jvm:  # a new JVM: the old Columns are gone with it
            _cache.clear()
            _jvm[0] = jvm
        if key in _cache:
            return _cache[key]
        value = fn(*args, **kwargs)
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key] = value
        return value

    return wrapper  # type: ignore[return-value]


__all__ = ["cached_columns"]
