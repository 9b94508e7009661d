"""Runs logdesk.ui.app.run_app with a FakeBackend in a process of its own (see test_app.py).

run_app ends the application's event loop; doing that inside the pytest process would leave
its QApplication unfit for the tests after it, so each test here gets a fresh process.

usage: python app_driver.py JSON  — JSON holds the namespace fields plus "qsettings" (ini path)
and optional "time_zone"."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from logdesk.settings import PathSettings, Settings  # noqa: E402
from logdesk.ui.app import run_app  # noqa: E402
from ui_fakes import FakeBackend  # noqa: E402


class ReportingBackend(FakeBackend):
    def start(self, settings):
        print(f"backend started with time zone {settings.time_zone}", flush=True)
        super().start(settings)

    def stop(self):
        print("backend stopped", flush=True)
        super().stop()


def main() -> int:
    spec = json.loads(sys.argv[1])
    args = argparse.Namespace(
        folder=Path(spec["folder"]) if spec.get("folder") else None,
        export=Path(spec["export"]) if spec.get("export") else None,
        screenshot=Path(spec["screenshot"]) if spec.get("screenshot") else None,
        exit_when_done=bool(spec.get("exit_when_done")),
        config=None,
        settings=Settings(time_zone=spec.get("time_zone", "UTC"),
                          paths=PathSettings(output_dir=spec.get("output_dir", "logdesk-reports"))),
    )
    qsettings = QSettings(spec["qsettings"], QSettings.Format.IniFormat)
    return run_app(args, backend_factory=ReportingBackend, qsettings=qsettings)


if __name__ == "__main__":
    raise SystemExit(main())
