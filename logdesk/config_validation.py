"""Validation of config values (used by logdesk.config_loader): one validator per scalar
setting (VALIDATORS), the user's text formats (`formats`), the forced timestamp layouts
(`timestamps.layouts`) and Spark datetime patterns.

A validator takes the merged value and returns it cleaned, or raises Invalid saying what is
allowed; list validators append one-line problems that name the entry and what is wrong.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from logdesk.settings import TextFormatSettings, TimestampLayoutSettings, parse_duration
from logdesk.spark_urls import MASTER_FORMS, validate_master

MAPPED_LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")
SPARK_LOG_LEVELS: tuple[str, ...] = (
    "ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"
)
# The user's plain-text formats: YAML key `formats`, Settings.text_formats. A later layer's list
# replaces an earlier one whole (entries are not merged).
FORMATS = "formats"
# Forced timestamp layouts: YAML `timestamps: {layouts: [...]}`, Settings.timestamps; the list
# too is replaced whole by a later layer.
TIMESTAMPS = "timestamps"
TIMESTAMPS_KEYS: tuple[str, ...] = ("layouts",)


class Invalid(Exception):
    """A value is not allowed; args[0] says what is."""


Validator = Callable[[Any], Any]


def problem(path: str, value: Any, allowed: str, source: str | None) -> str:
    where = f" in {source}" if source else ""
    return f"{path} = {show(value)} (allowed: {allowed}){where}"


def show(value: Any) -> str:
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {show(value)}"
    return f"a {type(value).__name__}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_range(low: int, high: int | None, allowed: str) -> Validator:
    def validate(value: Any) -> int:
        if not _is_int(value) or value < low or (high is not None and value > high):
            raise Invalid(allowed)
        return int(value)

    return validate


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true or false")
    return value


def _master(value: Any) -> str:
    if not isinstance(value, str) or validate_master(value.strip()) is not None:
        raise Invalid(MASTER_FORMS)
    return value.strip()


_MEMORY = re.compile(r"^(\d+)\s*([kmgt])b?$", re.IGNORECASE)
_MEMORY_UNIT = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
_MEMORY_ALLOWED = "a memory size like 512m, 2g or 8g, at least 512m"


def _driver_memory(value: Any) -> str:
    m = _MEMORY.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise Invalid(_MEMORY_ALLOWED)
    number, unit = int(m.group(1)), m.group(2).lower()
    # Spark refuses to start a driver below ~450 MB ("System memory must be at least ...").
    if number * _MEMORY_UNIT[unit] < 512:
        raise Invalid(_MEMORY_ALLOWED)
    return f"{number}{unit}"


def _shuffle_partitions(value: Any) -> int | None:
    if value is None:
        return None
    return _int_range(1, 100_000, "null (sized for the master) or a whole number from 1 to 100000")(
        value
    )


def _spark_log_level(value: Any) -> str:
    if not isinstance(value, str) or value.strip().upper() not in SPARK_LOG_LEVELS:
        raise Invalid(", ".join(SPARK_LOG_LEVELS))
    return value.strip().upper()


def _output_dir(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("a folder path, absolute or relative to the working directory")
    return value.strip()


def _work_dir(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid('"" (logdesk\'s cache folder) or a folder path')
    return value.strip()


def _rate(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise Invalid("a number between 0 and 1")
    return float(value)


_TREND_ALLOWED = "a duration from 1m to 1d that divides a day evenly, e.g. 5m, 15m, 1h, 6h, 1d"


def _trend_window(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(_TREND_ALLOWED)
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise Invalid(_TREND_ALLOWED) from None
    # Whole minutes that tile a day keep trend buckets aligned with hour and day buckets.
    if not 60 <= seconds <= 86_400 or seconds % 60 or 86_400 % seconds:
        raise Invalid(_TREND_ALLOWED)
    return value.strip().lower()


def valid_time_zone(value: Any) -> str:
    allowed = "an IANA time zone name such as UTC, Europe/Berlin or America/New_York"
    if not isinstance(value, str) or not value.strip():
        raise Invalid(allowed)
    try:
        ZoneInfo(value.strip())
    except Exception:  # noqa: BLE001 - ZoneInfo raises several kinds for bad names
        raise Invalid(allowed) from None
    return value.strip()


def valid_mapped_level(value: Any) -> str:
    if not isinstance(value, str) or value.strip().upper() not in MAPPED_LEVELS:
        raise Invalid("one of " + ", ".join(MAPPED_LEVELS))
    return value.strip().upper()


# Java takes group names of ASCII letters and digits only (no underscore), starting with a letter
_JAVA_GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_TIMESTAMP_GROUP = re.compile(r"^(?:ts\d*|date)$")
_FORMAT_KEYS = tuple(f.name for f in dataclasses.fields(TextFormatSettings))


def _is_list(value: Any, key: str, of: str, where: str, problems: list[str]) -> bool:
    """True for a list; a problem for anything else but None (an absent key: no entries)."""
    if value is None:
        return False
    if not isinstance(value, list):
        problems.append(f"{key} must be a list of {of}, not {type_name(value)}{where}")
        return False
    return True


def text_formats(
    value: Any, source: str | None, problems: list[str]
) -> tuple[TextFormatSettings, ...]:
    """The `formats` list; each problem names the entry (index and name) and what is wrong."""
    where = f" (in {source})" if source else ""
    if not _is_list(value, FORMATS, "formats (name, pattern, ...)", where, problems):
        return ()
    specs: list[TextFormatSettings] = []
    seen: set[str] = set()
    for i, entry in enumerate(value):
        label = f"{FORMATS}[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{label} must be a mapping with name and pattern{where}")
            continue
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            label += f" ({name.strip()!r})"
        found = _format_problems(entry, seen)
        problems.extend(f"{label}: {problem}{where}" for problem in found)
        if not found:
            seen.add(entry["name"].strip())
            specs.append(
                TextFormatSettings(
                    name=entry["name"].strip(),
                    pattern=entry["pattern"],
                    timestamp_pattern=entry.get("timestamp_pattern"),
                    yearless=entry.get("yearless", False),
                    multiline=entry.get("multiline", True),
                    skip=entry.get("skip"),
                )
            )
    return tuple(specs)


def _format_problems(entry: Mapping, seen_names: set[str]) -> list[str]:
    problems: list[str] = []
    unknown = [str(k) for k in entry if k not in _FORMAT_KEYS]
    if unknown:
        problems.append(
            "unknown key " + ", ".join(unknown) + " (allowed: " + ", ".join(_FORMAT_KEYS) + ")"
        )
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name must be non-empty text")
    elif name.strip() in seen_names:
        problems.append(f"name {name.strip()!r} is used by an earlier format")
    pattern = entry.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        problems.append("pattern must be a regular expression (text)")
    else:
        problems.extend(_pattern_problems(pattern))
    timestamp_pattern = entry.get("timestamp_pattern")
    if timestamp_pattern is not None:
        problem = datetime_pattern_problem(timestamp_pattern)
        if problem:
            problems.append(
                f"timestamp_pattern {problem}; it must be a Spark datetime pattern like "
                "'yyyy-MM-dd HH:mm:ss' or null (logdesk's own timestamp parser)"
            )
    for flag in ("yearless", "multiline"):
        if flag in entry and not isinstance(entry[flag], bool):
            problems.append(f"{flag} must be true or false, not {show(entry[flag])}")
    skip = entry.get("skip")
    if skip is not None:
        if not isinstance(skip, str) or not skip:
            problems.append("skip must be a regular expression (text) or null")
        else:
            try:
                re.compile(skip)
            except re.error as exc:
                problems.append(f"skip is not a valid regular expression: {exc}")
    return problems


# Letters Spark 4 takes in a datetime pattern for parsing; others (week-based Y w W u e c,
# E F, q Q, ...) fail the whole query even in try_to_timestamp (measured).
SPARK_PARSE_LETTERS = "GyDMLdahKkHmsSVzOXxZ"


def datetime_pattern_problem(pattern: Any) -> str | None:
    """Why Spark would refuse `pattern` for parsing, or None when it takes it."""
    if not isinstance(pattern, str) or not pattern.strip():
        return "is not text"
    quoted = False
    for char in pattern:
        if char == "'":
            quoted = not quoted  # '' inside or outside quotes toggles twice: a literal quote
        elif quoted:
            continue
        elif char.isascii() and char.isalpha() and char not in SPARK_PARSE_LETTERS:
            return f"uses {char!r}, which Spark cannot parse (letters: {SPARK_PARSE_LETTERS})"
        elif char in "#{}":
            return f"uses {char!r}, reserved in Spark datetime patterns (quote it: '{char}')"
    if quoted:
        return "has an unclosed quote"
    return None


def _pattern_problems(pattern: str) -> list[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return [f"pattern is not a valid regular expression: {exc}"]
    problems: list[str] = []
    bad = [g for g in compiled.groupindex if not _JAVA_GROUP_NAME.match(g)]
    if bad:
        problems.append(
            "group name " + ", ".join(bad) + " cannot be used (Spark's Java regex takes "
            "letters and digits only, starting with a letter: no underscore)"
        )
    if not any(_TIMESTAMP_GROUP.match(g) for g in compiled.groupindex):
        problems.append(
            "pattern has no timestamp group: name it (?P<ts>...), or (?P<date>...) and "
            "(?P<time>...)"
        )
    return problems


VALIDATORS: dict[str, Validator] = {
    "spark.master": _master,
    "spark.driver_memory": _driver_memory,
    "spark.shuffle_partitions": _shuffle_partitions,
    "spark.ui_enabled": _boolean,
    "spark.log_level": _spark_log_level,
    "paths.output_dir": _output_dir,
    "paths.work_dir": _work_dir,
    "cache.enabled": _boolean,
    "cache.dir": _work_dir,
    "cache.max_size_mb": _int_range(16, 10_000_000, "a whole number of megabytes, 16 or more"),
    "alerts.error_rate_threshold": _rate,
    "alerts.error_count_threshold": _int_range(0, None, "a whole number, 0 or more"),
    "alerts.critical_error_count": _int_range(1, None, "a whole number, 1 or more"),
    "alerts.new_error_type": _boolean,
    "analytics.top_n": _int_range(1, 1000, "a whole number from 1 to 1000"),
    "analytics.trend_window": _trend_window,
    "dashboard.auto_refresh": _boolean,
    "dashboard.auto_refresh_seconds": _int_range(5, 86_400, "a whole number from 5 to 86400"),
}


# --------------------------------------------------------------------------- timestamps.layouts

_LAYOUT_KEYS = tuple(f.name for f in dataclasses.fields(TimestampLayoutSettings))
_LAYOUT_EXAMPLE = "a Spark datetime pattern like 'dd.MM.yy HH:mm:ss'"


def timestamp_layouts(
    value: Any, source: str | None, problems: list[str]
) -> tuple[TimestampLayoutSettings, ...]:
    """The `timestamps.layouts` list: each entry a glob (`files`) and a Spark datetime pattern
    (`layout`); each problem names the entry's key path."""
    where = f" (in {source})" if source else ""
    key = f"{TIMESTAMPS}.layouts"
    if not _is_list(value, key, "entries with files and layout", where, problems):
        return ()
    rules: list[TimestampLayoutSettings] = []
    for i, entry in enumerate(value):
        label = f"{key}[{i}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{label} must be a mapping with files and layout{where}")
            continue
        found = _layout_problems(label, entry)
        problems.extend(f"{problem}{where}" for problem in found)
        if not found:
            files = entry["files"].strip().replace("\\", "/")
            rules.append(TimestampLayoutSettings(files=files, layout=entry["layout"]))
    return tuple(rules)


