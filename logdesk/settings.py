"""Typed settings. Defaults live in config/default.yaml; see logdesk.config_loader for loading,
merging a user file over them key by key, and validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class SparkSettings:
    master: str = "local[*]"
    driver_memory: str = "2g"
    shuffle_partitions: int | None = None  # None = sized for the master
    ui_enabled: bool = False
    log_level: str = "ERROR"
    # With a cluster on other hosts (engine/driver_address.py): the address executors reach
    # the driver at ("" = the one on the route to the master), and its two fixed ports.
    driver_host: str = ""
    driver_port: int = 40401
    block_manager_port: int = 40402
    # Folders (with their subfolders) every executor mounts at the same path: with a cluster on
    # other hosts, only these (or file:// URLs) are read (logdesk/input_location.py).
    shared_folders: tuple[str, ...] = ()
    # Spark options of the user's own ((key, value) pairs, config spark.conf), given to the
    # session as they are: a Hadoop file system's client and credentials (spark.hadoop.*,
    # spark.jars.packages for s3a://), executor sizes on a cluster, ...
    conf: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PathSettings:
    output_dir: str = "logdesk-reports"  # relative to the working directory
    work_dir: str = ""  # "" = the user's cache folder (normalized copies of runs)


@dataclass(frozen=True)
class CacheSettings:
    """The per-folder cache: each input file's normalized records and its share of the
    aggregates, so an unchanged file is never read again and a grown one only from its end."""

    enabled: bool = True
    dir: str = ""  # "" = <paths.work_dir or the user's cache folder>/files
    max_size_mb: int = 4096  # least recently used entries go first beyond this


@dataclass(frozen=True)
class AlertSettings:
    error_rate_threshold: float = 0.10
    error_count_threshold: int = 100
    critical_error_count: int = 5
    new_error_type: bool = True  # alert on error types the folder's previous run did not have


@dataclass(frozen=True)
class AnalyticsSettings:
    top_n: int = 10
    trend_window: str = "1h"  # e.g. 5m, 15m, 1h, 6h, 1d

    @property
    def trend_window_seconds(self) -> int:
        return parse_duration(self.trend_window)


@dataclass(frozen=True)
class DashboardSettings:
    auto_refresh: bool = False
    auto_refresh_seconds: int = 60


DEFAULT_LEVEL_MAPPING: Mapping[str, str] = {
    "TRACE": "DEBUG", "VERBOSE": "DEBUG", "V": "DEBUG", "D": "DEBUG", "DEBUG": "DEBUG",
    "I": "INFO", "INFO": "INFO", "NOTICE": "INFO", "INFORMATION": "INFO",
    "W": "WARN", "WARN": "WARN", "WARNING": "WARN",
    "E": "ERROR", "ERR": "ERROR", "ERROR": "ERROR", "SEVERE": "ERROR",
    "CRIT": "CRITICAL", "CRITICAL": "CRITICAL", "FATAL": "CRITICAL", "F": "CRITICAL",
    "A": "CRITICAL",  # Android logcat "assert"
    "EMERG": "CRITICAL", "EMERGENCY": "CRITICAL", "ALERT": "CRITICAL", "PANIC": "CRITICAL",
    # MySQL [Note]/[System]; PostgreSQL's routine LOG, and its DETAIL/HINT/... lines, which
    # only add to the record before them (that one has the real severity: as INFO they do
    # not count one error three times); Redis . * # (its "-" stays unmapped: "-" is also
    # what an access-log line without a status has)
    "NOTE": "INFO", "SYSTEM": "INFO", "LOG": "INFO", "DETAIL": "INFO", "HINT": "INFO",
    "QUERY": "INFO", "CONTEXT": "INFO", "LOCATION": "INFO", "STATEMENT": "INFO",
    ".": "DEBUG", "*": "INFO", "#": "WARN",
    # syslog numeric severities
    "0": "CRITICAL", "1": "CRITICAL", "2": "CRITICAL", "3": "ERROR",
    "4": "WARN", "5": "INFO", "6": "INFO", "7": "DEBUG",
}


@dataclass(frozen=True)
class TextFormatSettings:
    """A user-defined plain-text log format (config `formats:`); the engine turns it into a
    logdesk.engine.text_formats.TextFormat (see there for what each field means)."""

    name: str
    pattern: str  # regex with named groups (ts or date+time, level, message, ...)
    timestamp_pattern: str | None = None  # Spark datetime pattern; None = generic parser
    yearless: bool = False
    multiline: bool = True
    skip: str | None = None  # header/directive lines: neither records nor malformed


@dataclass(frozen=True)
class TimestampLayoutSettings:
    """A timestamp layout set by config for some files (config `timestamps.layouts`): it
    replaces the layout inferred from their heads."""

    files: str  # glob, relative to the input folder ("/" between folders); no "/": any name
    layout: str  # Spark datetime pattern, e.g. "dd.MM.yy HH:mm:ss"


@dataclass(frozen=True)
class TimestampSettings:
    # first matching entry wins
    layouts: tuple[TimestampLayoutSettings, ...] = ()


@dataclass(frozen=True)
class Settings:
    spark: SparkSettings = field(default_factory=SparkSettings)
    paths: PathSettings = field(default_factory=PathSettings)
    cache: CacheSettings = field(default_factory=CacheSettings)
    alerts: AlertSettings = field(default_factory=AlertSettings)
    analytics: AnalyticsSettings = field(default_factory=AnalyticsSettings)
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    time_zone: str = "UTC"  # zone for naive timestamps and for hour/day buckets
    # raw level (upper-cased) -> one of DEBUG, INFO, WARN, ERROR, CRITICAL
    level_mapping: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_LEVEL_MAPPING))
    # user-defined plain-text formats (config key `formats`), tried before the built-in ones
    text_formats: tuple[TextFormatSettings, ...] = ()
    # timestamp layouts set per glob of files (config key `timestamps`)
    timestamps: TimestampSettings = field(default_factory=TimestampSettings)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """'15m' -> 900. Raises ValueError for anything else."""
    t = str(text).strip().lower()
    if len(t) < 2 or t[-1] not in _UNITS or not t[:-1].isdigit() or int(t[:-1]) <= 0:
        raise ValueError(f"not a duration like 30s, 15m, 1h or 1d: {text!r}")
    return int(t[:-1]) * _UNITS[t[-1]]
