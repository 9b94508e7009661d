"""Load settings: config/default.yaml, then the user's file over it key by key, then overrides.

Every value is validated (logdesk.config_validation) into the frozen dataclasses of logdesk.settings. Anything wrong raises
ConfigError with a message that names the key path, the value, what is allowed and the file the
value came from. Unknown keys are errors too: a misspelt setting must never be silently ignored.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from logdesk.config_patterns import (
    SPARK_PARSE_LETTERS,
    datetime_pattern_problem,
    text_formats,
    timestamp_layouts,
)
from logdesk.config_validation import (
    FORMATS,
    MAPPED_LEVELS,
    SPARK_LOG_LEVELS,
    TIMESTAMPS,
    TIMESTAMPS_KEYS,
    VALIDATORS,
    Invalid,
    Validator,
    problem,
    type_name,
    valid_mapped_level,
    valid_time_zone,
)
from logdesk.paths import default_config_file, user_config_file
from logdesk.settings import (
    AlertSettings,
    AnalyticsSettings,
    CacheSettings,
    DashboardSettings,
    PathSettings,
    Settings,
    SparkSettings,
    TimestampSettings,
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
            if f.name == "spark":
                out[f.name]["conf"] = dict(value.conf)  # YAML's form: a mapping
        elif f.name == FORMATS_FIELD:
            out[FORMATS] = [dataclasses.asdict(spec) for spec in value]
        elif f.name == TIMESTAMPS:
            out[TIMESTAMPS] = {"layouts": [dataclasses.asdict(rule) for rule in value.layouts]}
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
            f"not {type_name(data)}"
        )
    return name, data


def _yaml_problem(exc: yaml.YAMLError) -> str:
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"{what}{where}"


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
                shape.append(problem(key, value, f"a mapping of {key} settings", source))
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
                    problem(key, value, "a mapping of raw level -> logdesk level", source)
                )
                continue
            mapping = merged.setdefault(key, {})
            for raw, level in value.items():
                if isinstance(raw, bool) or raw is None:  # from overrides built in Python
                    shape.append(problem(f"{key} key", raw, "level text", source))
                    continue
                raw_key = str(raw).strip().upper()
                if not raw_key:
                    shape.append(problem(f"{key} key", raw, "a non-empty level name", source))
                    continue
                mapping[raw_key] = level
                origin[f"{key}.{raw_key}"] = source
        elif key == TIMESTAMPS:
            if value is None:
                continue
            if not isinstance(value, Mapping):
                shape.append(problem(key, value, "a mapping with layouts", source))
                continue
            section = merged.setdefault(key, {})
            for sub, sub_value in value.items():
                if str(sub) not in TIMESTAMPS_KEYS:
                    unknown.append(_unknown_entry(f"{key}.{sub}", source))
                    continue
                section[str(sub)] = sub_value  # a later layer's list replaces it whole
                origin[f"{key}.{sub}"] = source
        elif key in TOP_LEVEL_SCALARS or key == FORMATS:
            merged[key] = value
            origin[key] = source
        else:
            unknown.append(_unknown_entry(key, source))


def _all_key_paths() -> list[str]:
    paths = [
        f"{section}.{f.name}" for section, cls in SECTIONS.items() for f in dataclasses.fields(cls)
    ]
    return paths + list(SECTIONS) + list(TOP_LEVEL_SCALARS) + [
        LEVEL_MAPPING, FORMATS, TIMESTAMPS, *(f"{TIMESTAMPS}.{k}" for k in TIMESTAMPS_KEYS)]


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


def _validate(merged: dict[str, Any], origin: dict[str, str]) -> Settings:
    problems: list[str] = []

    def check(path: str, value: Any, validator: Validator) -> Any:
        try:
            return validator(value)
        except Invalid as exc:
            problems.append(problem(path, value, str(exc), origin.get(path)))
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
        time_zone = check("time_zone", merged["time_zone"], valid_time_zone)
    level_mapping = {
        raw: check(f"{LEVEL_MAPPING}.{raw}", level, valid_mapped_level)
        for raw, level in merged.get(LEVEL_MAPPING, {}).items()
    }
    formats = text_formats(merged.get(FORMATS), origin.get(FORMATS), problems)
    layouts_key = f"{TIMESTAMPS}.layouts"
    layouts = timestamp_layouts(
        merged.get(TIMESTAMPS, {}).get("layouts"), origin.get(layouts_key), problems
    )
    if problems:
        raise ConfigError(problems)
    kwargs: dict[str, Any] = {name: SECTIONS[name](**values) for name, values in sections.items()}
    kwargs[FORMATS_FIELD] = formats
    kwargs[TIMESTAMPS] = TimestampSettings(layouts=layouts)
    if time_zone is not None:
        kwargs["time_zone"] = time_zone
    if LEVEL_MAPPING in merged:
        kwargs[LEVEL_MAPPING] = level_mapping
    return Settings(**kwargs)



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
    "VALIDATORS",
    "SPARK_PARSE_LETTERS",
    "ConfigError",
    "datetime_pattern_problem",
    "load_settings",
    "save_user_settings",
    "settings_to_dict",
]
