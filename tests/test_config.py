"""Settings loading: defaults, user file merged key by key, overrides, validation messages."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest
import yaml

from logdesk import config_loader
from logdesk.config_loader import (
    VALIDATORS,
    ConfigError,
    load_settings,
    save_user_settings,
    settings_to_dict,
)
from logdesk.paths import default_config_file, user_config_file
from logdesk.settings import DEFAULT_LEVEL_MAPPING, Settings, TextFormatSettings
from logdesk.spark_urls import validate_master


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_user_file():
    """Each test starts without a per-user config.yaml (the folder is private to the run)."""
    user_config_file().unlink(missing_ok=True)
    yield
    user_config_file().unlink(missing_ok=True)


# --------------------------------------------------------------------------- defaults


def test_defaults_file_loads_to_the_dataclass_defaults():
    assert load_settings() == Settings()


def test_default_yaml_level_mapping_equals_the_code_default():
    raw = yaml.safe_load(default_config_file().read_text(encoding="utf-8"))
    assert raw["level_mapping"] == dict(DEFAULT_LEVEL_MAPPING)
    assert all(isinstance(k, str) for k in raw["level_mapping"])  # "0".."7" stay text


def test_default_yaml_names_every_setting_and_nothing_else():
    raw = yaml.safe_load(default_config_file().read_text(encoding="utf-8"))
    expected = set(settings_to_dict(Settings()))
    assert set(raw) == expected
    for section in config_loader.SECTIONS:
        assert set(raw[section]) == set(settings_to_dict(Settings())[section]), section


def test_every_section_field_has_a_validator():
    paths = {
        f"{name}.{f.name}"
        for name, cls in config_loader.SECTIONS.items()
        for f in dataclasses.fields(cls)
    }
    assert paths == set(VALIDATORS)


def test_default_yaml_comments_every_setting():
    lines = default_config_file().read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        key = stripped.split(":")[0]
        is_setting = ":" in stripped and not stripped.startswith(("#", '"'))
        # a setting line (not a section header, not a level_mapping entry) follows a comment
        if is_setting and (line.startswith("  ") or key == "time_zone"):
            assert lines[i - 1].strip().startswith("#"), f"uncommented setting: {line}"


# --------------------------------------------------------------------------- merging


def test_user_file_overrides_key_by_key(tmp_path):
    user = write(tmp_path / "u.yaml", """
        spark:
          driver_memory: 4G
        alerts:
          error_rate_threshold: 0.25
        time_zone: Europe/Berlin
    """)
    s = load_settings(user)
    assert s.spark.driver_memory == "4g"
    assert s.spark.master == "local[*]"  # untouched sibling keeps the default
    assert s.alerts.error_rate_threshold == 0.25
    assert s.alerts.error_count_threshold == 100
    assert s.time_zone == "Europe/Berlin"
    assert s.analytics == Settings().analytics


def test_per_user_config_file_is_used_when_no_file_is_given():
    user_config_file().parent.mkdir(parents=True, exist_ok=True)
    write(user_config_file(), "analytics:\n  top_n: 25\n")
    assert load_settings().analytics.top_n == 25


def test_given_file_replaces_the_per_user_file(tmp_path):
    user_config_file().parent.mkdir(parents=True, exist_ok=True)
    write(user_config_file(), "analytics:\n  top_n: 25\n")
    given = write(tmp_path / "g.yaml", "alerts:\n  critical_error_count: 2\n")
    s = load_settings(given)
    assert s.analytics.top_n == 10 and s.alerts.critical_error_count == 2


def test_overrides_win_over_the_user_file(tmp_path):
    user = write(tmp_path / "u.yaml", "spark:\n  master: local[2]\n  driver_memory: 1g\n")
    s = load_settings(user, {"spark": {"master": "local[4]"}})
    assert s.spark.master == "local[4]" and s.spark.driver_memory == "1g"


def test_level_mapping_merges_entries(tmp_path):
    user = write(tmp_path / "u.yaml", """
        level_mapping:
          success: info     # new raw level, key upper-cased
          NOTICE: warn      # override one default entry
          ON: DEBUG         # stays the text ON, not YAML's boolean
          8: debug          # numeric key stays text
    """)
    mapping = load_settings(user).level_mapping
    assert mapping["SUCCESS"] == "INFO"
    assert mapping["NOTICE"] == "WARN"
    assert mapping["ON"] == "DEBUG"
    assert mapping["8"] == "DEBUG"
    assert mapping["FATAL"] == "CRITICAL"  # other defaults stay
    assert len(mapping) == len(DEFAULT_LEVEL_MAPPING) + 3


def test_empty_user_file_and_empty_section_change_nothing(tmp_path):
    assert load_settings(write(tmp_path / "empty.yaml", "")) == Settings()
    assert load_settings(write(tmp_path / "sec.yaml", "alerts:\n# all commented\n")) == Settings()


def test_shuffle_partitions_null_or_positive(tmp_path):
    assert load_settings(None, {"spark": {"shuffle_partitions": 8}}).spark.shuffle_partitions == 8
    unset = load_settings(None, {"spark": {"shuffle_partitions": None}})
    assert unset.spark.shuffle_partitions is None


# --------------------------------------------------------------------------- invalid values


def config_error(tmp_path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path / "bad.yaml", text))
    return str(info.value)


@pytest.mark.parametrize(
    "text, key, shown, allowed",
    [
        ("alerts:\n  error_rate_threshold: 1.5\n", "alerts.error_rate_threshold", "1.5",
         "a number between 0 and 1"),
        ("alerts:\n  error_rate_threshold: true\n", "alerts.error_rate_threshold", "true",
         "a number between 0 and 1"),
        ("alerts:\n  error_count_threshold: -1\n", "alerts.error_count_threshold", "-1",
         "a whole number, 0 or more"),
        ("alerts:\n  critical_error_count: 0\n", "alerts.critical_error_count", "0",
         "a whole number, 1 or more"),
        ("spark:\n  master: mesos://h:5050\n", "spark.master", "'mesos://h:5050'", "spark://host:port"),
        ("spark:\n  driver_memory: lots\n", "spark.driver_memory", "'lots'", "512m"),
        ("spark:\n  driver_memory: 100m\n", "spark.driver_memory", "'100m'", "at least 512m"),
        ("spark:\n  shuffle_partitions: 0\n", "spark.shuffle_partitions", "0", "null"),
        ("spark:\n  ui_enabled: maybe\n", "spark.ui_enabled", "'maybe'", "true or false"),
        ("spark:\n  log_level: LOUD\n", "spark.log_level", "'LOUD'", "ERROR"),
        ("paths:\n  output_dir: ''\n", "paths.output_dir", "''", "a folder path"),
        ("analytics:\n  top_n: 0\n", "analytics.top_n", "0", "from 1 to 1000"),
        ("analytics:\n  top_n: 1001\n", "analytics.top_n", "1001", "from 1 to 1000"),
        ("analytics:\n  trend_window: 7m\n", "analytics.trend_window", "'7m'", "divides a day"),
        ("analytics:\n  trend_window: 30s\n", "analytics.trend_window", "'30s'", "from 1m to 1d"),
        ("analytics:\n  trend_window: 2d\n", "analytics.trend_window", "'2d'", "from 1m to 1d"),
        ("analytics:\n  trend_window: hourly\n", "analytics.trend_window", "'hourly'", "1h"),
        ("time_zone: Mars/Olympus\n", "time_zone", "'Mars/Olympus'", "IANA time zone"),
        ("level_mapping:\n  OOPS: LOUD\n", "level_mapping.OOPS", "'LOUD'",
         "one of DEBUG, INFO, WARN, ERROR, CRITICAL"),
        ("dashboard:\n  auto_refresh: 1\n", "dashboard.auto_refresh", "1", "true or false"),
        ("dashboard:\n  auto_refresh_seconds: 1\n", "dashboard.auto_refresh_seconds", "1",
         "from 5 to 86400"),
    ],
)
def test_invalid_value_names_key_value_allowed_and_file(tmp_path, text, key, shown, allowed):
    message = config_error(tmp_path, text)
    assert message.startswith("config error: ")
    assert f"{key} = {shown} (allowed: " in message
    assert allowed in message
    assert str(tmp_path / "bad.yaml") in message
    assert "\n" not in message


def test_message_format_matches_the_documented_example(tmp_path):
    message = config_error(tmp_path, "alerts:\n  error_rate_threshold: 1.5\n")
    assert message.startswith(
        "config error: alerts.error_rate_threshold = 1.5 (allowed: a number between 0 and 1)"
    )


def test_every_problem_is_reported_at_once(tmp_path):
    text = "analytics:\n  top_n: 0\n  trend_window: 7m\nspark:\n  wat: 1\n"
    message = config_error(tmp_path, text)
    assert "analytics.top_n = 0" in message
    assert "analytics.trend_window = '7m'" in message
    assert "spark.wat" in message


def test_invalid_override_names_the_command_line():
    with pytest.raises(ConfigError) as info:
        load_settings(None, {"spark": {"master": "local[x]"}})
    assert "spark.master = 'local[x]'" in str(info.value)
    assert "in command line" in str(info.value)


def test_section_that_is_not_a_mapping(tmp_path):
    message = config_error(tmp_path, "alerts: 5\n")
    assert "alerts = 5 (allowed: a mapping of alerts settings)" in message


# --------------------------------------------------------------------------- unknown keys


def test_unknown_keys_are_reported_with_path_and_file(tmp_path):
    message = config_error(tmp_path, """
        spark:
          mastr: local[2]
        alerts:
          top_n: 3
        colour: blue
    """)
    source = str(tmp_path / "bad.yaml")
    assert "unknown settings:" in message
    assert f"spark.mastr (in {source}, did you mean spark.master?)" in message
    assert f"alerts.top_n (in {source}, did you mean analytics.top_n?)" in message
    assert f"colour (in {source})" in message


def test_unknown_override_key_is_reported():
    with pytest.raises(ConfigError, match=r"spark\.executors \(in command line\)"):
        load_settings(None, {"spark": {"executors": 4}})


# --------------------------------------------------------------------------- bad files


def test_invalid_yaml_names_the_file_and_line(tmp_path):
    message = config_error(tmp_path, "alerts:\n  error_rate_threshold: [0.1\n")
    assert str(tmp_path / "bad.yaml") in message and "not valid YAML" in message
    assert "line " in message


def test_duplicate_key_is_an_error(tmp_path):
    message = config_error(tmp_path, "analytics:\n  top_n: 3\n  top_n: 4\n")
    assert "duplicate key 'top_n'" in message


def test_yaml_tags_are_never_executed(tmp_path):
    marker = tmp_path / "ran"
    text = f"alerts: !!python/object/apply:os.system ['touch {marker}']\n"
    message = config_error(tmp_path, text)
    assert str(tmp_path / "bad.yaml") in message
    assert not marker.exists()


def test_file_that_is_not_a_mapping(tmp_path):
    message = config_error(tmp_path, "- spark\n- alerts\n")
    assert str(tmp_path / "bad.yaml") in message and "must hold a mapping" in message


def test_missing_config_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError, match="config file not found") as info:
        load_settings(missing)
    assert str(missing) in str(info.value)


def test_config_path_that_is_a_folder(tmp_path):
    with pytest.raises(ConfigError, match="not a file"):
        load_settings(tmp_path)


# --------------------------------------------------------------------------- saving


def test_settings_to_dict_round_trips_through_overrides():
    changed = dataclasses.replace(Settings(), time_zone="Asia/Tokyo")
    assert load_settings(None, settings_to_dict(changed)) == changed


def test_save_user_settings_writes_only_changed_keys(tmp_path):
    target = tmp_path / "cfg" / "config.yaml"
    written = save_user_settings(
        {
            "alerts": {"error_rate_threshold": 0.2, "error_count_threshold": 100},  # 2nd = default
            "level_mapping": {"success": "info", "WARN": "WARN"},  # 2nd = default
            "spark": {"master": "local[*]"},  # default
        },
        target,
    )
    assert written == target
    saved = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert saved == {"alerts": {"error_rate_threshold": 0.2}, "level_mapping": {"SUCCESS": "INFO"}}
    loaded = load_settings(target)
    assert loaded.alerts.error_rate_threshold == 0.2
    assert loaded.level_mapping["SUCCESS"] == "INFO"
    assert not list(target.parent.glob("*.tmp"))


def test_save_merges_with_the_existing_user_file(tmp_path):
    target = tmp_path / "config.yaml"
    save_user_settings({"analytics": {"top_n": 20}}, target)
    save_user_settings({"time_zone": "Europe/Paris"}, target)
    saved = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert saved == {"analytics": {"top_n": 20}, "time_zone": "Europe/Paris"}
    # setting a value back to its default removes it from the file
    save_user_settings({"analytics": {"top_n": 10}}, target)
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == {"time_zone": "Europe/Paris"}


def test_save_full_settings_dict_writes_the_difference(tmp_path):
    target = tmp_path / "config.yaml"
    wanted = dataclasses.replace(
        Settings(), dashboard=dataclasses.replace(Settings().dashboard, auto_refresh=True)
    )
    save_user_settings(settings_to_dict(wanted), target)
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == {
        "dashboard": {"auto_refresh": True}
    }


def test_save_defaults_to_the_per_user_file():
    path = save_user_settings({"analytics": {"trend_window": "15m"}})
    assert path == user_config_file()
    assert load_settings().analytics.trend_window == "15m"


def test_save_refuses_invalid_values_and_keeps_the_old_file(tmp_path):
    target = tmp_path / "config.yaml"
    save_user_settings({"analytics": {"top_n": 20}}, target)
    before = target.read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match="analytics.top_n = 0"):
        save_user_settings({"analytics": {"top_n": 0}}, target)
    assert target.read_text(encoding="utf-8") == before


# --------------------------------------------------------------------------- master URLs


@pytest.mark.parametrize(
    "master", ["local", "local[*]", "local[4]", "local[2, 3]", "spark://h:7077",
               "spark://a:7077,b:7077", "sc://localhost", "sc://host:15002/;token=x"],
)
def test_valid_masters(master):
    assert validate_master(master) is None


@pytest.mark.parametrize("master", ["", "yarn-cluster", "local[x]", "spark://host", "http://h:1", " local"])
def test_invalid_masters(master):
    assert validate_master(master) is not None


# --------------------------------------------------------------------------- user text formats

MYAPP_FORMAT = r"(?P<ts>\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}) \[(?P<level>\w+)\] (?P<message>.*)"


def test_formats_load_into_text_format_settings(tmp_path):
    user = tmp_path / "user.yaml"
    user.write_text(
        yaml.safe_dump(
            {
                "formats": [
                    {"name": "myapp", "pattern": MYAPP_FORMAT,
                     "timestamp_pattern": "dd.MM.yyyy HH:mm:ss"},
                    {"name": "kernel", "pattern": r"\[(?P<ts>[^\]]+)\] (?P<message>.*)",
                     "yearless": True, "multiline": False, "skip": "#"},
                ]
            }
        ),
        encoding="utf-8",
    )
    formats = load_settings(user).text_formats
    assert formats == (
        TextFormatSettings("myapp", MYAPP_FORMAT, "dd.MM.yyyy HH:mm:ss", False, True, None),
        TextFormatSettings("kernel", r"\[(?P<ts>[^\]]+)\] (?P<message>.*)", None, True, False, "#"),
    )
    assert Settings().text_formats == ()


def test_default_yaml_example_format_is_valid():
    # the commented example under `formats:` in config/default.yaml, uncommented
    lines = default_config_file().read_text(encoding="utf-8").splitlines()
    start = lines.index("#   formats:")
    example = []
    for line in lines[start:]:
        if not line.startswith("#   "):
            break
        example.append(line[4:])
    settings = load_settings(None, yaml.safe_load("\n".join(example)))
    assert [f.name for f in settings.text_formats] == ["myapp"]
    assert settings.text_formats[0].timestamp_pattern == "dd.MM.yyyy HH:mm:ss"


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"name": "myapp", "pattern": "(?P<ts>\\d+"},
         "formats[0] ('myapp'): pattern is not a valid regular expression: missing )"),
        ({"name": "myapp", "pattern": "(?P<when>\\S+) (?P<message>.*)"},
         "formats[0] ('myapp'): pattern has no timestamp group"),
        ({"name": "myapp", "pattern": "(?P<ts>\\S+) (?P<log_level>\\S+)"},
         "formats[0] ('myapp'): group name log_level cannot be used"),
        ({"pattern": "(?P<ts>\\S+)"}, "formats[0]: name must be non-empty text"),
        ({"name": "myapp", "pattern": "(?P<ts>\\S+)", "multiline": "yes"},
         "formats[0] ('myapp'): multiline must be true or false"),
        ({"name": "myapp", "pattern": "(?P<ts>\\S+)", "colour": "red"},
         "formats[0] ('myapp'): unknown key colour"),
        ({"name": "myapp", "pattern": "(?P<ts>\\S+)", "skip": "(#"},
         "formats[0] ('myapp'): skip is not a valid regular expression"),
        ({"name": "myapp", "pattern": "(?P<ts>\\S+)", "timestamp_pattern": 5},
         "formats[0] ('myapp'): timestamp_pattern is not text; it must be a Spark datetime"),
        ({"name": "myapp", "pattern": "(?P<ts>\\S+)", "timestamp_pattern": "YYYY-MM-dd"},
         "formats[0] ('myapp'): timestamp_pattern uses 'Y', which Spark cannot parse"),
    ],
)
def test_invalid_format_names_the_format_and_the_problem(tmp_path, entry, problem):
    message = config_error(tmp_path, yaml.safe_dump({"formats": [entry]}))
    assert problem in message
    assert str(tmp_path / "bad.yaml") in message


def test_formats_must_be_a_list_of_mappings_with_unique_names(tmp_path):
    assert "formats must be a list" in config_error(tmp_path, "formats:\n  name: x\n")
    assert "formats[0] must be a mapping" in config_error(tmp_path, "formats:\n  - just text\n")
    twice = {"name": "a", "pattern": "(?P<ts>\\S+)"}
    message = config_error(tmp_path, yaml.safe_dump({"formats": [twice, twice]}))
    assert "formats[1] ('a'): name 'a' is used by an earlier format" in message


def test_saved_formats_round_trip(tmp_path):
    target = tmp_path / "config.yaml"
    entry = {"name": "myapp", "pattern": MYAPP_FORMAT, "yearless": True}
    save_user_settings({"formats": [entry]}, target)
    loaded = load_settings(target)
    assert loaded.text_formats == (TextFormatSettings("myapp", MYAPP_FORMAT, yearless=True),)
    assert load_settings(None, settings_to_dict(loaded)) == loaded
    # saving the defaults again removes the list from the user file
    save_user_settings({"formats": []}, target)
    assert "formats" not in (yaml.safe_load(target.read_text(encoding="utf-8")) or {})


@pytest.mark.parametrize(
    "pattern, problem",
    [
        ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", None),
        ("dd/MMM/yyyy:HH:mm:ss Z", None),
        ("yyyy 'o''clock' HH", None),
        ("EEE MMM d HH:mm:ss yyyy", "uses 'E'"),
        ("yyyy-ww", "uses 'w'"),
        ("yyyy #", "uses '#'"),
        ("yyyy 'T", "unclosed quote"),
    ],
)
def test_datetime_pattern_problem(pattern, problem):
    found = config_loader.datetime_pattern_problem(pattern)
    assert (found is None) if problem is None else (problem in found)


def test_spark_conf_passes_the_users_own_options_and_refuses_logdesks(tmp_path):
    user = write(tmp_path / "u.yaml", """
        spark:
          conf:
            spark.hadoop.fs.s3a.endpoint: http://minio:9000
            spark.executor.memory: 2g
            spark.hadoop.fs.s3a.path.style.access: true
    """)
    assert load_settings(user).spark.conf == (
        ("spark.executor.memory", "2g"), ("spark.hadoop.fs.s3a.endpoint", "http://minio:9000"),
        ("spark.hadoop.fs.s3a.path.style.access", "true"))
    for bad, why in (("spark.master: yarn", "use spark.master"),
                     ("fs.defaultFS: hdfs://nn", "mapping of Spark option names"),
                     ("spark.jars: [a.jar]", "mapping of Spark option names")):
        user = write(tmp_path / "bad.yaml", f"""
            spark:
              conf:
                {bad}
        """)
        with pytest.raises(ConfigError, match=why):
            load_settings(user)