def _layout_problems(label: str, entry: Mapping) -> list[str]:
    problems: list[str] = []
    unknown = [str(k) for k in entry if k not in _LAYOUT_KEYS]
    if unknown:
        problems.append(
            f"{label}: unknown key " + ", ".join(unknown) + " (allowed: "
            + ", ".join(_LAYOUT_KEYS) + ")"
        )
    files = entry.get("files")
    if not isinstance(files, str) or not files.strip():
        problems.append(f"{label}.files = {show(files)} (allowed: a glob such as "
                        "'legacy/*.log' or '*.txt', relative to the input folder)")
    elif files.strip().startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", files.strip()):
        problems.append(f"{label}.files = {show(files)} (allowed: a glob relative to the "
                        "input folder, not an absolute path)")
    layout = entry.get("layout")
    problem = datetime_pattern_problem(layout) or _optional_sections_problem(layout)
    if problem:
        problems.append(f"{label}.layout = {show(layout)} {problem}; it must be "
                        + _LAYOUT_EXAMPLE)
    return problems


def _optional_sections_problem(pattern: str) -> str | None:
    """Unbalanced [ ] (optional sections) outside quotes."""
    depth, quoted = 0, False
    for char in pattern:
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "[":
            depth += 1
        elif not quoted and char == "]":
            depth -= 1
            if depth < 0:
                return "has a ] without ["
    return "has a [ without ]" if depth else None


__all__ = [
    "FORMATS",
    "MAPPED_LEVELS",
    "SPARK_LOG_LEVELS",
    "SPARK_PARSE_LETTERS",
    "TIMESTAMPS",
    "TIMESTAMPS_KEYS",
    "VALIDATORS",
    "Invalid",
    "Validator",
    "datetime_pattern_problem",
    "problem",
    "show",
    "text_formats",
    "timestamp_layouts",
    "type_name",
    "valid_mapped_level",
    "valid_time_zone",
]
