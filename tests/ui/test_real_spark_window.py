"""The window over the real SparkBackend and pipeline, end to end on a small CSV folder.

Uses the shared session of tests/conftest.py: SparkBackend borrows it and leaves it running."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from logdesk.settings import PathSettings, Settings, SparkSettings
from ui_fakes import card

pytestmark = pytest.mark.slow

CSV = """timestamp,level,service,ip,endpoint,message
2024-06-01T10:00:00Z,INFO,api,10.0.0.1,/login,user logged in
2024-06-01T10:05:00Z,ERROR,api,10.0.0.2,/login,DB timeout after 30s
2024-06-01T10:10:00Z,WARN,web,10.0.0.3,/home,slow page
2024-06-01T11:00:00Z,CRITICAL,pay,10.0.0.4,/pay,out of memory
2024-06-01T11:30:00Z,INFO,pay,10.0.0.4,/pay,"<b>bold</b><img src=x>"
not-a-time,INFO,api,10.0.0.1,/x,broken line
"""


def test_real_spark_end_to_end(spark, make_window, tmp_path, qtbot, monkeypatch, messages):
    from logdesk.engine.backend import SparkBackend

    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "app.csv").write_text(CSV, encoding="utf-8")
    (folder / "NOTES.txt").write_text("not a log\n", encoding="utf-8")  # listed, skipped
    settings = Settings(
        spark=SparkSettings(master="local[2]", shuffle_partitions=4, driver_memory="1g"),
        paths=PathSettings(output_dir=str(tmp_path / "reports"), work_dir=str(tmp_path / "work")),
        time_zone="UTC",
    )
    backend = SparkBackend()
    window = make_window(backend, settings)
    assert not backend.owns_session
    with qtbot.waitSignal(window.run_completed, timeout=180_000) as done:
        window.open_folder(folder)
    assert done.args == [True, ""], messages
    assert card(window, "total") == "5"
    assert window.dashboard.cards.card("total").note_label.text() == "from 1 file"
    assert window.statusBar().currentMessage().startswith(
        "Processed 5 records (1 file read, 1 skipped) in ")
    assert card(window, "errors") == "2"
    assert card(window, "error_rate") == "40.0%"
    assert card(window, "malformed") == "1"

    model = window.records_model
    qtbot.waitUntil(lambda: model.total == 5 and model.rowCount() == 5, timeout=120_000)
    assert model.index(0, 0).data() == "2024-06-01 10:00:00"
    view = window.dashboard.records_view
    view.search_box.setText("BOLD")
    view.apply_search()
    qtbot.waitUntil(lambda: model.total == 1 and model.rowCount() == 1, timeout=120_000)
    assert model.index(0, 5).data() == "<b>bold</b><img src=x>"

    for level in ("ERROR", "WARN", "CRITICAL"):  # not INFO: 3 of the 5 records
        qtbot.mouseClick(window.dashboard.filter_bar.level_buttons[level], Qt.MouseButton.LeftButton)
    assert card(window, "total") == "3"

    qtbot.mouseClick(window.dashboard.cards.card("malformed"), Qt.MouseButton.LeftButton)
    dialog = window._malformed_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=120_000)
    assert dialog.model.display_text(0, 3).startswith("not-a-time")
    dialog.close()

    out = tmp_path / "export"
    assert window.export_to(out) is not None
    summary = json.loads((out / "json" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["records"] == 3 and summary["totals"]["malformed_rows"] == 1

    # Clear cache: the run's copy of app.csv goes, so the next run reads it again
    entries = tmp_path / "work" / "files" / "entries"
    assert len(list(entries.iterdir())) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.cache_clear_completed, timeout=60_000) as cleared:
        window.clear_cache_action.trigger()
    assert cleared.args[0], cleared.args
    assert re.fullmatch(r"Cache cleared: 1 file, \d+\.\d MB freed — refresh \(F5\) to browse the open "
                        r"folder's records again", cleared.args[1])
    assert not entries.exists() or not any(entries.iterdir())
    with qtbot.waitSignal(window.run_completed, timeout=180_000) as done:
        window.refresh()
    assert done.args == [True, ""], messages
    assert window.result.cache.read == 1 and window.result.cache.reused == 0
    assert card(window, "total") == "3"  # the level filter stays

    window.close()
    assert not window.engine.thread.isRunning()
    assert not spark.sparkContext._jsc.sc().isStopped()  # the shared session still runs


def test_live_tail_appended_lines_appear_after_auto_refresh(spark, make_window, tmp_path, qtbot, messages):
    """Auto-refresh on: lines appended to a log show up in the cards and the records view,
    read from the file's old end (the cache), without the user doing anything."""
    from logdesk.engine.backend import SparkBackend
    from logdesk.settings import DashboardSettings

    folder = tmp_path / "logs"
    folder.mkdir()
    log = folder / "app.log"
    log.write_text("".join(f"2024-06-01 10:00:0{i} INFO worker started job {i}\n" for i in range(3)),
                   encoding="utf-8")
    settings = Settings(
        spark=SparkSettings(master="local[2]", shuffle_partitions=4, driver_memory="1g"),
        paths=PathSettings(output_dir=str(tmp_path / "reports"), work_dir=str(tmp_path / "work")),
        dashboard=DashboardSettings(auto_refresh=True, auto_refresh_seconds=5),
        time_zone="UTC",
    )
    window = make_window(SparkBackend(), settings)
    with qtbot.waitSignal(window.run_completed, timeout=180_000) as done:
        window.open_folder(folder)
    assert done.args == [True, ""], messages
    assert card(window, "total") == "3"
    window.watcher._scan.setInterval(200)  # the 5 s scan would only slow the test down
    with qtbot.waitSignal(window.run_completed, timeout=180_000) as done:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("2024-06-01 10:00:05 ERROR worker job 5 failed\n"
                         "2024-06-01 10:00:06 INFO worker job 6 done\n")
    assert done.args == [True, ""], messages
    assert card(window, "total") == "5" and card(window, "errors") == "1"
    assert window.result.cache.appended == 1  # read from its previous end, not again whole
    model = window.records_model
    qtbot.waitUntil(lambda: model.total == 5 and model.rowCount() == 5, timeout=120_000)

    # Show in context: Spark numbers the record's physical line; the dialog reads the file
    view = window.dashboard.records_view
    window.dashboard.tabs.setCurrentWidget(view)
    view.table.selectRow(3)  # sorted by time: 10:00:05, the appended ERROR, line 4 of app.log
    view.table.setCurrentIndex(model.index(3, 0))
    view.show_context()
    qtbot.waitUntil(lambda: view.context_dialog is not None and view.context_dialog.isVisible(),
                    timeout=120_000)
    dialog = view.context_dialog
    assert dialog.line == 4 and dialog.first == 1 and len(dialog.lines) == 5
    marked = dialog.text.document().findBlockByNumber(dialog.marked_index).text()
    assert marked == "4 │ 2024-06-01 10:00:05 ERROR worker job 5 failed"
    dialog.close()
    window.close()


