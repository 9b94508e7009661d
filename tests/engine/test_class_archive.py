"""engine/class_archive.py: the driver JVM's class-data sharing archive — made in the
background after a session that had none, published only after its JVM exited cleanly, used
by the next sessions."""

from __future__ import annotations

import os
import subprocess
import sys
import time
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


def test_without_an_archive_only_the_maker_dumps_into_a_file_of_its_own(archive_dir):
    assert archive_option(*JAVA) == ("", None)  # a user's session: no slow dumping JVM
    option, dump = archive_option(*JAVA, make=True)
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
    archive_option(*JAVA, make=True)  # no archive yet for this runtime: the other one goes
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
    _, dump = archive_option(*JAVA, make=True)
    dump.write_bytes(b"half written")
    assert finish_dump(dump, _Exited(1)) is False  # a JVM that died may have left it partial
    assert not dump.exists() and not archive_path(*JAVA).exists()
    _, dump = archive_option(*JAVA, make=True)
    dump.write_bytes(b"complete")
    assert finish_dump(dump, _Exited(0)) is True
    assert archive_path(*JAVA).read_bytes() == b"complete" and not dump.exists()


def test_no_second_maker_while_one_runs_or_after_a_failure(archive_dir, monkeypatch):
    started = []
    monkeypatch.setattr(class_archive.subprocess, "Popen", lambda *a, **k: started.append(a))
    final = archive_path(*JAVA)
    archive_dir.mkdir(parents=True)
    dumping = archive_dir / f"{final.stem}.123-4.dumping"
    dumping.write_bytes(b"")
    assert class_archive.make_in_background(*JAVA) is False  # one is being made
    dumping.unlink()
    failed = archive_dir / f"{final.stem}.failed"
    failed.touch()
    assert class_archive.make_in_background(*JAVA) is False  # failed lately: not again today
    old = time.time() - 2 * 86400
    os.utime(failed, (old, old))
    assert class_archive.make_in_background(*JAVA) is True and len(started) == 1
    final.write_bytes(b"archive")
    assert class_archive.make_in_background(*JAVA) is False and len(started) == 1


@pytest.mark.slow
def test_a_cli_run_leaves_the_archive_made_in_the_background_for_the_next(tmp_path):
    """For real: after the first `logdesk process` (which does not wait for it) the background
    maker publishes an archive and leaves no unfinished dump; the second run gives the same
    reports, starts no maker and leaves the archive as it was."""
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
    deadline = time.time() + 600
    while time.time() < deadline and not (
            any(jvm.glob("*.jsa")) and not any(jvm.glob("*.dumping"))):
        time.sleep(2)
    archives = sorted(p.name for p in jvm.iterdir())
    assert len(archives) == 1 and archives[0].endswith(".jsa"), archives
    made = (jvm / archives[0]).stat().st_mtime_ns
    run(tmp_path / "out2")
    assert sorted(p.name for p in jvm.iterdir()) == archives
    assert (jvm / archives[0]).stat().st_mtime_ns == made
    for name in ("csv/errors_by_type.csv", "csv/errors_per_ip.csv"):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()
    assert class_archive.ENV_SWITCH not in env
