"""The main area says what a run is doing from the moment a folder is opened: waiting for
Spark, the stage and progress, whether the dashboard below is the previous folder's; Cancel
works throughout; the window goes at once when closed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from logdesk.ui.run_status import time_text
from ui_fakes import FakeBackend, process


def test_time_text_estimates_only_with_progress_to_go_on():
    assert time_text(0, 0) == "0 s so far"
    assert time_text(1.0, 0.5) == "1 s so far"  # too early for an estimate
    assert time_text(10, 0.25) == "10 s so far, about 30 s left"
    assert time_text(90, 0.5) == "1 min 30 s so far, about 1 min 30 s left"
    assert time_text(10, 0.01) == "10 s so far"
    assert time_text(7300, 0.999).startswith("2 h 01 min so far")


def test_waiting_for_spark_shows_in_the_main_area_and_cancel_works(make_window, log_folder, qtbot):
    backend = FakeBackend(start_delay=3.0)
    window = make_window(backend, wait_ready=False)
    window.open_folder(log_folder)
    panel = window.run_panel
    assert panel.isVisible()
    assert panel.title.text() == f"Waiting for Spark to start, then processing {log_folder.resolve()}"
    assert window.stack.currentWidget() is window.busy_page  # not "Drop a folder of logs here"
    assert window.cancel_action.isEnabled() and panel.cancel_button.isEnabled()
    with qtbot.waitSignal(window.run_completed, timeout=5_000) as done:
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert done.args == [False, "cancelled"]
    assert not panel.isVisible()
    assert window.stack.currentWidget() is window.welcome
    qtbot.waitUntil(lambda: window.spark_state == "ready", timeout=15_000)
    qtbot.wait(100)
    assert backend.runs == []  # the cancelled folder never ran


def test_a_run_shows_its_stage_and_progress(make_window, log_folder, qtbot):
    backend = FakeBackend(run_delay=1.0)
    window = make_window(backend)
    window.open_folder(log_folder)
    panel = window.run_panel
    # FakeBackend.run reports "read & normalize" at 20 % and then waits
    qtbot.waitUntil(lambda: panel.stage.text() == "read & normalize — 20%", timeout=5_000)
    assert panel.bar.value() == 200
    assert panel.detail.text() == "2 files: 3 of 8 Spark tasks done"  # what the stage has done
    assert panel.title.text() == f"Processing {log_folder.resolve()}"
    assert panel.times.text().endswith("so far")
    assert not panel.note.isVisible()  # nothing on screen yet to be stale
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10_000)
    assert window.stack.currentWidget() is window.dashboard


def test_a_second_folder_says_the_dashboard_is_the_first_ones(make_window, log_folder, tmp_path, qtbot):
    backend = FakeBackend()
    window = make_window(backend)
    process(window, qtbot, log_folder)
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.log").write_text("2024-03-01 00:00:00 INFO x\n", encoding="utf-8")
    backend.run_delay = 1.0
    window.open_folder(other)
    panel = window.run_panel
    assert panel.isVisible()
    assert panel.note.isVisible()
    assert panel.note.text() == (f"The dashboard below still shows {log_folder.resolve()} "
                                 "until this run ends.")
    assert window.stack.currentWidget() is window.dashboard
    with qtbot.waitSignal(window.run_completed, timeout=10_000):
        pass
    assert not panel.isVisible()


def test_the_welcome_hint_is_not_cut(make_window, qtbot):
    window = make_window(FakeBackend())
    window.resize(1200, 800)
    qtbot.waitExposed(window)
    hint = window.welcome_hint
    qtbot.waitUntil(lambda: hint.height() > 0)
    assert hint.height() >= hint.heightForWidth(hint.width())
    assert hint.height() >= 2 * hint.fontMetrics().height()  # it wraps to two lines at least


def test_the_window_goes_at_once_when_closed(make_window, qtbot, monkeypatch):
    window = make_window(FakeBackend())
    seen = []
    real = window.engine.shutdown
    monkeypatch.setattr(window.engine, "shutdown", lambda ms: (seen.append(window.isVisible()), real(ms)))
    window.close()
    assert seen == [False]  # hidden before Spark is stopped (which takes seconds)


def test_the_window_fits_the_screen_and_can_be_made_small(make_window, log_folder, qtbot):
    window = make_window(FakeBackend())
    process(window, qtbot, log_folder)  # the dashboard, the tallest page
    room = window.screen().availableGeometry()
    assert window.width() <= room.width() and window.height() <= room.height()
    # the main area scrolls below its minimum: the window itself can be made much smaller
    # (at 200 % scaling a 1032-pixel minimum height did not fit a 1000-pixel screen)
    assert window.minimumSizeHint().height() < 300
    window.resize(500, 300)
    qtbot.waitUntil(lambda: window.height() <= 320)
    qtbot.waitUntil(lambda: window.main_scroll.verticalScrollBar().maximum() > 0)
