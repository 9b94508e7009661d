"""Time conversions for the window: data times are shown as wall-clock time in the run's zone."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def in_zone(moment: datetime, tz: tzinfo) -> datetime:
    """Aware datetime in `tz`; naive datetimes are taken as wall-clock time in `tz`."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=tz)
    return moment.astimezone(tz)


def wall_seconds(moment: datetime, tz: tzinfo) -> float:
    """Seconds since the epoch of the wall-clock reading in `tz`, for a UTC-labelled axis."""
    wall = in_zone(moment, tz).replace(tzinfo=timezone.utc)
    return (wall - _EPOCH).total_seconds()


def from_wall_seconds(seconds: float, tz: tzinfo) -> datetime:
    wall = _EPOCH + timedelta(seconds=float(seconds))
    return wall.replace(tzinfo=None).replace(tzinfo=tz)


def format_time(moment: datetime | None, tz: tzinfo, seconds: bool = True) -> str:
    if moment is None:
        return ""
    fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return in_zone(moment, tz).strftime(fmt)


def snap_to_bucket(moment: datetime, bucket_seconds: int, tz: tzinfo, up: bool) -> datetime:
    """`moment` moved to a bucket edge (buckets split each local hour evenly).

    The cube answers filters at bucket resolution; bounds on bucket edges make the cards (from
    the cube) and the records view (exact, in Spark) count the same records."""
    wall = in_zone(moment, tz)
    bucket = max(1, min(int(bucket_seconds), 3600))
    into_hour = wall.minute * 60 + wall.second
    floored = wall.replace(minute=0, second=0, microsecond=0) + timedelta(seconds=into_hour - into_hour % bucket)
    if up and floored != wall:
        floored += timedelta(seconds=bucket)
    return floored
