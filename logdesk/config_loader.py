"""Load settings: config/default.yaml, then the user's file over it key by key, then overrides.

Every value is validated into the frozen dataclasses of logdesk.settings. Anything wrong raises
ConfigError with a message that names the key path, the value, what is allowed and the file the
value came from. Unknown keys are errors too: a misspelt setting must never be silently ignored.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from logdesk.paths import default_config_file, user_config_file
from logdesk.settings import (
    AlertSettings,
    AnalyticsSettings,
    DashboardSettings,
    PathSettings,
    CacheSettings,
    Settings,
    SparkSettings,
    TextFormatSettings,
    parse_duration,
)
from logdesk.spark_urls import MASTER_FORMS, validate_master

MAPPED_LEVELS: tuple[str, ...] = ("DEBUG", "INFO", "WARN", "ERROR", "CRITICAL")
SPARK_LOG_LEVELS: tuple[str, ...] = (
    "ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF"
)
OVERRIDES_SOURCE = "command line"

# Settings sections (nested mappings of scalars) and their dataclasses, in file order.
SECTIONS: dict[str, type] = {
    "spark": SparkSettings,
    "paths": PathSettings,
    "cache": CacheSettings,
    "alerts": AlertSettings,
    "analytics": AnalyticsSettings,
    "dashboard": DashboardSettings,
}
LEVEL_MAPPING = "level_mapping"
TOP_LEVEL_SCALARS: tuple[str, ...] = ("time_zone",)
# The user's plain-text formats: YAML key `formats`, Settings.text_formats. A later layer's list
# replaces an earlier one whole (entries are not merged).
FORMATS = "formats"
FORMATS_FIELD = "text_formats"


class ConfigError(ValueError):
    """Invalid configuration. str(error) is one line meant for the user."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("config error: " + "; ".join(self.problems))


# --------------------------------------------------------------------------- public API


def load_settings(user_file: Path | None = None, overrides: Mapping | None = None) -> Settings:
    """Defaults, then `user_file` (or the per-user config.yaml when it exists), then overrides."""
    layers = [_read_layer(default_config_file())]
    if user_file is not None:
        layers.append(_read_layer(Path(user_file).expanduser(), given_by_user=True))
    else:
        per_user = user_config_file()
        if per_user.is_file():
            layers.append(_read_layer(per_user))
    if overrides:
        layers.append((OVERRIDES_SOURCE, dict(overrides)))
    return _build(layers)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The settings as plain nested dicts, keyed like the YAML files."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        if f.name in SECTIONS:
            out[f.name] = dataclasses.asdict(value)
        elif f.name == FORMATS_FIELD:
            out[FORMATS] = [dataclasses.asdict(spec) for spec in value]
        elif f.name == LEVEL_MAPPING:
            out[f.name] = dict(value)
        else:
            out[f.name] = value
    return out


def save_user_settings(changes: Mapping, path: Path | None = None) -> Path:
    """Merge `changes` into the user's config file and write only what differs from defaults.

    `changes` is shaped like the YAML (e.g. {"alerts": {"top_n": 20}}); it may also be a full
    settings_to_dict(). The result is validated before anything is written, and the file is
    replaced atomically, so a failed save leaves the old file intact.
    """
    target = Path(path).expanduser() if path is not None else user_config_file()
    defaults_layer = _read_layer(default_config_file())
    layers = [defaults_layer]
    if target.is_file():
        layers.append(_read_layer(target))
    layers.append(("settings to save", dict(changes)))
    new = settings_to_dict(_build(layers))
    base = settings_to_dict(_build([defaults_layer]))
    diff = _differences(new, base)
    header = (
        "# logdesk user settings: only the values that differ from the defaults\n"
        f"# ({default_config_file()}). Written by logdesk; you may edit it.\n"
    )
    body = yaml.safe_dump(diff, sort_keys=False, allow_unicode=True) if diff else "{}\n"
    _atomic_write(target, header + body)
    return target


# --------------------------------------------------------------------------- reading files


class _Loader(yaml.SafeLoader):
    """Safe YAML where mapping keys stay the text that was written, and duplicates are errors.

    Keys as text keep level names like 0, ON or NO from turning into numbers or booleans.
    """


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a setting name must be plain text", key_node.start_mark
            )
        key = key_node.value
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_layer(path: Path, given_by_user: bool = False) -> tuple[str, dict]:
    """(source name, mapping) for one YAML file; an empty file is an empty mapping."""
    name = str(path)
    if not path.exists():
        what = "config file not found" if given_by_user else "settings file missing"
        raise ConfigError(f"{what}: {name}")
    if not path.is_file():
        raise ConfigError(f"not a file: {name}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{name} is not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name} is not valid YAML: {_yaml_problem(exc)}") from None
    if data is None:
        return name, {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{name} must hold a mapping of settings (like `alerts: ...`), "
            f"not {_type_name(data)}"
        )
    return name, data


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"{problem}{where}"


