"""Search hits are highlighted in the records table, as plain text."""

from __future__ import annotations

from PySide6.QtGui import QColor

from logdesk.ui.search_highlight import hit_spans
from ui_fakes import process


def test_hit_spans_per_term_kind():
    assert hit_spans("DB timeout after 30s; timeout", "TIMEOUT", "message") == [(3, 10), (22, 29)]
    assert hit_spans("DB timeout after 30s", '"timeout after"', "message") == [(3, 16)]
    assert hit_spans("DB timeout after 30s", r"/\d+s/", "message") == [(17, 20)]
    assert hit_spans("10.0.0.4", "ip:10.0.0.4", "ip") == [(0, 8)]
    assert hit_spans("10.0.0.4", "ip:10.0.0.4", "message") == []  # a field term marks its field only
    assert hit_spans("aaa", "aa a", "message") == [(0, 3)]  # overlapping hits merged
    assert hit_spans("x", "colour:red", "message") == []  # a search it cannot read marks nothing


def _yellowish(image) -> int:
    count = 0
    for x in range(0, image.width(), 2):
        for y in range(0, image.height(), 2):
            c = QColor(image.pixel(x, y))
            if c.red() > 200 and c.green() > 170 and c.blue() < 140:
                count += 1
    return count


def test_the_records_table_marks_the_hits(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    window.resize(1400, 900)
    dash = window.dashboard
    dash.tabs.setCurrentWidget(dash.records_view)
    model = window.records_model
    qtbot.waitUntil(lambda: model.rowCount() == 57, timeout=15_000)
    table = dash.records_view.table
    qtbot.waitExposed(table)
    before = _yellowish(table.viewport().grab().toImage())
    dash.records_view.show_search("login")
    qtbot.waitUntil(lambda: not model.is_loading and model.total == 28, timeout=15_000)  # /login: 20 + 5 + 3
    qtbot.wait(100)
    after = _yellowish(table.viewport().grab().toImage())
    assert before == 0 and after > 50
