"""Validation of config values (used by logdesk.config_loader): one validator per scalar
setting (VALIDATORS) and the helpers every check shares; the patterns a config holds (text
formats, timestamp layouts) are checked in logdesk.config_patterns.

A validator takes the merged value and returns it cleaned, or raises Invalid saying what is
allowed; list validators append one-line problems that name the entry and what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from logdesk.settings import parse_duration
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


_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                   r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _driver_host(value: Any) -> str:
    """"" (the address on the route to the master), a host name, or an IPv4/IPv6 address."""
    import ipaddress

    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if isinstance(value, str):
        text = value.strip()
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            if _HOST.match(text):
                return text
    raise Invalid('"" (the address on the route to the master), a host name or an IP address')


def _shared_folders(value: Any) -> tuple[str, ...]:
    allowed = "a list of absolute folder paths (or [])"
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip()
                                                       for v in value):
        raise Invalid(allowed)
    import os.path

    folders = tuple(os.path.expanduser(v.strip()) for v in value)
    if not all(os.path.isabs(f) for f in folders):
        raise Invalid(allowed)
    return folders


# Options logdesk sets from settings of its own: the message names the setting to use instead
_OWN_SPARK_OPTIONS = {
    "spark.master": "spark.master", "spark.driver.memory": "spark.driver_memory",
    "spark.driver.host": "spark.driver_host", "spark.driver.port": "spark.driver_port",
    "spark.driver.blockManager.port": "spark.block_manager_port",
    "spark.sql.session.timeZone": "time_zone", "spark.sql.shuffle.partitions":
    "spark.shuffle_partitions", "spark.ui.enabled": "spark.ui_enabled",
}


def _spark_conf(value: Any) -> tuple[tuple[str, str], ...]:
    allowed = ("a mapping of Spark option names (spark.…) to values, e.g. "
               "{spark.hadoop.fs.defaultFS: hdfs://namenode:8020}")
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):  # the settings' own form, (key, value) pairs
        if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in value):
            raise Invalid(allowed)
        value = dict(value)
    if not isinstance(value, dict):
        raise Invalid(allowed)
    pairs = []
    for key, item in value.items():
        if not isinstance(key, str) or not key.startswith("spark.") or isinstance(item, (dict, list)) or item is None:
            raise Invalid(allowed)
        if key in _OWN_SPARK_OPTIONS:
            raise Invalid(f"a mapping without {key} (logdesk sets it: use {_OWN_SPARK_OPTIONS[key]})")
        text = str(item).lower() if isinstance(item, bool) else str(item)
        pairs.append((key, text))
    return tuple(sorted(pairs))


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
VALIDATORS: dict[str, Validator] = {
    "spark.master": _master,
    "spark.driver_memory": _driver_memory,
    "spark.shuffle_partitions": _shuffle_partitions,
    "spark.ui_enabled": _boolean,
    "spark.log_level": _spark_log_level,
    "spark.driver_host": _driver_host,
    "spark.driver_port": _int_range(1024, 65535, "a port number from 1024 to 65535"),
    "spark.block_manager_port": _int_range(1024, 65535, "a port number from 1024 to 65535"),
    "spark.shared_folders": _shared_folders,
    "spark.conf": _spark_conf,
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


__all__ = [
    "FORMATS",
    "MAPPED_LEVELS",
    "SPARK_LOG_LEVELS",
    "TIMESTAMPS",
    "TIMESTAMPS_KEYS",
    "VALIDATORS",
    "Invalid",
    "Validator",
    "problem",
    "show",
    "type_name",
    "valid_mapped_level",
    "valid_time_zone",
]
