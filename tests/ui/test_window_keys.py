"""Keys that work from anywhere in the window, whatever has the focus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui_fakes import process

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _focus_targets(window):
    dash = window.dashboard
    return {
        "search box": dash.records_view.search_box,
        "date edit": dash.filter_bar.from_edit,
        "level button": dash.filter_bar.level_buttons["INFO"],
        "table": dash.per_ip.view,
    }


@pytest.mark.parametrize("where", ["search box", "date edit", "level button", "table"])
def test_ctrl_tab_and_ctrl_page_keys_switch_tabs_from_anywhere(window, log_folder, qtbot, where):
    process(window, qtbot, log_folder)
    window.show()
    qtbot.waitExposed(window)
    tabs = window.dashboard.tabs
    tabs.setCurrentIndex(0)
    target = _focus_targets(window)[where]
    if where == "search box":
        tabs.setCurrentWidget(window.dashboard.records_view)
    elif where == "table":
        tabs.setCurrentIndex(window.dashboard.TAB_SOURCES)
    start = tabs.currentIndex()
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)
    count = tabs.count()
    qtbot.keyClick(target, Qt.Key.Key_PageDown, CTRL)
    assert tabs.currentIndex() == (start + 1) % count
    qtbot.keyClick(target, Qt.Key.Key_PageUp, CTRL)
    assert tabs.currentIndex() == start
    focused = window.focusWidget() or target
    qtbot.keyClick(focused, Qt.Key.Key_Tab, CTRL)
    assert tabs.currentIndex() == (start + 1) % count
    focused = window.focusWidget() or target
    qtbot.keyClick(focused, Qt.Key.Key_Backtab, CTRL | SHIFT)
    assert tabs.currentIndex() == start
    # from the last tab the next one is the first
    tabs.setCurrentIndex(count - 1)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_PageDown, CTRL)
    assert tabs.currentIndex() == 0
