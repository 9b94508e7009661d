"""The window over the real SparkBackend when Spark's JVM is killed during a run.

Not collected by the test run itself (its name does not start with test_): killing the JVM
would kill the session every other test in that process shares, and PySpark holds one JVM
per process. tests/ui/test_engine_death.py runs this file with pytest in a process of its
own; the session here is the window's own (the shared `spark` fixture is never asked for).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from fault_helpers import spark_jvms, write_big_csv
from logdesk.settings import PathSettings, Settings, SparkSettings
from ui_fakes import card

ROWS = 20_000  # every 10th an ERROR: 2,000 errors


def test_the_window_survives_the_death_of_its_spark_engine(qtbot, qsettings, tmp_path):
    from logdesk.engine.backend import SparkBackend
    from logdesk.ui.main_window import MainWindow

    folder = write_big_csv(tmp_path / "logs", ROWS)
    settings = Settings(
        spark=SparkSettings(master="local[1]", shuffle_partitions=2, driver_memory="1g"),
        paths=PathSettings(output_dir=str(tmp_path / "reports"), work_dir=str(tmp_path / "work")),
        time_zone="UTC",
    )
    window = MainWindow(SparkBackend(warm_up=False), settings, qsettings=qsettings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.spark_state == "ready", timeout=600_000)
    assert window.spark_label.text() == "Spark: ready"
    first_jvm = spark_jvms(os.getpid())
    assert len(first_jvm) == 1, first_jvm

    seen: list[tuple[str, str, str, str]] = []

    def answer_the_dialog() -> None:
        # runs inside the dialog's own event loop (QMessageBox.exec): read it, click OK
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible() and not seen:
                seen.append((widget.windowTitle(), widget.text(), window.spark_state,
                             window.spark_label.text()))
                qtbot.mouseClick(widget.button(QMessageBox.StandardButton.Ok),
                                 Qt.MouseButton.LeftButton)

    closer = QTimer()
    closer.timeout.connect(answer_the_dialog)
    closer.start(50)
    with qtbot.waitSignal(window.run_completed, timeout=600_000) as died:
        window.open_folder(folder)
        qtbot.waitUntil(lambda: window.stage_label.text() == "read & normalize", timeout=600_000)
        os.kill(first_jvm[0], signal.SIGKILL)
    closer.stop()
    assert died.args[0] is False
    assert died.args[1].startswith("the Spark engine stopped unexpectedly"), died.args
    assert len(seen) == 1, seen
    title, text, state, label = seen[0]
    assert title == "Spark engine stopped"
    assert text.startswith(f"Could not process {folder}:\nThe Spark engine stopped unexpectedly "
                           "(its Java process ended). A new Spark engine is starting;"), text
    assert (state, label) == ("starting", "Spark: restarting…")  # while the dialog was up
    assert not window.is_running

    # a new engine starts by itself; the status bar follows it
    qtbot.waitUntil(lambda: window.spark_state == "ready", timeout=600_000)
    assert window.spark_label.text() == "Spark: ready"
    second_jvm = spark_jvms(os.getpid())
    assert len(second_jvm) == 1 and second_jvm != first_jvm, (first_jvm, second_jvm)

    with qtbot.waitSignal(window.run_completed, timeout=600_000) as done:
        window.open_folder(folder)
    assert done.args == [True, ""], done.args
    assert card(window, "total") == f"{ROWS:,}"
    assert card(window, "errors") == f"{ROWS // 10:,}"
    assert card(window, "malformed") == "0"

    window.close()
    assert not window.engine.thread.isRunning()
    from pyspark import SparkContext

    # the new session was the window's own, so closing it stopped it (PySpark keeps its JVM
    # for the process's life, ready for the next session)
    assert SparkContext._active_spark_context is None
