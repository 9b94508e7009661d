"""timeaxis: vectorized UTC offsets agree with zoneinfo value by value, around transitions too."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from logdesk.analysis.timeaxis import utc_offsets, wall_to_datetime


@pytest.mark.parametrize(
    "name", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
)
def test_offsets_match_zoneinfo_for_every_value(name):
    tz = ZoneInfo(name)
    start = int(datetime(2023, 1, 1, tzinfo=timezone.utc).timestamp())
    rng = np.random.default_rng(3)
    # random seconds over two years, plus every minute of the days around each transition
    epochs = rng.integers(start, start + 2 * 365 * 86400, 20_000)
    transitions = [int(datetime(2024, m, d, tzinfo=timezone.utc).timestamp()) for m, d in
                   [(3, 10), (3, 31), (4, 7), (10, 6), (10, 27), (11, 3)]]
    around = np.concatenate([np.arange(t - 86400, t + 2 * 86400, 60) for t in transitions])
    epochs = np.concatenate([epochs, around]).astype(np.int64)
    expected = [int(datetime.fromtimestamp(int(e), tz).utcoffset().total_seconds()) for e in epochs]
    assert utc_offsets(epochs, tz).tolist() == expected


def test_no_epochs_no_offsets():
    assert utc_offsets(np.zeros(0, dtype=np.int64), ZoneInfo("UTC")).shape == (0,)


def test_wall_time_in_a_dst_gap_becomes_a_real_time():
    ny = ZoneInfo("America/New_York")
    wall = int((datetime(2024, 3, 10, 2, 30) - datetime(1970, 1, 1)).total_seconds())
    assert wall_to_datetime(wall, ny).isoformat() == "2024-03-10T03:30:00-04:00"
    midnight = int((datetime(2024, 3, 10) - datetime(1970, 1, 1)).total_seconds())
    assert wall_to_datetime(midnight, ny).isoformat() == "2024-03-10T00:00:00-05:00"
