"""run_app: the window from the command line, with export, screenshot and exit code.

Each run is a process of its own, as it is for a user (run_app ends the event loop)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from logdesk.ui.app import app_icon

DRIVER = Path(__file__).resolve().parent / "app_driver.py"


def _run(tmp_path, **spec) -> subprocess.CompletedProcess:
    spec.setdefault("qsettings", str(tmp_path / "ui.ini"))
    spec.setdefault("output_dir", str(tmp_path / "default-out"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(DRIVER), json.dumps(spec)], capture_output=True,
                          text=True, timeout=120, env=env)


def test_folder_export_screenshot_and_exit(log_folder, tmp_path):
    shot = tmp_path / "shots" / "window.png"
    out = tmp_path / "reports"
    done = _run(tmp_path, folder=str(log_folder), export=str(out), screenshot=str(shot), exit_when_done=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "backend stopped" in done.stdout  # Spark is stopped on the way out
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 700
    summary = json.loads((out / "json" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["records"] == 57


def test_failed_run_exits_with_1(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _run(tmp_path, folder=str(empty), exit_when_done=True)
    assert done.returncode == 1
    assert "no files to read" in done.stderr


def test_settings_come_from_the_cli_namespace(tmp_path):
    # cli.py passes the loaded Settings on the namespace
    done = _run(tmp_path, exit_when_done=True, time_zone="Europe/Berlin")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "backend started with time zone Europe/Berlin" in done.stdout


def test_icon_exists(qapp):
    assert not app_icon().isNull()


def test_qt_bindings_survive_a_long_session():
    # PySide6 6.12.0 on Python 3.11 drops a reference to None or True on every void call and
    # every emit, and this loop ends in "Fatal Python error" (pyproject.toml pins below it).
    code = (
        "import logdesk.ui\n"
        "from PySide6.QtCore import QObject, Signal\n"
        "class P(QObject):\n"
        "    s = Signal()\n"
        "p = P()\n"
        "for _ in range(300_000):\n"
        "    p.setObjectName('x'); p.s.emit()\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