# --------------------------------------------------------------------------- merging


def _build(layers: list[tuple[str, dict]]) -> Settings:
    """Merge the layers (later wins, key by key) and validate the result."""
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}  # key path -> source of the value that won
    unknown: list[str] = []
    shape: list[str] = []
    for source, data in layers:
        _merge_layer(source, data, merged, origin, unknown, shape)
    problems = shape + ([_unknown_message(unknown)] if unknown else [])
    try:
        settings = _validate(merged, origin)
    except ConfigError as exc:  # report every problem at once, not one per attempt
        raise ConfigError(problems + exc.problems) from None
    if problems:
        raise ConfigError(problems)
    return settings


def _merge_layer(
    source: str,
    data: Mapping,
    merged: dict[str, Any],
    origin: dict[str, str],
    unknown: list[str],
    shape: list[str],
) -> None:
    for key, value in data.items():
        key = str(key)
        if key in SECTIONS:
            fields = {f.name for f in dataclasses.fields(SECTIONS[key])}
            if value is None:  # a section whose entries are all commented out
                continue
            if not isinstance(value, Mapping):
                shape.append(_problem(key, value, f"a mapping of {key} settings", source))
                continue
            section = merged.setdefault(key, {})
            for sub, sub_value in value.items():
                sub = str(sub)
                if sub not in fields:
                    unknown.append(_unknown_entry(f"{key}.{sub}", source))
                    continue
                section[sub] = sub_value
                origin[f"{key}.{sub}"] = source
        elif key == LEVEL_MAPPING:
            if value is None:
                continue
            if not isinstance(value, Mapping):
                shape.append(
                    _problem(key, value, "a mapping of raw level -> logdesk level", source)
                )
                continue
            mapping = merged.setdefault(key, {})
            for raw, level in value.items():
                if isinstance(raw, bool) or raw is None:  # from overrides built in Python
                    shape.append(_problem(f"{key} key", raw, "level text", source))
                    continue
                raw_key = str(raw).strip().upper()
                if not raw_key:
                    shape.append(_problem(f"{key} key", raw, "a non-empty level name", source))
                    continue
                mapping[raw_key] = level
                origin[f"{key}.{raw_key}"] = source
        elif key in TOP_LEVEL_SCALARS or key == FORMATS:
            merged[key] = value
            origin[key] = source
        else:
            unknown.append(_unknown_entry(key, source))


def _all_key_paths() -> list[str]:
    paths = [
        f"{section}.{f.name}" for section, cls in SECTIONS.items() for f in dataclasses.fields(cls)
    ]
    return paths + list(SECTIONS) + list(TOP_LEVEL_SCALARS) + [LEVEL_MAPPING, FORMATS]


def _unknown_entry(key_path: str, source: str) -> str:
    known = _all_key_paths()
    leaf = key_path.rsplit(".", 1)[-1]
    # A right name in the wrong section (alerts.top_n) first, then a near spelling.
    close = [k for k in known if k.rsplit(".", 1)[-1] == leaf and k != key_path][:1]
    close = close or difflib.get_close_matches(key_path, known, n=1, cutoff=0.75)
    hint = f", did you mean {close[0]}?" if close else ""
    return f"{key_path} (in {source}{hint})"


def _unknown_message(entries: list[str]) -> str:
    noun = "unknown setting" if len(entries) == 1 else "unknown settings"
    return f"{noun}: " + ", ".join(entries)


def _differences(new: dict, base: dict) -> dict:
    out: dict[str, Any] = {}
    for key, value in new.items():
        if isinstance(value, dict):
            sub = {k: v for k, v in value.items() if base.get(key, {}).get(k, _MISSING) != v}
            if sub:
                out[key] = sub
        elif base.get(key, _MISSING) != value:
            out[key] = value
    return out


_MISSING = object()


# --------------------------------------------------------------------------- validation


class _Invalid(Exception):
    """A value is not allowed; args[0] says what is."""


Validator = Callable[[Any], Any]


def _validate(merged: dict[str, Any], origin: dict[str, str]) -> Settings:
    problems: list[str] = []

    def check(path: str, value: Any, validator: Validator) -> Any:
        try:
            return validator(value)
        except _Invalid as exc:
            problems.append(_problem(path, value, str(exc), origin.get(path)))
            return None

    sections: dict[str, Any] = {}
    for name in SECTIONS:
        given = merged.get(name, {})
        values = {
            key: check(f"{name}.{key}", value, VALIDATORS[f"{name}.{key}"])
            for key, value in given.items()
        }
        sections[name] = values
    time_zone = None
    if "time_zone" in merged:
        time_zone = check("time_zone", merged["time_zone"], _time_zone)
    level_mapping = {
        raw: check(f"{LEVEL_MAPPING}.{raw}", level, _mapped_level)
        for raw, level in merged.get(LEVEL_MAPPING, {}).items()
    }
    text_formats = _text_formats(merged.get(FORMATS), origin.get(FORMATS), problems)
    if problems:
        raise ConfigError(problems)
    kwargs: dict[str, Any] = {name: SECTIONS[name](**values) for name, values in sections.items()}
    kwargs[FORMATS_FIELD] = text_formats
    if time_zone is not None:
        kwargs["time_zone"] = time_zone
    if LEVEL_MAPPING in merged:
        kwargs[LEVEL_MAPPING] = level_mapping
    return Settings(**kwargs)


