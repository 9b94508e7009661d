"""LOGDESK_STARTUP_PROBE=1: print how long the app took from process start to a shown window.

Used to measure the packaged app's start-up (build_scripts/, tests/test_packaged_app.py).
"""

from __future__ import annotations

import os
import sys
import time

ENV_VAR = "LOGDESK_STARTUP_PROBE"
# Fallback start when the OS cannot tell: the first import of this module (early in cli.py).
_FIRST_IMPORT = time.monotonic()


def enabled() -> bool:
    return os.environ.get(ENV_VAR, "") not in ("", "0")


def seconds_since_process_start() -> float:
    """Seconds since the process started (Linux: from /proc, so the executable's own loading
    counts too; elsewhere: since this module was first imported)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # field 22 (starttime, clock ticks after boot) comes after the ")" ending the name
            fields = stat.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as uptime:
            now = float(uptime.read().split()[0])
        return now - int(fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic() - _FIRST_IMPORT


def report_window_shown() -> None:
    print(f"logdesk: window shown {seconds_since_process_start():.2f} s after process start",
          file=sys.stdout, flush=True)


__all__ = ["ENV_VAR", "enabled", "report_window_shown", "seconds_since_process_start"]
