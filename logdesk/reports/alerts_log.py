"""The alert history: alerts.log, one JSON object per line, one line per alert raised.

Processing the same data again raises the same alerts; they are not written twice. An entry
counts as already there when its input folder, rule, data fingerprint, evidence span and value
all match an existing line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from logdesk.reports.atomic import PendingFile, commit_files
from logdesk.reports.formats import alert_dict, filter_dict, iso_ms
from logdesk.results import Alert, Analytics, RunResult

ALERTS_LOG_NAME = "alerts.log"
_IDENTITY = ("input_folder", "rule", "fingerprint", "evidence_start", "evidence_end", "value")


def data_fingerprint(run: RunResult, analytics: Analytics) -> str:
    """Changes whenever the data behind the alerts changes: per-file ingest counts, the
    analysed totals and time span, and both filters."""
    tz = ZoneInfo(analytics.time_zone)
    payload = {
        "files": [
            [f.path, f.format, f.encoding, f.data_lines, f.parsed_rows, f.malformed_rows]
            for f in run.ingest.files
        ],
        "total": analytics.total,
        "errors": analytics.errors,
        "by_level": dict(analytics.by_level),
        "first_seen": iso_ms(analytics.first_seen, tz),
        "last_seen": iso_ms(analytics.last_seen, tz),
        "filter": filter_dict(analytics.filter, tz),
        "applied_filter": filter_dict(run.applied_filter, tz),
        "time_zone": analytics.time_zone,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def history_entry(
    alert: Alert, run_time: datetime, input_folder: str, data_fingerprint: str
) -> dict:
    tz = run_time.tzinfo or ZoneInfo("UTC")  # only used for naive times
    return {
        "run_time": iso_ms(run_time, tz),
        "input_folder": input_folder,
        **alert_dict(alert, tz),
        "fingerprint": data_fingerprint,
    }


def _identity(entry: dict) -> tuple:
    start, end = entry.get("evidence_start"), entry.get("evidence_end")
    # compare instants, not spellings: the same moment may be written with another offset
    return (
        entry.get("input_folder"), entry.get("rule"), entry.get("fingerprint"),
        _instant(start), _instant(end), entry.get("value"),
    )


def _instant(text) -> object:
    if not isinstance(text, str):
        return text
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return moment.timestamp() if moment.tzinfo is not None else text


def read_alert_history(log_path: Path) -> list[dict]:
    """Every readable entry, oldest first; broken or foreign lines are skipped."""
    try:
        raw = Path(log_path).read_bytes()
    except FileNotFoundError:
        return []
    entries = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def new_history_content(
    log_path: Path,
    alerts: Iterable[Alert],
    run_time: datetime,
    input_folder: str,
    data_fingerprint: str,
) -> tuple[bytes, int]:
    """The log's content after appending the alerts not logged yet, and how many those are."""
    path = Path(log_path)
    try:
        existing = path.read_bytes()
    except FileNotFoundError:
        existing = b""
    seen = {_identity(e) for e in read_alert_history(path)} if existing else set()
    lines = []
    for alert in alerts:
        entry = history_entry(alert, run_time, input_folder, data_fingerprint)
        identity = _identity(entry)
        if identity in seen:
            continue
        seen.add(identity)
        lines.append(json.dumps(entry, sort_keys=True, ensure_ascii=False))
    if not lines:
        return existing, 0
    # a torn last line from an interrupted writer must not swallow the first new entry
    separator = b"\n" if existing and not existing.endswith(b"\n") else b""
    added = ("\n".join(lines) + "\n").encode("utf-8")
    return existing + separator + added, len(lines)


def append_alert_history(
    log_path: Path,
    alerts: Sequence[Alert],
    run_time: datetime,
    input_folder: str,
    data_fingerprint: str,
) -> int:
    """Append the alerts not logged yet (replacing the file atomically); returns how many."""
    path = Path(log_path)
    content, added = new_history_content(path, alerts, run_time, input_folder, data_fingerprint)
    if added:
        commit_files([PendingFile(path, content)], path.parent)
    return added
