"""Config key `timestamps.layouts`: its shape, validation (naming the key), merging, saving."""

from __future__ import annotations

import pytest

from logdesk.config_loader import ConfigError, load_settings, save_user_settings, settings_to_dict
from logdesk.settings import Settings, TimestampLayoutSettings, TimestampSettings


@pytest.fixture(autouse=True)
def _no_user_file(tmp_path, monkeypatch):
    monkeypatch.setattr("logdesk.config_loader.user_config_file", lambda: tmp_path / "none.yaml")


def _layouts(*entries):
    return {"timestamps": {"layouts": list(entries)}}


def test_the_default_has_none():
    assert load_settings().timestamps == TimestampSettings(()) == Settings().timestamps


def test_entries_load_in_order_and_backslashes_become_slashes():
    s = load_settings(None, _layouts({"files": " legacy\\*.log ", "layout": "dd.MM.yy HH:mm:ss"},
                                     {"files": "*.csv", "layout": "yyyyMMdd'T'HHmm"}))
    assert s.timestamps.layouts == (
        TimestampLayoutSettings("legacy/*.log", "dd.MM.yy HH:mm:ss"),
        TimestampLayoutSettings("*.csv", "yyyyMMdd'T'HHmm"),
    )


def test_a_user_file_and_round_trip(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text('timestamps:\n  layouts:\n    - files: "legacy/*.log"\n'
                   '      layout: "dd.MM.yy HH:mm:ss"\n', encoding="utf-8")
    s = load_settings(cfg)
    assert s.timestamps.layouts == (TimestampLayoutSettings("legacy/*.log", "dd.MM.yy HH:mm:ss"),)
    assert settings_to_dict(s)["timestamps"] == {
        "layouts": [{"files": "legacy/*.log", "layout": "dd.MM.yy HH:mm:ss"}]}
    assert load_settings(None, settings_to_dict(s)) == s
    # a later layer's list replaces the earlier whole
    assert load_settings(cfg, _layouts()).timestamps.layouts == ()


def test_save_writes_only_the_key(tmp_path):
    target = tmp_path / "user.yaml"
    save_user_settings(_layouts({"files": "*.log", "layout": "HH:mm:ss"}), target)
    text = target.read_text(encoding="utf-8")
    assert "timestamps:" in text and "alerts" not in text
    assert load_settings(target).timestamps.layouts == (TimestampLayoutSettings("*.log", "HH:mm:ss"),)


@pytest.mark.parametrize(("value", "message"), [
    (_layouts({"files": "*.log", "layout": "dd.MM.yy EEE"}),
     "timestamps.layouts[0].layout = 'dd.MM.yy EEE' uses 'E', which Spark cannot parse"),
    (_layouts({"files": "*.log", "layout": "yyyy-MM-dd[ HH:mm"}),
     "timestamps.layouts[0].layout = 'yyyy-MM-dd[ HH:mm' has a [ without ]"),
    (_layouts({"files": "*.log", "layout": "'T"}), "timestamps.layouts[0].layout = \"'T\" has an "
     "unclosed quote"),
    (_layouts({"files": "*.log", "layout": 5}), "timestamps.layouts[0].layout = 5 is not text"),
    (_layouts({"files": "", "layout": "HH:mm"}), "timestamps.layouts[0].files = ''"),
    (_layouts({"files": "/var/log/*.log", "layout": "HH:mm"}), "not an absolute path"),
    (_layouts({"files": "*.log", "layout": "HH:mm", "zone": "UTC"}),
     "timestamps.layouts[0]: unknown key zone (allowed: files, layout)"),
    (_layouts("*.log"), "timestamps.layouts[0] must be a mapping with files and layout"),
    ({"timestamps": {"layouts": "*.log"}}, "timestamps.layouts must be a list"),
    ({"timestamps": {"layout": []}}, "unknown setting: timestamps.layout"),
    ({"timestamps": []}, "timestamps = [] (allowed: a mapping with layouts)"),
])
def test_problems_name_the_key(value, message):
    with pytest.raises(ConfigError) as caught:
        load_settings(None, value)
    assert message in str(caught.value)
    assert "in command line" in str(caught.value)
