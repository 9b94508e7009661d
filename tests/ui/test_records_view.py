"""The records view: lazy pages on the engine thread, server-side sort, search as you type."""

from __future__ import annotations

import threading

from PySide6.QtCore import QPoint, Qt

from ui_fakes import FakeBackend, Group, expand, process


def _settled(model):
    return lambda: model.total is not None and not model.is_loading


def test_pages_are_fetched_lazily_off_the_gui_thread(make_window, log_folder, qtbot):
    backend = FakeBackend(records=expand([Group(0, "INFO", 1200, "api", "10.0.0.1", "/x")]))
    window = make_window(backend)
    process(window, qtbot, log_folder)
    model = window.records_model
    qtbot.waitUntil(_settled(model), timeout=15_000)
    assert model.total == 1200
    assert model.rowCount() == 500  # one page, not everything
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()  # a second call while the page is in flight asks for nothing more
    qtbot.waitUntil(lambda: model.rowCount() == 1000, timeout=15_000)
    window.dashboard.tabs.setCurrentIndex(window.dashboard.TAB_RECORDS)
    table = window.dashboard.records_view.table
    table.scrollToBottom()  # the view asks for the rest as the user scrolls
    qtbot.waitUntil(lambda: model.rowCount() == 1200, timeout=15_000)
    assert not model.canFetchMore()
    assert [f[2:4] for f in backend.fetches] == [(0, 500), (500, 500), (1000, 500)]
    assert threading.main_thread().name not in backend.threads
    assert model.index(1199, 0).data() == "2024-03-01 19:59:00"


def test_header_click_sorts_in_the_backend(window, backend, log_folder, qtbot):
    process(window, qtbot, log_folder)
    model = window.records_model
    qtbot.waitUntil(_settled(model), timeout=15_000)
    window.dashboard.tabs.setCurrentIndex(window.dashboard.TAB_RECORDS)
    header = window.dashboard.records_view.table.horizontalHeader()
    level_x = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(level_x, header.height() // 2))
    qtbot.waitUntil(lambda: backend.fetches[-1][:2] == ("level", False) and not model.is_loading, timeout=15_000)
    assert model.index(0, 1).data() == "CRITICAL"
    window.dashboard.records_view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: backend.fetches[-1][:2] == ("level", True) and not model.is_loading, timeout=15_000)
    assert model.index(0, 1).data() == "WARN"
    assert model.rowCount() == 57


def test_typing_in_the_search_box_queries_the_backend(window, backend, log_folder, qtbot):
    process(window, qtbot, log_folder)
    model = window.records_model
    view = window.dashboard.records_view
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.dashboard.tabs.currentWidget() is view
    qtbot.waitUntil(view.search_box.hasFocus, timeout=10_000)
    qtbot.keyClicks(view.search_box, "PAY")  # case-insensitive; matches service, endpoint, message
    qtbot.waitUntil(lambda: backend.fetches and backend.fetches[-1][4] == "PAY" and _settled(model)(), timeout=15_000)
    assert model.total == 14 and model.rowCount() == 14
    assert view.count_label.text() == "14 records"
    view.search_box.clear()
    qtbot.waitUntil(lambda: backend.fetches and backend.fetches[-1][4] == "" and _settled(model)() and model.total == 57, timeout=15_000)


def test_search_and_level_filter_combine(window, log_folder, qtbot):
    process(window, qtbot, log_folder)
    model = window.records_model
    for level in ("WARN", "ERROR"):
        qtbot.mouseClick(window.dashboard.filter_bar.level_buttons[level], Qt.MouseButton.LeftButton)
    view = window.dashboard.records_view
    view.search_box.setText("10.0.0.3")
    view.apply_search()
    qtbot.waitUntil(lambda: _settled(model)() and model.total == 4, timeout=15_000)  # WARN 2 + ERROR 2


def test_a_new_run_resets_the_records(window, backend, log_folder, qtbot):
    process(window, qtbot, log_folder)
    model = window.records_model
    view = window.dashboard.records_view
    view.search_box.setText("nothing matches this")
    view.apply_search()
    qtbot.waitUntil(lambda: _settled(model)() and model.total == 0, timeout=15_000)
    # the label follows the count's own signal, which may come a moment later on a busy machine
    qtbot.waitUntil(lambda: view.count_label.text() == "0 records", timeout=15_000)
    backend.records = expand()[:5]
    with qtbot.waitSignal(window.run_completed, timeout=30_000):
        window.refresh()
    view.search_box.clear()
    view.apply_search()
    qtbot.waitUntil(lambda: _settled(model)() and model.total == 5, timeout=15_000)


def test_records_failure_is_shown_not_raised(window, backend, log_folder, qtbot, monkeypatch):
    process(window, qtbot, log_folder)

    def broken(*_args):
        raise OSError("records folder vanished")

    monkeypatch.setattr(backend, "fetch_records", broken)
    window.records_model.reload()
    view = window.dashboard.records_view
    qtbot.waitUntil(lambda: "records folder vanished" in view.count_label.text(), timeout=15_000)
    assert not window.records_model.canFetchMore()


def test_rows_are_tinted_by_level_and_columns_fit_their_values(window, log_folder, qtbot):
    from PySide6.QtGui import QColor

    process(window, qtbot, log_folder)
    model = window.records_model
    qtbot.waitUntil(lambda: model.rowCount() == 57, timeout=15_000)
    levels = [model.index(r, 1).data() for r in range(57)]
    tint = lambda level: model.index(levels.index(level), 0).data(Qt.ItemDataRole.BackgroundRole)  # noqa: E731
    assert tint("INFO") is None and tint("DEBUG") is None
    assert isinstance(tint("ERROR"), QColor) and isinstance(tint("CRITICAL"), QColor)
    assert tint("CRITICAL").alpha() > tint("ERROR").alpha()  # critical the strongest
    assert tint("WARN") != tint("ERROR")
    table = window.dashboard.records_view.table
    metrics = table.fontMetrics()
    assert table.columnWidth(1) > metrics.horizontalAdvance("CRITICAL")  # was cut to "UNKNO…"
    assert table.columnWidth(3) > metrics.horizontalAdvance("192.168.202.100")
