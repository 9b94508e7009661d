"""Opening folders (dialog, drop, recent), cancelling, failing and closing, on a FakeBackend."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from ui_fakes import FakeBackend, card, process


def _drop(window, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPoint(window.width() // 2, window.height() // 2)
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    assert window.overlay.isVisible()  # feedback while dragging
    window._last_overlay_message = window.overlay.message
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)
    assert not window.overlay.isVisible()


def test_open_folder_dialog_shows_the_numbers(window, log_folder, qtbot, monkeypatch, messages):
    asked = []

    def choose(*args):
        asked.append(args)
        return str(log_folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    assert window.stack.currentWidget() is window.welcome
    with qtbot.waitSignal(window.run_completed, timeout=30_000) as done:
        window.open_action.trigger()
    assert done.args == [True, ""]
    assert len(asked) == 1
    assert card(window, "total") == "57"
    assert card(window, "errors") == "10"
    assert card(window, "error_rate") == "17.5%"
    assert card(window, "alerts") == "1"  # the error rate (17.5 %) is above 10 %
    assert card(window, "malformed") == "3"
    assert window.stack.currentWidget() is window.dashboard
    assert str(log_folder) in window.windowTitle()
    assert window.recent.folders() == [str(log_folder.resolve())]
    assert window.refresh_label.text().startswith("last refresh ")
    assert messages == []


def test_ctrl_o_opens_the_folder_dialog(window, log_folder, qtbot, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: str(log_folder))
    window.activateWindow()
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert card(window, "total") == "57"


def test_dialog_cancelled_changes_nothing(window, backend, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: "")
    window.choose_folder()
    assert backend.runs == [] and window.result is None


def test_drop_a_folder_processes_it(window, backend, log_folder, qtbot):
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        _drop(window, [log_folder])
    assert "Drop to analyze" in window._last_overlay_message
    assert backend.runs == [log_folder.resolve()]
    assert card(window, "total") == "57"


def test_drop_a_log_file_processes_its_folder(window, backend, log_folder, qtbot):
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        _drop(window, [log_folder / "app.log"])
    assert backend.runs == [log_folder.resolve()]


def test_drop_something_else_says_so_and_changes_nothing(window, backend, tmp_path, messages):
    picture = tmp_path / "holiday.png"
    picture.write_bytes(b"\x89PNG")
    _drop(window, [picture])
    assert "Not a folder or a log file" in window._last_overlay_message
    assert not window.overlay.accepted
    assert backend.runs == []
    assert window.result is None
    assert len(messages) == 1 and "holiday.png" in messages[0][2]
    assert "holiday.png" in window.statusBar().currentMessage()


def test_recent_folders_are_kept_and_reopen(make_window, backend, log_folder, qtbot, qsettings):
    window = make_window(backend)
    process(window, qtbot, log_folder)
    window.close()
    # a new window (a new session of the app) sees the folder in File → Recent
    second = make_window(FakeBackend())
    second._fill_recent_menu()
    actions = [a for a in second.recent_menu.actions() if a.text() == str(log_folder.resolve())]
    assert len(actions) == 1
    with qtbot.waitSignal(second.run_completed, timeout=30_000):
        actions[0].trigger()
    assert card(second, "total") == "57"


def test_cancel_with_escape_then_ready_for_the_next_run(make_window, log_folder, qtbot):
    backend = FakeBackend(block_runs=True)
    window = make_window(backend)
    window.open_folder(log_folder)
    assert backend.run_entered.wait(5)
    qtbot.waitUntil(lambda: window.stage_label.text() == "read & normalize", timeout=15_000)
    assert window.cancel_button.isVisible() and window.progress_bar.isVisible()
    # wait on the window's signals only: worker signals are emitted on the engine thread
    with qtbot.waitSignal(window.run_completed, timeout=30_000) as done:
        window.activateWindow()
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert done.args == [False, "cancelled"]
    assert not window.is_running
    assert not window.cancel_button.isVisible()
    assert window.result is None
    assert "cancelled" in window.statusBar().currentMessage().lower()
    backend.block_runs = False
    process(window, qtbot, log_folder)
    assert card(window, "total") == "57"


def test_cancel_button_stops_the_run(make_window, log_folder, qtbot):
    backend = FakeBackend(block_runs=True)
    window = make_window(backend)
    window.open_folder(log_folder)
    assert backend.run_entered.wait(5)
    with qtbot.waitSignal(window.run_completed, timeout=30_000) as done:
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert done.args == [False, "cancelled"]


def test_opening_another_folder_during_a_run_replaces_it(make_window, log_folder, tmp_path, qtbot):
    backend = FakeBackend(block_runs=True)
    window = make_window(backend)
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.log").write_text("x\n")
    window.open_folder(log_folder)
    assert backend.run_entered.wait(5)
    backend.block_runs = False
    with qtbot.waitSignals([window.run_completed, window.run_completed], timeout=30_000):
        window.open_folder(other)
    qtbot.waitUntil(lambda: window.result is not None, timeout=15_000)
    assert backend.runs == [log_folder.resolve(), other.resolve()]
    assert window.result.input_folder == str(other.resolve())


def test_bad_folder_shows_an_error_and_the_window_stays_usable(window, backend, tmp_path, log_folder, qtbot, messages):
    window.open_folder(tmp_path / "missing")
    assert messages[-1][0] == QMessageBox.Icon.Critical
    assert "does not exist" in messages[-1][2]
    empty = tmp_path / "empty"
    empty.mkdir()
    with qtbot.waitSignal(window.run_completed, timeout=30_000) as done:
        window.open_folder(empty)
    assert done.args[0] is False
    icon, title, text, details = messages[-1]
    assert title == "Processing failed"
    assert "no files to read" in text
    assert "Traceback" in details and "FileNotFoundError" in details
    assert not window.is_running
    process(window, qtbot, log_folder)
    assert card(window, "total") == "57"


def test_engine_failure_message_has_details(make_window, log_folder, qtbot, messages):
    window = make_window(FakeBackend(fail_with=RuntimeError("Spark ran out of memory\nat line 2")))
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        window.open_folder(log_folder)
    assert "Spark ran out of memory" in messages[-1][2]
    assert "at line 2" not in messages[-1][2]  # the short message is one line; the rest is details
    assert "at line 2" in messages[-1][3]


def test_close_during_a_run_cancels_and_stops_spark(make_window, log_folder, qtbot):
    backend = FakeBackend(block_runs=True)
    window = make_window(backend)
    window.open_folder(log_folder)
    assert backend.run_entered.wait(5)
    window.close()
    assert not window.engine.thread.isRunning()
    assert backend.stopped == 1
    assert all(t != threading.main_thread().name for t in backend.threads)


def test_spark_status_goes_from_starting_to_ready(make_window, qtbot):
    window = make_window(FakeBackend(start_delay=0.3), wait_ready=False)
    assert window.spark_label.text() == "Spark: starting…"
    qtbot.waitUntil(lambda: window.spark_label.text() == "Spark: ready", timeout=15_000)


def test_spark_failure_is_shown_and_a_folder_waits_for_no_one(make_window, log_folder, qtbot, messages):
    window = make_window(FakeBackend(start_error=RuntimeError("Java 17 not found")), wait_ready=False)
    qtbot.waitUntil(lambda: window.spark_label.text() == "Spark: failed", timeout=15_000)
    assert "Java 17 not found" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.run_completed, timeout=30_000) as done:
        window.open_folder(log_folder)  # tries to start Spark again, which fails again
    assert done.args[0] is False
    assert "Java 17 not found" in messages[-1][2]


def test_folder_opened_before_spark_is_ready_runs_when_it_is(make_window, backend, log_folder, qtbot):
    backend.start_delay = 0.5
    window = make_window(backend, wait_ready=False)
    with qtbot.waitSignal(window.run_completed, timeout=30_000) as done:
        window.open_folder(log_folder)
        assert "Waiting for Spark" in window.statusBar().currentMessage()
    assert done.args[0] is True


def test_malformed_card_opens_the_rows(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    qtbot.mouseClick(window.dashboard.cards.card("malformed"), Qt.MouseButton.LeftButton)
    dialog = window._malformed_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=15_000)
    assert dialog.status.text() == "3 malformed rows."
    assert dialog.model.display_text(0, 3) == "garbage <i>line</i>"
    assert dialog.model.display_text(1, 1) == "9"
    dialog.close()


def test_alerts_card_shows_the_alerts_tab(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    qtbot.mouseClick(window.dashboard.cards.card("alerts"), Qt.MouseButton.LeftButton)
    assert window.dashboard.tabs.currentWidget() is window.dashboard.alerts_panel
    model = window.dashboard.alerts_panel.current_model
    assert model.rowCount() == 1
    assert model.display_text(0, 1) == "High error rate"
    assert model.display_text(0, 2) == "17.5%"
    assert model.display_text(0, 3) == "10.0%"
    assert model.display_text(0, 4) == "2024-03-01 01:00:00"  # first error
    assert model.display_text(0, 5) == "2024-03-02 23:03:00"  # last error


def test_malformed_rows_are_in_file_and_line_order_with_paths_from_the_folder(make_window, log_folder, qtbot):
    from ui_fakes import FakeBackend

    class Backend(FakeBackend):
        def malformed_rows(self, result, limit):
            folder = Path(result.input_folder)
            return [(str(folder / "sub" / "b.log"), 9, "no timestamp", "x"),
                    (str(folder / "a.log"), 12, "no timestamp", "y"),
                    ("/elsewhere/c.log", 1, "no timestamp", "z"),
                    (str(folder / "a.log"), 3, "no timestamp", "w")]

    window = make_window(Backend())
    process(window, qtbot, log_folder)
    qtbot.mouseClick(window.dashboard.cards.card("malformed"), Qt.MouseButton.LeftButton)
    dialog = window._malformed_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 4, timeout=15_000)
    shown = [(dialog.model.display_text(r, 0), dialog.model.display_text(r, 1)) for r in range(4)]
    assert shown == [("/elsewhere/c.log", "1"), ("a.log", "3"), ("a.log", "12"),
                     (str(Path("sub") / "b.log"), "9")]
    dialog.close()
