"""engine/class_archive.py: the driver JVM's class-data sharing archive — made by the first
JVM, published only after that JVM exited cleanly, used by the next ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from logdesk.engine import class_archive
from logdesk.engine.class_archive import ENV_SWITCH, archive_option, archive_path, finish_dump

REPO = Path(__file__).resolve().parents[2]
JAVA = ("/opt/java", "Java 17.0.15")


@pytest.fixture
def archive_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LOGDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(ENV_SWITCH, raising=False)
    return tmp_path / "cache" / "jvm"


def test_without_an_archive_the_jvm_dumps_into_a_file_of_its_own(archive_dir):
    option, dump = archive_option(*JAVA)
    assert dump is not None and dump.parent == archive_dir and dump.suffix == ".dumping"
    assert option.endswith(f"-XX:ArchiveClassesAtExit={dump}")
    assert "-Xlog:cds*=off" in option  # the dump's notes stay off the user's terminal
    assert not archive_path(*JAVA).exists()


def test_a_published_archive_is_used_and_other_archives_go(archive_dir):
    final = archive_path(*JAVA)
    other = archive_path("/opt/other-java", "Java 21.0.1")
    assert final != other  # another runtime, another archive
    archive_dir.mkdir(parents=True)
    other.write_bytes(b"x")
    archive_option(*JAVA)  # no archive yet for this runtime: the other one is cleared away
    assert not other.exists()
    final.write_bytes(b"archive")
    assert archive_option(*JAVA) == (f"-Xlog:cds*=off -XX:SharedArchiveFile={final}", None)


@pytest.mark.parametrize("version", ["Java 1.8.0_392", "Java 11.0.2"])
def test_old_java_and_the_switch_get_no_option(archive_dir, monkeypatch, version):
    assert archive_option("/opt/java", version) == ("", None)
    monkeypatch.setenv(ENV_SWITCH, "off")
    assert archive_option(*JAVA) == ("", None)


class _Exited:
    def __init__(self, code: int) -> None:
        self.code = code

    def wait(self, timeout=None) -> int:
        return self.code


def test_only_a_clean_exit_publishes_the_dump(archive_dir):
    _, dump = archive_option(*JAVA)
    dump.write_bytes(b"half written")
    assert finish_dump(dump, _Exited(1)) is False  # a JVM that died may have left it partial
    assert not dump.exists() and not archive_path(*JAVA).exists()
    _, dump = archive_option(*JAVA)
    dump.write_bytes(b"complete")
    assert finish_dump(dump, _Exited(0)) is True
    assert archive_path(*JAVA).read_bytes() == b"complete" and not dump.exists()


@pytest.mark.slow
def test_two_cli_runs_make_then_use_the_archive(tmp_path):
    """For real: the first `logdesk process` leaves a published archive and no unfinished
    dump; the second gives the same reports and leaves the archive as it was."""
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "app.csv").write_text(
        "timestamp,level,service,ip,endpoint,message\n"
        "2024-06-01T10:00:00Z,INFO,api,10.0.0.1,/a,hello\n"
        "2024-06-01T10:05:00Z,ERROR,api,10.0.0.2,/a,DB timeout after 30s\n",
        encoding="utf-8",
    )
    env = {**os.environ, "LOGDESK_CACHE_DIR": str(tmp_path / "cache")}
    env.pop(ENV_SWITCH, None)

    def run(out: Path) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "logdesk", "process", str(logs), "--no-cache", "--out", str(out)],
            capture_output=True, text=True, timeout=600, cwd=REPO, env=env,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "[cds" not in done.stdout + done.stderr

    run(tmp_path / "out1")
    jvm = tmp_path / "cache" / "jvm"
    archives = sorted(p.name for p in jvm.iterdir())
    assert len(archives) == 1 and archives[0].endswith(".jsa"), archives
    made = (jvm / archives[0]).stat().st_mtime_ns
    run(tmp_path / "out2")
    assert sorted(p.name for p in jvm.iterdir()) == archives
    assert (jvm / archives[0]).stat().st_mtime_ns == made
    for name in ("csv/errors_by_type.csv", "csv/errors_per_ip.csv"):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    assert class_archive.ENV_SWITCH not in env
