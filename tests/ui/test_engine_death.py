"""The app survives its JVM. With the real engine: a pytest-qt test that kills Spark's JVM
during a run in the window, then waits for the error dialog, the new engine and a second run
(engine_death_scenario.py), in a pytest process of its own: PySpark keeps one JVM per process,
and the other tests of this process share theirs (tests/conftest.py's `spark`), which must
outlive this test. With a FakeBackend raising SparkEngineDied: what the window does about it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from logdesk.backend import ENGINE_DIED_MESSAGE, SparkEngineDied

REPO = Path(__file__).resolve().parents[2]
SCENARIO = Path(__file__).resolve().parent / "engine_death_scenario.py"


@pytest.mark.slow
def test_the_app_survives_its_spark_engine_being_killed(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp",
         str(tmp_path / "scenario"), str(SCENARIO)],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=1500,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout, done.stdout[-3000:]


class CountingStarts:
    """Wraps a FakeBackend's start() to count the engine starts."""

    def __init__(self, backend) -> None:
        self.count = 0
        real = backend.start

        def start(settings):
            self.count += 1
            real(settings)

        backend.start = start


def test_a_run_whose_engine_died_starts_a_new_one_and_says_so(
        make_window, backend, log_folder, messages, qtbot):
    starts = CountingStarts(backend)
    window = make_window(backend)
    assert starts.count == 1
    states: list[str] = []
    window.spark_state_changed.connect(states.append)
    backend.fail_with = SparkEngineDied()
    with qtbot.waitSignal(window.run_completed, timeout=10_000) as done:
        window.open_folder(log_folder)
    assert done.args == [False, ENGINE_DIED_MESSAGE]
    assert len(messages) == 1
    icon, title, text, _details = messages[0]
    assert (icon, title) == (QMessageBox.Icon.Critical, "Spark engine stopped")
    assert text == (f"Could not process {log_folder}:\nThe Spark engine stopped unexpectedly "
                    "(its Java process ended). A new Spark engine is starting; process the folder "
                    "again when the status bar says Spark: ready.")
    qtbot.waitUntil(lambda: window.spark_state == "ready", timeout=10_000)
    assert states == ["starting", "ready"] and starts.count == 2
    backend.fail_with = None
    with qtbot.waitSignal(window.run_completed, timeout=10_000) as done:
        window.open_folder(log_folder)
    assert done.args == [True, ""]
    assert len(messages) == 1


def test_an_export_whose_engine_died_says_so_once_and_restarts_spark(
        window, backend, log_folder, messages, qtbot, tmp_path):
    starts = CountingStarts(backend)
    with qtbot.waitSignal(window.run_completed, timeout=10_000):
        window.open_folder(log_folder)
    backend.export_error = SparkEngineDied()
    with qtbot.waitSignal(window.records_export_completed, timeout=10_000) as done:
        assert window.export_records_to(tmp_path / "records.csv")
    assert done.args == [False, ENGINE_DIED_MESSAGE]
    assert [(m[1], m[2]) for m in messages] == [
        ("Export failed", f"Could not write records to {tmp_path / 'records.csv'}:\n"
                          f"{ENGINE_DIED_MESSAGE}")]
    qtbot.waitUntil(lambda: window.spark_state == "ready", timeout=10_000)
    assert starts.count == 1  # the new engine (the fixture's window had started the first)