def test_a_folder_url_typed_into_open_folder_url_is_read_through_hadoop(
        spark, make_window, tmp_path, qtbot, messages):
    """Ctrl+Shift+O, the URL typed into the dialog, Enter: the run lists and reads the folder
    through Hadoop's FileSystem API (viewfs:// over a local folder stands in for hdfs://;
    tests/engine/test_hadoop_inputs.py has the engine's side)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QToolBar

    from logdesk.engine.backend import SparkBackend

    folder = tmp_path / "shared" / "logs"
    (folder / "web").mkdir(parents=True)
    (folder / "app.csv").write_text(CSV, encoding="utf-8")
    (folder / "web" / "w.log").write_text(
        "2024-06-01 12:00:00 ERROR upstream gone\n2024-06-01 12:00:01 INFO back\n", encoding="utf-8")
    spark.sparkContext._jsc.hadoopConfiguration().set(
        "fs.viewfs.mounttable.uitest.link./logs", folder.as_uri())
    settings = Settings(
        spark=SparkSettings(master="local[2]", shuffle_partitions=4, driver_memory="1g"),
        paths=PathSettings(output_dir=str(tmp_path / "reports"), work_dir=str(tmp_path / "work")),
        time_zone="UTC",
    )
    window = make_window(SparkBackend(), settings)
    typed: list[str] = []

    def type_the_url() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(50, type_the_url)
            return
        qtbot.keyClicks(dialog.findChild(QLineEdit), "viewfs://uitest/logs")
        typed.append(dialog.textValue())
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_the_url)
    window.activateWindow()
    with qtbot.waitSignal(window.run_completed, timeout=180_000) as done:
        qtbot.keyClick(window, Qt.Key.Key_O,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert typed == ["viewfs://uitest/logs"]
    assert done.args == [True, ""], messages
    assert card(window, "total") == "7"  # 5 CSV rows + 2 lines of w.log
    assert card(window, "errors") == "3"
    assert window.windowTitle() == "logdesk — viewfs://uitest/logs"
    inputs = window.dashboard.inputs.files.model
    paths = sorted(inputs.index(r, 0).data() for r in range(inputs.rowCount()))
    assert paths == ["app.csv", "web/w.log"]  # relative to the URL, not folded by a Path
    assert window.recent.folders()[0] == "viewfs://uitest/logs"
    refresh = window.findChild(QToolBar).widgetForAction(window.refresh_action)
    with qtbot.waitSignal(window.run_completed, timeout=180_000) as again:  # the same URL
        qtbot.mouseClick(refresh, Qt.MouseButton.LeftButton)
    assert again.args == [True, ""] and card(window, "total") == "7"