def _problem(path: str, value: Any, allowed: str, source: str | None) -> str:
    where = f" in {source}" if source else ""
    return f"{path} = {_show(value)} (allowed: {allowed}){where}"


def _show(value: Any) -> str:
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the text {_show(value)}"
    return f"a {type(value).__name__}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_range(low: int, high: int | None, allowed: str) -> Validator:
    def validate(value: Any) -> int:
        if not _is_int(value) or value < low or (high is not None and value > high):
            raise _Invalid(allowed)
        return int(value)

    return validate


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("true or false")
    return value


def _master(value: Any) -> str:
    if not isinstance(value, str) or validate_master(value.strip()) is not None:
        raise _Invalid(MASTER_FORMS)
    return value.strip()


_MEMORY = re.compile(r"^(\d+)\s*([kmgt])b?$", re.IGNORECASE)
_MEMORY_UNIT = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
_MEMORY_ALLOWED = "a memory size like 512m, 2g or 8g, at least 512m"


def _driver_memory(value: Any) -> str:
    m = _MEMORY.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise _Invalid(_MEMORY_ALLOWED)
    number, unit = int(m.group(1)), m.group(2).lower()
    # Spark refuses to start a driver below ~450 MB ("System memory must be at least ...").
    if number * _MEMORY_UNIT[unit] < 512:
        raise _Invalid(_MEMORY_ALLOWED)
    return f"{number}{unit}"


def _shuffle_partitions(value: Any) -> int | None:
    if value is None:
        return None
    return _int_range(1, 100_000, "null (sized for the master) or a whole number from 1 to 100000")(
        value
    )


def _spark_log_level(value: Any) -> str:
    if not isinstance(value, str) or value.strip().upper() not in SPARK_LOG_LEVELS:
        raise _Invalid(", ".join(SPARK_LOG_LEVELS))
    return value.strip().upper()


def _output_dir(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("a folder path, absolute or relative to the working directory")
    return value.strip()


def _work_dir(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid('"" (logdesk\'s cache folder) or a folder path')
    return value.strip()


def _rate(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise _Invalid("a number between 0 and 1")
    return float(value)


_TREND_ALLOWED = "a duration from 1m to 1d that divides a day evenly, e.g. 5m, 15m, 1h, 6h, 1d"


def _trend_window(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid(_TREND_ALLOWED)
    try:
        seconds = parse_duration(value)
    except ValueError:
        raise _Invalid(_TREND_ALLOWED) from None
    # Whole minutes that tile a day keep trend buckets aligned with hour and day buckets.
    if not 60 <= seconds <= 86_400 or seconds % 60 or 86_400 % seconds:
        raise _Invalid(_TREND_ALLOWED)
    return value.strip().lower()


def _time_zone(value: Any) -> str:
    allowed = "an IANA time zone name such as UTC, Europe/Berlin or America/New_York"
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(allowed)
    try:
        ZoneInfo(value.strip())
    except Exception:  # noqa: BLE001 - ZoneInfo raises several kinds for bad names
        raise _Invalid(allowed) from None
    return value.strip()


def _mapped_level(value: Any) -> str:
    if not isinstance(value, str) or value.strip().upper() not in MAPPED_LEVELS:
        raise _Invalid("one of " + ", ".join(MAPPED_LEVELS))
    return value.strip().upper()


# Java takes group names of ASCII letters and digits only (no underscore), starting with a letter
_JAVA_GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_TIMESTAMP_GROUP = re.compile(r"^(?:ts\d*|date)$")
_FORMAT_KEYS = tuple(f.name for f in dataclasses.fields(TextFormatSettings))


def _text_formats(
    value: Any, source: str | None, problems: list[str]
) -> tuple[TextFormatSettings, ...]:
    """The `formats` list; each problem names the entry (index and name) and what is wrong."""
    where = f" (in {source})" if source else ""
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(
            f"{FORMATS} must be a list of formats (name, pattern, ...), not {_type_name(value)}"
            + where
        )
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
            problems.append(f"{flag} must be true or false, not {_show(entry[flag])}")
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


# --------------------------------------------------------------------------- writing


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


__all__ = [
    "MAPPED_LEVELS",
    "SPARK_PARSE_LETTERS",
    "ConfigError",
    "datetime_pattern_problem",
    "load_settings",
    "save_user_settings",
    "settings_to_dict",
]
