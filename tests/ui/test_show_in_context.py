"""Show in context: the lines around a record, read from its file, the record's line marked."""

from __future__ import annotations

import gzip

import pytest
from PySide6.QtCore import Qt

from logdesk.ui.context_dialog import read_context
from ui_fakes import expand, process


def test_read_context_counts_lines_as_logdesk_does(tmp_path):
    plain = tmp_path / "a.log"
    plain.write_bytes(b"one\ntwo\r\nthree\rfour\nfive\n")  # LF, CRLF, a lone CR
    assert read_context(plain, 3, before=1, after=1) == (2, ["two", "three", "four"])
    assert read_context(plain, 1, before=5, after=0) == (1, ["one"])
    assert read_context(plain, 5, before=0, after=9) == (5, ["five"])
    packed = tmp_path / "b.log.gz"
    with gzip.open(packed, "wt", encoding="utf-16") as handle:
        handle.write("".join(f"line {i}\n" for i in range(1, 101)))
    assert read_context(packed, 50, before=2, after=2, encoding="utf-16") == (
        48, ["line 48", "line 49", "line 50", "line 51", "line 52"])


@pytest.mark.parametrize("line_in_row", [True, False], ids=["line in the row", "line looked up"])
def test_show_in_context_opens_the_lines_around_the_selected_record(window, log_folder, qtbot,
                                                                    line_in_row):
    window.engine.backend.line_numbers = line_in_row
    records = expand()
    # app.log as the fake reads it: record i is line i + 1
    (log_folder / "app.log").write_text("".join(f"{r.ts:%Y-%m-%d %H:%M:%S} {r.level} {r.message}\n"
                                                for r in records), encoding="utf-8")
    process(window, qtbot, log_folder)
    dash = window.dashboard
    dash.tabs.setCurrentWidget(dash.records_view)
    view = dash.records_view
    model = window.records_model
    qtbot.waitUntil(lambda: model.rowCount() == 57, timeout=15_000)
    assert not view.context_button.isEnabled()  # nothing selected yet
    row = 40
    rect = view.table.visualRect(model.index(row, 5))
    view.table.scrollTo(model.index(row, 5))
    rect = view.table.visualRect(model.index(row, 5))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.context_button.isEnabled()
    message = model.index(row, 5).data()
    qtbot.mouseClick(view.context_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.context_dialog is not None and view.context_dialog.isVisible(), timeout=10_000)
    dialog = view.context_dialog
    line = next(i for i, r in enumerate(records, start=1) if r.message == message and r.ts == model.record(row)[0])
    assert dialog.line == line
    marked = dialog.text.document().findBlockByNumber(dialog.marked_index).text()
    assert marked.split(" │ ", 1)[0].strip() == str(line)
    assert marked.endswith(message)
    assert len(dialog.lines) == 41 or dialog.first == 1 or dialog.first + len(dialog.lines) - 1 == 57
    assert dialog.text.textCursor().blockNumber() == dialog.marked_index
    qtbot.mouseClick(dialog.more_button, Qt.MouseButton.LeftButton)
    assert dialog.first == 1 and len(dialog.lines) == 57  # 60 lines either side: the whole file
    dialog.close()


def test_a_failed_lookup_says_so_and_can_be_retried(window, log_folder, qtbot, monkeypatch):
    window.engine.backend.line_numbers = False  # the row has no line: the engine is asked
    process(window, qtbot, log_folder)
    view = window.dashboard.records_view
    window.dashboard.tabs.setCurrentWidget(view)
    model = window.records_model
    qtbot.waitUntil(lambda: model.rowCount() == 57, timeout=15_000)

    def fail(*_args):
        raise RuntimeError("the staged copy is gone")

    monkeypatch.setattr(window.engine.backend, "record_location", fail)
    view.table.setCurrentIndex(model.index(3, 0))
    qtbot.mouseClick(view.context_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Could not find the record's line" in view.count_label.text(), timeout=10_000)
    assert "the staged copy is gone" in view.count_label.text()
    assert view.context_button.isEnabled()
