"""Real faults for tests: a tiny tmpfs that fills up, remounted read-only, a forked child that
has become `nobody` (root passes every permission check), and finding the Spark JVM to kill.
Test code only.

Mounting needs root, which the tests have in CI; as root a mount that fails fails the test.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

NOBODY = 65534


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@contextlib.contextmanager
def tiny_tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `where` (created) while the block runs."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                              str(where)], capture_output=True, text=True)
    if mounted.returncode != 0:
        if not is_root():
            pytest.skip(f"mounting a tmpfs needs root: {mounted.stderr.strip()}")
        raise AssertionError(f"mount tmpfs on {where} failed: {mounted.stderr}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def remount_read_only(where: Path) -> None:
    done = subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def fill_up(where: Path, leave_bytes: int = 0) -> Path:
    """Fill the file system of `where` with one file, then give back `leave_bytes` (rounded by
    the file system to whole pages). Returns the filler file."""
    filler = where / "filler.bin"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as fh:
        while True:
            try:
                fh.write(chunk)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                break
    size = filler.stat().st_size
    if leave_bytes:
        os.truncate(filler, max(0, size - leave_bytes))
    return filler


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def reachable_by_nobody(path: Path) -> None:
    """Let `nobody` pass through `path` and every folder above it (o+x, o+r)."""
    for folder in (path, *path.parents):
        folder.chmod(folder.stat().st_mode | 0o005)


def as_nobody(action: Callable[[], int], capture_fd: int = 2) -> tuple[int, str]:
    """Run `action` in a forked child that has become nobody; returns (its return value as the
    exit code, what it wrote to `capture_fd`, 1 or 2, and to sys.stdout/sys.stderr for it).
    No exec: the interpreter (which may live under /root) stays loaded, so the permission
    checks met are the kernel's own; every module the action needs must be imported before."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.close(read_end)
            os.dup2(write_end, capture_fd)
            # pytest's capture replaced sys.stdout/stderr: speak to the pipe (and drop stdout)
            captured = open(capture_fd, "w", closefd=False)  # noqa: SIM115 - the child's life
            sys.stderr = captured if capture_fd == 2 else open(os.devnull, "w")  # noqa: SIM115
            sys.stdout = captured if capture_fd == 1 else open(os.devnull, "w")  # noqa: SIM115
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            code = int(action())
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        except BaseException as exc:  # noqa: BLE001 - reported through the pipe
            os.write(write_end, f"child failed: {type(exc).__name__}: {exc}\n".encode())
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        text = pipe.read().decode("utf-8", errors="replace")
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), text


def error_as_nobody(action: Callable[[], object], error: type[BaseException]) -> tuple[int, str]:
    """as_nobody for an action expected to fail with `error`: (0, "") when it returns, (3, the
    error's message) when it raises `error`; anything else is the child's own failure."""
    def attempt() -> int:
        try:
            action()
        except error as exc:
            os.write(2, str(exc).encode())
            return 3
        return 0

    return as_nobody(attempt)


def write_big_csv(folder: Path, rows: int) -> Path:
    """`folder` made, with one CSV file of `rows` records, every 10th an ERROR: a run long
    enough to kill its JVM in the middle of."""
    folder.mkdir()
    with open(folder / "big.csv", "w", encoding="utf-8") as fh:
        fh.write("timestamp,level,service,ip,endpoint,message\n")
        for i in range(rows):
            level = "ERROR" if i % 10 == 0 else "INFO"
            fh.write(f"2024-05-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z,{level},"
                     f"svc{i % 7},10.0.{i % 5}.{i % 250},/p{i % 13},request {i} took {i % 997} ms\n")
    return folder


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def spark_jvms(pid: int) -> list[int]:
    """The Spark driver JVMs started under process `pid` (psutil is not installed)."""
    jvms = []
    for child in _descendants(pid):
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"org.apache.spark.deploy.SparkSubmit" in cmdline and any(
                part.endswith(b"java") for part in cmdline[:1]):
            jvms.append(child)
    return jvms
