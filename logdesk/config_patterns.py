"""Validation of the patterns a config holds (used by logdesk.config_loader): the user's text
formats (`formats`: Python regexes with named groups, also read by Spark's Java regex engine, so
checked for Java too: logdesk.config_java_regex) and the forced timestamp layouts
(`timestamps.layouts`: Spark datetime patterns). Each problem is one line that names the entry
and what is wrong.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from logdesk.config_java_regex import java_regex_problems
from logdesk.config_validation import FORMATS, TIMESTAMPS, problem, show, type_name
from logdesk.settings import TextFormatSettings, TimestampLayoutSettings


_JAVA_GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_TIMESTAMP_GROUP = re.compile(r"^(?:ts\d*|date)$")
# what re.compile raises for a bad pattern: re.error, and OverflowError for a repeat count
# over 2**32 - 2 (x{4294967295}); ValueError and RecursionError for good measure
_COMPILE_ERRORS = (re.error, OverflowError, ValueError, RecursionError)
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
                compiled = re.compile(skip)
            except _COMPILE_ERRORS as exc:
                problems.append(f"skip is not a valid regular expression: {exc}")
            else:  # the reader matches it in Spark (rlike) too
                problems.extend(_group_name_problems(compiled, "skip "))
                problems.extend(java_regex_problems(skip, "skip"))
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
    except _COMPILE_ERRORS as exc:
        return [f"pattern is not a valid regular expression: {exc}"]
    problems = _group_name_problems(compiled, "")
    problems.extend(java_regex_problems(pattern, "pattern"))
    if not any(_TIMESTAMP_GROUP.match(g) for g in compiled.groupindex):
        problems.append(
            "pattern has no timestamp group: name it (?P<ts>...), or (?P<date>...) and "
            "(?P<time>...)"
        )
    return problems


def _group_name_problems(compiled: re.Pattern, prefix: str) -> list[str]:
    bad = [g for g in compiled.groupindex if not _JAVA_GROUP_NAME.match(g)]
    if not bad:
        return []
    return [
        prefix + "group name " + ", ".join(bad) + " cannot be used (Spark's Java regex takes "
        "letters and digits only, starting with a letter: no underscore)"
    ]


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


__all__ = ["SPARK_PARSE_LETTERS", "datetime_pattern_problem", "text_formats", "timestamp_layouts"]
